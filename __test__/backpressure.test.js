'use strict';
// Outbound memory is bounded (Q46): net.Socket's backpressure contract on the socket
// facades ('drain', writableNeedDrain, write() returning false), and config.maxQueuedBytes,
// past which a connection to a peer that does not read is destroyed with ENOBUFS while
// the others go on. Run on both drivers (npm test runs this file again on the tokio one).

const test = require('node:test');
const assert = require('node:assert/strict');
const net = require('net');
const h = require('./helpers');

const T = { timeout: 60000 };
const KIB = 1024;

/**
 * Server-side code for the fixture's `eval`: broadcasts `n` 1 KiB messages, yielding in between.
 * With `paceId`, the loop is paced by the socket with that `socket.id` (no new batch while
 * more than 64 KiB wait for it), as a producer paced by its healthy consumers is; every other
 * socket's queue grows as its reader allows.
 */
function broadcastLoop(n, paceId) {
  return `
    let i = 0;
    const pad = 'p'.repeat(1000);
    const pace = ${paceId ? `server.sockets.find((s) => s.id === ${JSON.stringify(paceId)})` : 'null'};
    if (${Boolean(paceId)} && !pace) throw new Error('no socket with id ${paceId}');
    const tick = () => {
      if (pace && !pace.destroyed && pace.writableLength > 65536) return setTimeout(tick, 1);
      for (let k = 0; k < 200 && i < ${n}; k++) server.broadcast('seq', { i: i++, pad });
      if (i >= ${n}) out({ ev: 'broadcast-done', count: i });
      else setImmediate(tick);
    };
    tick();
    return 0;`;
}

test('maxQueuedBytes: a peer that never reads is destroyed with ENOBUFS; a healthy client gets every broadcast, in order', T, async (t) => {
  const s = h.scope(t);
  const path = s.socketPath('bp-limit');
  const server = s.spawnPeer('server.js', [{ path, config: { maxQueuedBytes: 1024 * KIB } }], { impl: 'native' });
  await server.waitFor('start');
  const stuck = await s.rawConnect(path);
  stuck.socket.pause(); // reads nothing
  const healthy = s.spawnPeer('client.js', [{ path, tally: ['seq'], tallyEvery: 20000, emitOnConnect: [{ type: 'hello', data: { id: 'healthy' } }] }], { impl: 'native' });
  await healthy.waitFor('connect');
  await server.waitFor({ ev: 'message', type: 'hello', socketId: 'healthy' });
  const N = 20000; // 20 MB to each client
  // Paced by the healthy client: the only queue that may grow past the limit is the stuck one's,
  // however slowly the healthy process is scheduled.
  await server.request({ cmd: 'eval', code: broadcastLoop(N, 'healthy') });
  await server.waitFor('broadcast-done', 20000);

  const err = await server.waitFor('error', 10000);
  assert.deepEqual({ code: err.code, syscall: err.syscall, isError: err.isError }, { code: 'ENOBUFS', syscall: 'write', isError: true });
  assert.match(err.message, /over maxQueuedBytes \(1048576 bytes\)/);
  const queued = Number(/ENOBUFS: (\d+) bytes would wait/.exec(err.message)[1]);
  assert.ok(queued > 1024 * KIB && queued <= 1024 * KIB + 64 * KIB, `destroyed as the queue passed the limit (${queued} bytes)`);
  const close = await server.waitFor('close');
  assert.equal(close.hadError, true);
  const gone = await server.waitFor('socket.disconnected');
  assert.equal(gone.count, 1, 'only the stuck connection went');
  assert.deepEqual(server.events('error').map((e) => e.code), ['ENOBUFS']);

  const tally = await healthy.waitFor({ ev: 'tally', type: 'seq', count: N }, 20000);
  assert.equal(tally.inOrder, true);
  assert.equal(healthy.events('disconnect').length, 0);
  stuck.socket.resume();
  await stuck.waitClose();
  assert.ok(stuck.bytes.length < N * KIB, 'the stuck peer got only what fitted before the limit');
});

test('maxQueuedBytes: 0 means no limit (more than the 64 MiB default queues while the peer does not read; nothing is destroyed)', T, async (t) => {
  const s = h.scope(t);
  const path = s.socketPath('bp-nolimit');
  const server = s.spawnPeer('server.js', [{ path, config: { maxQueuedBytes: 0 } }], { impl: 'native' });
  await server.waitFor('start');
  const stuck = await s.rawConnect(path);
  stuck.socket.pause();
  await server.waitFor('connect');
  const N = 70000; // 72 MB: past the default limit
  await server.request({ cmd: 'eval', code: broadcastLoop(N) });
  await server.waitFor('broadcast-done', 30000);
  const r = await server.request({ cmd: 'eval', code: 'return server.sockets[0].writableLength;' });
  assert.ok(r.result > 64 * 1024 * KIB, `${r.result} bytes queued`);
  assert.deepEqual(server.events('error'), []);
  stuck.socket.resume();
  const pad = 'p'.repeat(1000);
  let total = 0;
  for (let i = 0; i < N; i++) total += JSON.stringify({ type: 'seq', data: { i, pad } }).length + 1;
  await stuck.waitBytes(total, 30000);
  assert.equal(stuck.text.split('\f').length - 1, N);
});

/**
 * Server-side pump that respects backpressure, as net.Socket users write it: write until
 * write() returns false, then wait for 'drain'. Records what it saw.
 */
const PUMP = `
  const socket = server.sockets[0];
  const seen = { falses: 0, needDrainAfterFalse: [], drains: 0, needDrainInDrain: [], queuedAtFalse: [] };
  let i = 0;
  const frame = (n) => JSON.stringify({ type: 'seq', data: { i: n, pad: 'p'.repeat(4000) } }) + '\\f';
  globalThis.pumpSeen = seen;
  globalThis.pumpCount = () => i;
  const pump = () => {
    while (i < 2000) {
      if (!socket.write(frame(i++))) {
        seen.falses++;
        seen.needDrainAfterFalse.push(socket.writableNeedDrain);
        seen.queuedAtFalse.push(socket.writableLength > 0);
        socket.once('drain', () => {
          seen.drains++;
          seen.needDrainInDrain.push(socket.writableNeedDrain);
          pump();
        });
        return;
      }
    }
    out({ ev: 'pumped', seen });
  };
  pump();
  return 0;`;

for (const impl of ['native', 'node-ipc']) {
  test(`drain: a writer that waits for 'drain' after write() returns false stops while the peer does not read, then delivers everything in order (${impl === 'native' ? 'ours' : 'node-ipc 9.2.1, a real net.Socket'})`, T, async (t) => {
    const s = h.scope(t);
    const path = s.socketPath('bp-drain');
    const server = s.spawnPeer('server.js', [{ path }], { impl });
    await server.waitFor('start');
    const peer = await s.rawConnect(path);
    peer.socket.pause();
    await server.waitFor('connect');
    await server.request({ cmd: 'eval', code: PUMP });
    await h.quietPeriod(300); // the peer reads nothing meanwhile
    const paused = await server.request({ cmd: 'eval', code: 'return pumpCount();' });
    assert.ok(paused.result < 2000, `the writer stopped at ${paused.result} of 2000 frames while the peer did not read`);
    peer.socket.resume();
    const done = await server.waitFor('pumped', 20000);
    const { seen } = done;
    assert.ok(seen.falses >= 1);
    assert.equal(seen.drains, seen.falses, "one 'drain' per write() that returned false");
    assert.ok(seen.needDrainAfterFalse.every((v) => v === true), 'writableNeedDrain is true after write() returned false');
    assert.ok(seen.needDrainInDrain.every((v) => v === false), "writableNeedDrain is false in 'drain'");
    assert.ok(seen.queuedAtFalse[0], 'writableLength > 0 when write() first returned false');
    // Every frame's exact length (the index's digits vary): a fixed estimate could be
    // reached before the last frame arrived.
    let total = 0;
    for (let i = 0; i < 2000; i++) total += JSON.stringify({ type: 'seq', data: { i, pad: 'p'.repeat(4000) } }).length + 1;
    const bytes = await peer.waitBytes(total, 20000);
    const frames = bytes.toString().split('\f').slice(0, -1).map((f) => JSON.parse(f).data.i);
    assert.deepEqual(frames, Array.from({ length: 2000 }, (_, k) => k));
  });
}

test("drain: a single write at the high-water mark returns false and is followed by 'drain', as on net.Socket", T, async (t) => {
  const s = h.scope(t);
  const path = s.socketPath('bp-hwm');
  const server = s.spawnPeer('server.js', [{ path }], { impl: 'native' });
  await server.waitFor('start');
  const peer = await s.rawConnect(path);
  await server.waitFor('connect');
  const code = `
    const socket = server.sockets[0];
    const small = socket.write('x'.repeat(100));
    const big = socket.write('y'.repeat(socket.writableHighWaterMark));
    const need = socket.writableNeedDrain;
    socket.once('drain', () => out({ ev: 'hwm', small, big, need, after: socket.writableNeedDrain, hwm: socket.writableHighWaterMark }));
    return 0;`;
  await server.request({ cmd: 'eval', code });
  const r = await server.waitFor('hwm');
  assert.deepEqual({ small: r.small, big: r.big, need: r.need, after: r.after, hwm: r.hwm }, { small: true, big: false, need: true, after: false, hwm: 16384 });
  await peer.waitBytes(100 + 16384);
});

test('maxQueuedBytes on a client: emitting to a server that does not read ends the connection with ENOBUFS, then the client reconnects', T, async (t) => {
  const s = h.scope(t);
  const path = s.socketPath('bp-client');
  const cap = await s.captureServer(path);
  const client = s.spawnPeer('client.js', [{ path, config: { maxQueuedBytes: 512 * KIB, retry: 100 } }], { impl: 'native' });
  await client.waitFor('connect');
  const first = await cap.connection(0);
  first.socket.pause();
  const code = `
    const pad = 'p'.repeat(1000);
    let i = 0;
    const tick = () => {
      for (let k = 0; k < 200 && i < 20000; k++) ipc.of.srv.emit('seq', { i: i++, pad });
      if (i < 20000 && !stopped) setImmediate(tick);
    };
    let stopped = false;
    ipc.of.srv.on('error', () => { stopped = true; });
    tick();
    return 0;`;
  await client.request({ cmd: 'eval', code });
  const err = await client.waitFor('error', 10000);
  assert.deepEqual({ code: err.code, syscall: err.syscall }, { code: 'ENOBUFS', syscall: 'write' });
  assert.match(err.message, /over maxQueuedBytes \(524288 bytes\)/);
  await client.waitFor('disconnect');
  await client.waitForCount('connect', 2, 5000);
  await cap.connection(1);
});

test('maxQueuedBytes on UDP: datagrams that would pass the limit while waiting to be sent are dropped with ENOBUFS; the socket goes on', T, async (t) => {
  const s = h.scope(t);
  const port = await h.freePort();
  const server = s.spawnPeer('server.js', [{ serveNetArgs: ['127.0.0.1', port, 'udp4'], config: { maxQueuedBytes: 64 * KIB } }], { impl: 'native' });
  await server.waitFor('connect', 10000);
  const sink = require('dgram').createSocket('udp4');
  let received = 0;
  let after = 0;
  sink.on('message', (msg) => {
    received++;
    if (msg.toString().startsWith('{"type":"after"')) after++;
  });
  await new Promise((resolve) => sink.bind(0, '127.0.0.1', resolve));
  s.defer(() => new Promise((r) => sink.close(r)));
  const target = sink.address().port;
  // Sends to a host name wait for its lookup: a burst of them fills the queue.
  const code = `
    const pad = 'p'.repeat(1000);
    for (let i = 0; i < 5000; i++) server.emit({ address: 'localhost', port: ${target} }, 'seq', { i, pad });
    return 0;`;
  await server.request({ cmd: 'eval', code });
  const err = await server.waitFor('error', 10000);
  assert.deepEqual({ code: err.code, syscall: err.syscall }, { code: 'ENOBUFS', syscall: 'send' });
  assert.match(err.message, /over maxQueuedBytes \(65536 bytes\); datagram dropped/);
  await h.waitUntil(() => received > 0, 10000, 'datagrams that fitted');
  await server.request({ cmd: 'eval', code: `server.emit({ address: '127.0.0.1', port: ${target} }, 'after', {}); return 1;` });
  await h.waitUntil(() => after === 1, 10000, 'the socket still sends');
  assert.equal(server.exitInfo, null);
});

// With the tokio driver the connection is made on the tokio thread while this loop runs,
// so whether the writes still wait in the queue of the connecting socket is a race; the
// same rule is tested in Rust (tests/backpressure.rs). The JavaScript-thread driver hands
// the connection over only when this thread is free again: the loop runs while connecting.
const TOKIO = process.env.NODE_IPC_NATIVE_DRIVER === 'tokio' || h.IS_WINDOWS; // Windows: always tokio

test("drain while connecting: writes are taken until the addon's queue reaches its high-water mark (256 KiB), then write() returns false until 'drain', which comes once connected and sent", { ...T, skip: TOKIO && 'tokio driver (the only one on Windows): the connection may complete during the loop (tested in Rust)' }, async (t) => {
  const s = h.scope(t);
  const path = s.socketPath('bp-connecting');
  const server = s.spawnPeer('server.js', [{ path, tally: ['seq'], tallyEvery: 400 }], { impl: 'native' });
  await server.waitFor('start');
  const client = s.spawnPeer('client.js', [{ path, connect: false }], { impl: 'native' });
  await client.waitFor('ready');
  const code = `
    ipc.connectTo('late', ${JSON.stringify(path)}, () => {});
    const socket = ipc.of.late.socket;
    const results = [];
    for (let i = 0; i < 400; i++) {
      results.push(socket.write(JSON.stringify({ type: 'seq', data: { i, pad: 'p'.repeat(1000) } }) + '\\f'));
    }
    socket.once('drain', () => out({ ev: 'late-drain', connecting: socket.connecting, needDrain: socket.writableNeedDrain }));
    return { firstFalse: results.indexOf(false), lastTrue: results.lastIndexOf(true), connecting: socket.connecting };`;
  const r = (await client.request({ cmd: 'eval', code })).result;
  assert.equal(r.connecting, true, 'all written before the connection was made');
  // 1,030-byte frames: the 16 KiB batch that brings the queue to 256 KiB is the 16th.
  assert.ok(r.firstFalse >= 240 && r.firstFalse <= 270, `first false at write ${r.firstFalse}`);
  assert.equal(r.lastTrue, r.firstFalse - 1, 'false from then on');
  const drained = await client.waitFor('late-drain', 10000);
  assert.deepEqual({ connecting: drained.connecting, needDrain: drained.needDrain }, { connecting: false, needDrain: false });
  const tally = await server.waitFor({ ev: 'tally', type: 'seq', count: 400 }, 10000);
  assert.equal(tally.inOrder, true);
});
