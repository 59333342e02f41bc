'use strict';
// ipc.server.server (the listener facade) and the socket facade handed to handlers.

const test = require('node:test');
const assert = require('node:assert/strict');
const h = require('./helpers');

const T = { timeout: 15000 };

function ourServer(t, path) {
  const ipc = new (require('..').IPC)();
  ipc.config.silent = true;
  t.after(() => {
    if (ipc.server && ipc.server.server && ipc.server.server.listening) ipc.server.stop();
    for (const s of ipc.server ? ipc.server.sockets : []) s.destroy();
  });
  return new Promise((resolve) => {
    ipc.serve(path, () => resolve(ipc));
    ipc.server.start();
  });
}

test('server.server: address() is the socket path (the pipe name on Windows), close(cb) runs once the last connection closed', T, async (t) => {
  const s = h.scope(t);
  const path = s.socketPath('lf');
  const ipc = await ourServer(t, path);
  const listener = ipc.server.server;
  assert.equal(listener.listening, true);
  assert.equal(listener.address(), h.localName(path));
  assert.equal(listener.maxConnections, 100);
  const connected = new Promise((r) => ipc.server.on('connect', r));
  const client = s.spawnPeer('client.js', [{ id: 'srv', path, disconnectOn: 'x' }], { impl: 'node-ipc' });
  const socket = await connected;
  let closed = false;
  const closeDone = new Promise((r) => listener.close((err) => { closed = true; r(err); }));
  assert.equal(listener.listening, false);
  await h.quietPeriod(100);
  assert.equal(closed, false, 'close(cb) waits for open connections');
  ipc.server.emit(socket, 'x', {});
  assert.equal(await closeDone, undefined);
  await client.waitFor('destroy');
  listener.close((err) => assert.equal(err.code, 'ERR_SERVER_NOT_RUNNING'));
});

test('socket facade: stable identity, state flags and id from data.id across events', T, async (t) => {
  const s = h.scope(t);
  const path = s.socketPath('sf');
  const ipc = await ourServer(t, path);
  const seen = [];
  const done = new Promise((resolve) => {
    ipc.server.on('connect', (socket) => seen.push(['connect', socket]));
    ipc.server.on('hello', (data, socket) => seen.push(['hello', socket]));
    ipc.server.on('socket.disconnected', (socket, id) => { seen.push(['gone', socket, id]); resolve(); });
  });
  s.spawnPeer('client.js', [{ id: 'srv', path, emitOnConnect: [{ type: 'hello', data: { id: 'peer-1' } }], disconnectOn: 'x' }], { impl: 'native' });
  await h.waitUntil(() => seen.length >= 2);
  const socket = seen[0][1];
  assert.equal(seen[1][1], socket, 'same object in connect and message handlers');
  assert.equal(ipc.server.sockets[0], socket);
  assert.equal(socket.id, 'peer-1');
  assert.equal(socket.destroyed, false);
  assert.equal(socket.readable, true);
  assert.equal(socket.writable, true);
  assert.equal(socket.remoteAddress, undefined);
  assert.equal(typeof socket.write, 'function');
  ipc.server.emit(socket, 'x', {});
  await done;
  assert.equal(seen[2][1], socket);
  assert.equal(seen[2][2], 'peer-1');
  assert.equal(socket.destroyed, true);
  assert.equal(socket.write('late'), false, 'writes after close are dropped');
  assert.deepEqual(ipc.server.sockets, []);
});

test('socket facade: socket.end() half-closes after sending; the peer sees the data then the close', T, async (t) => {
  const s = h.scope(t);
  const path = s.socketPath('end');
  const ipc = await ourServer(t, path);
  ipc.server.on('connect', (socket) => {
    socket.write('{"type":"hello","data":"first"}\f');
    socket.end('{"type":"hello","data":"last"}\f');
  });
  const client = s.spawnPeer('client.js', [{ id: 'srv', path, config: { maxRetries: 0 } }], { impl: 'node-ipc' });
  const msgs = await client.waitForCount((l) => l.ev === 'message', 2);
  assert.deepEqual(msgs.map((m) => m.data), ['first', 'last']);
  await client.waitFor('destroy');
});
