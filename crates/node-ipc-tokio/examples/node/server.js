'use strict';
// The Node half of `cargo run --example with_node_server`: a node-ipc-native server (the
// same code runs with node-ipc 9.x, answering requests by hand) for the Rust client.
const ipc = require('../../../../index.js');

Object.assign(ipc.config, { silent: true, id: process.argv[2] });
ipc.serve(() => {
  ipc.server.handle('add', ({ a, b }) => {
    if (typeof a !== 'number' || typeof b !== 'number') throw new TypeError('add wants two numbers');
    return a + b;
  });
  ipc.server.on('note', (data, socket) => {
    console.log(`node: the client says ${JSON.stringify(data.text)}`);
    ipc.server.emit(socket, 'note', { text: data.text.toUpperCase() });
  });
  ipc.server.on('socket.disconnected', () => {
    ipc.server.stop();
    process.exit(0);
  });
  console.log('node: listening');
});
ipc.server.start();
