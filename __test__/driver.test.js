'use strict';
/**
 * The two ways the addon drives a plain connection: on the JavaScript thread from libuv's
 * poll (the default) and on its tokio runtime (NODE_IPC_NATIVE_DRIVER=tokio, and always
 * for TLS). Subject: our client ('native') in its own process; peers: plain `net` servers
 * in this process.
 *
 * What is checked here is where the two differ: sends the kernel refuses (a peer that is
 * not reading) and closing while such sends are queued; and a connection owned by a
 * worker thread that is terminated.
 */
const { test } = require('node:test');
const assert = require('node:assert/strict');
const net = require('net');
const h = require('./helpers');

const T = { timeout: 60000 };
const DRIVERS = { 'JavaScript thread (libuv poll)': {}, 'tokio': { NODE_IPC_NATIVE_DRIVER: 'tokio' } };

/**
 * A net server whose first connection is not read for `pauseMs`; resolves its bytes at end
 * of stream, or once `enough` bytes arrived when given.
 */
async function slowReader(s, p, pauseMs, enough = Infinity) {
  const server = net.createServer();
  s.defer(() => new Promise((r) => server.close(() => r())));
  const received = new Promise((resolve, reject) => {
    server.once('connection', (socket) => {
      s.defer(() => socket.destroy());
      const chunks = [];
      socket.pause();
      setTimeout(() => socket.resume(), pauseMs);
      let length = 0;
      socket.on('data', (b) => {
        chunks.push(b);
        length += b.length;
        if (length >= enough) resolve(Buffer.concat(chunks));
      });
      socket.on('error', reject);
      socket.on('end', () => resolve(Buffer.concat(chunks)));
    });
  });
  await new Promise((resolve) => server.listen(h.localName(p), resolve));
  return received;
}

function expectedBytes(count, size) {
  const s = 'x'.repeat(size);
  let text = '';
  for (let i = 0; i < count; i++) text += h.frame('blob', { i, s });
  return Buffer.from(text);
}

for (const [driver, env] of Object.entries(DRIVERS)) {
  test(`${driver}: 16 MiB sent to a peer that is not reading yet arrives whole and in order, while the client stays connected`, T, async (t) => {
    const s = h.scope(t);
    const p = s.socketPath('slow');
    const expected = expectedBytes(64, 256 * 1024);
    const received = slowReader(s, p, 500, expected.length);
    const client = s.spawnPeer('burst-client.js', [{ path: p, count: 64, size: 256 * 1024, disconnect: false }], { env });
    await client.waitFor('sent');
    const bytes = await received;
    assert.equal(bytes.length, expected.length);
    assert.ok(bytes.equals(expected), 'same bytes, same order');
  });

  test(`${driver}: ipc.disconnect() right after a 16 MiB burst still sends all of it before closing`, T, async (t) => {
    const s = h.scope(t);
    const p = s.socketPath('slowdisc');
    const received = slowReader(s, p, 500);
    const client = s.spawnPeer('burst-client.js', [{ path: p, count: 64, size: 256 * 1024, disconnect: true }], { env });
    await client.waitFor('disconnect');
    const bytes = await received;
    assert.ok(bytes.equals(expectedBytes(64, 256 * 1024)), `same bytes, same order (got ${bytes.length})`);
    const exit = await client.waitExit(20000);
    assert.deepEqual([exit.code, exit.signal], [0, null], 'the client process exits by itself');
  });
}

test('a worker thread holding a connection can be terminated; the process goes on and exits by itself', T, async (t) => {
  const s = h.scope(t);
  const p = s.socketPath('worker');
  const cap = await s.captureServer(p);
  const child = s.spawnPeer('worker-client.js', [{ path: p }]);
  await child.waitFor('worker-connected');
  const conn = await cap.connection(0);
  await conn.waitBytes(Buffer.byteLength(h.frame('hello', 'from a worker')));
  assert.equal(conn.text, h.frame('hello', 'from a worker'));
  const terminated = await child.waitFor('terminated');
  assert.equal(terminated.code, 1, 'terminate() resolves with exit code 1');
  assert.equal(await conn.waitClose(), false, 'the server sees the connection close');
  const exit = await child.waitExit(20000);
  assert.deepEqual([exit.code, exit.signal], [0, null]);
});
