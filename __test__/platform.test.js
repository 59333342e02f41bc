'use strict';
// What differs between platforms, held to the same contract everywhere; on Windows (under
// wine in the project's CI) these are the named-pipe fixes: errno numbers as Node reports
// them there, end() that closes a pipe, a server that goes on accepting after clients that
// leave at once, and the pipe name a path is served under.

const test = require('node:test');
const assert = require('node:assert/strict');
const net = require('net');
const h = require('./helpers');

const T = { timeout: 30000 };

/** The error node:net reports for connecting to `name`. */
function netConnectError(name) {
  return new Promise((resolve) => {
    const c = net.connect(name);
    c.on('error', (e) => resolve(e));
    c.on('connect', () => resolve(new Error('connected')));
  });
}

test('a local path nobody serves: the error has the code and errno node:net reports for the same path on this platform', T, async (t) => {
  const s = h.scope(t);
  const path = s.socketPath('nobody');
  const client = s.spawnPeer('client.js', [{ path, config: { maxRetries: 0 } }], { impl: 'native' });
  const err = await client.waitFor('error');
  const expected = await netConnectError(h.localName(path));
  assert.deepEqual(
    { code: err.code, errno: err.errno, syscall: err.syscall },
    { code: expected.code, errno: expected.errno, syscall: expected.syscall }
  );
  assert.equal(expected.code, 'ENOENT');
  assert.equal(typeof expected.errno, 'number');
});

test("server socket.end(data): the peer gets the data, then 'end', then 'close'; the server publishes socket.disconnected", T, async (t) => {
  const s = h.scope(t);
  const path = s.socketPath('end');
  const server = s.spawnPeer('server.js', [{ path }], { impl: 'native' });
  await server.waitFor('start');
  const peer = await s.rawConnect(path);
  await server.waitFor('connect');
  await server.request({ cmd: 'eval', code: `server.sockets[0].end(${JSON.stringify(h.frame('bye', 1))}); return 0;` });
  assert.equal(await peer.waitClose(), false);
  assert.equal(peer.text, h.frame('bye', 1));
  assert.equal(peer.ended, true, "'end' before 'close'");
  const gone = await server.waitFor('socket.disconnected');
  assert.equal(gone.count, 0);
});

test("client socket.end(): the server gets what was written, then 'end', then 'close'", T, async (t) => {
  const s = h.scope(t);
  const path = s.socketPath('cend');
  const cap = await s.captureServer(path);
  const client = s.spawnPeer('client.js', [{ path }], { impl: 'native' });
  await client.waitFor('connect');
  const conn = await cap.connection(0);
  await client.request({ cmd: 'eval', code: "ipc.of.srv.emit('last', 1); ipc.of.srv.socket.end(); return 0;" });
  assert.equal(await conn.waitClose(), false);
  assert.equal(conn.text, h.frame('last', 1));
  assert.equal(conn.ended, true, "'end' before 'close'");
  await client.waitFor('disconnect');
});

test('clients that connect and leave at once do not stop the server: 20 of them, then a round trip', T, async (t) => {
  const s = h.scope(t);
  const path = s.socketPath('churn');
  const server = s.spawnPeer('server.js', [{ path }], { impl: 'native' });
  await server.waitFor('start');
  await Promise.all(Array.from({ length: 20 }, async () => {
    const c = await s.rawConnect(path);
    c.destroy();
    await c.waitClose();
  }));
  await server.waitForCount('socket.disconnected', 20);
  const peer = await s.rawConnect(path);
  await peer.write(h.frame('hello', { id: 'last' }));
  const msg = await server.waitFor('message');
  assert.deepEqual([msg.type, msg.socketId], ['hello', 'last']);
  assert.equal(server.events('connect').length, 21);
});

test(h.IS_WINDOWS
  ? 'serve(path) listens on the pipe \\\\.\\pipe\\ + path without its leading / and with / as -, and says so in ipc.server.path'
  : 'serve(path) listens on the socket file path, and ipc.server.path is that path', T, async (t) => {
  const s = h.scope(t);
  const path = s.socketPath('name');
  const expected = h.IS_WINDOWS ? `\\\\.\\pipe\\${path.slice(1).split('/').join('-')}` : path;
  const server = s.spawnPeer('server.js', [{ path }], { impl: 'native' });
  await server.waitFor('start');
  const r = await server.request({ cmd: 'eval', code: 'return ipc.server.path;' });
  assert.equal(r.result, expected);
  const raw = net.connect(expected);
  s.defer(() => raw.destroy());
  await new Promise((resolve, reject) => raw.once('connect', resolve).once('error', reject));
  await server.waitFor('connect');
});
