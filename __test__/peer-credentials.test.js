'use strict';
// Peer credentials on Unix sockets: `socket.peer` is {pid, uid, gid} of the process at the
// other end, read by the kernel when the connection was made (SO_PEERCRED on Linux,
// getpeereid elsewhere); undefined over TCP. Both drivers (npm test runs it on each).

const test = require('node:test');
const assert = require('node:assert/strict');
const h = require('./helpers');

const UNIX = process.platform !== 'win32';
const T = { timeout: 30000, skip: !UNIX && 'named pipes have no peer credentials' };
const ME = UNIX ? { uid: process.getuid(), gid: process.getgid() } : {};

for (const impl of ['native', 'node-ipc']) {
  test(`the server's socket.peer names the client process (${impl === 'native' ? 'our' : "node-ipc 9.2.1's"} client)`, T, async (t) => {
    const s = h.scope(t);
    const path = s.socketPath('peer');
    const server = s.spawnPeer('server.js', [{ path }], { impl: 'native' });
    await server.waitFor('start');
    const client = s.spawnPeer('client.js', [{ path }], { impl });
    await client.waitFor('connect');
    const connect = await server.waitFor('connect');
    assert.deepEqual(connect.peer, { pid: client.pid, ...ME });
  });
}

test("the client's socket.peer names the server process", T, async (t) => {
  const s = h.scope(t);
  const path = s.socketPath('peer-cl');
  const server = s.spawnPeer('server.js', [{ path }], { impl: 'node-ipc' });
  await server.waitFor('start');
  const client = s.spawnPeer('client.js', [{ path }], { impl: 'native' });
  await client.waitFor('connect');
  const state = await client.request({ cmd: 'state' });
  assert.deepEqual(state.peer, { pid: server.pid, ...ME });
});

test('socket.peer is frozen, and undefined over TCP', T, async (t) => {
  const s = h.scope(t);
  const path = s.socketPath('peer-frozen');
  const server = s.spawnPeer('server.js', [{ path }], { impl: 'native' });
  await server.waitFor('start');
  await s.rawConnect(path);
  await server.waitFor('connect');
  const frozen = await server.request({ cmd: 'eval', code: 'const p = server.sockets[0].peer; return [Object.isFrozen(p), p.pid === process.pid];' });
  assert.deepEqual(frozen.result, [true, false]);
  const port = await h.freePort();
  const tcp = s.spawnPeer('server.js', [{ serveForm: 'net', host: '127.0.0.1', port }], { impl: 'native' });
  await tcp.waitFor('start');
  await s.rawConnect({ host: '127.0.0.1', port });
  const connect = await tcp.waitFor('connect');
  assert.equal(connect.peer, null);
  assert.equal(connect.remoteAddress, '127.0.0.1');
});

test('accepting only the same user, as the README shows: a connect handler that checks socket.peer.uid', T, async (t) => {
  const s = h.scope(t);
  const path = s.socketPath('peer-uid');
  const server = s.spawnPeer('server.js', [{ path }], { impl: 'native' });
  await server.waitFor('start');
  // The check the README recommends; here it expects a different uid, so it must refuse.
  await server.request({
    cmd: 'eval',
    code: `server.on('connect', (socket) => {
      if (!socket.peer || socket.peer.uid !== process.getuid() + 1) socket.destroy();
    }); return 0;`,
  });
  const refused = await s.rawConnect(path);
  // The server may already have closed it: then the write fails, which is the point.
  await refused.write(h.frame('hello', { id: 'intruder' })).catch((e) => assert.ok(['EPIPE', 'ECONNRESET'].includes(e.code), e.code));
  await refused.waitClose();
  await server.waitFor('socket.disconnected');
  assert.deepEqual(server.events('message'), [], 'nothing from a refused peer is published');
});
