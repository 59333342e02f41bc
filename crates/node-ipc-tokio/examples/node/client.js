'use strict';
// The Node half of `cargo run --example with_node_client`: a node-ipc-native client (the
// same code runs with node-ipc 9.x) that talks to the Rust server the example started.
const ipc = require('../../../../index.js');

const id = process.argv[2];
Object.assign(ipc.config, { silent: true, maxRetries: 3, retry: 100 });
ipc.connectTo(id, () => {
  const server = ipc.of[id];
  server.on('connect', async () => {
    const noted = new Promise((resolve) => server.once('note', resolve));
    server.emit('note', { text: 'hello from Node' });
    console.log(`node: the server says ${JSON.stringify((await noted).text)}`);
    const sum = await server.request('add', { a: 40, b: 2 });
    console.log(`node: add(40, 2) = ${sum}`);
    try {
      await server.request('add', { a: 1, b: 'two' });
    } catch (e) {
      console.log(`node: add(1, "two") failed: ${e.name}: ${e.message}`);
    }
    ipc.disconnect(id);
  });
});
