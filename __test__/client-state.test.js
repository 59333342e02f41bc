'use strict';
/**
 * Client connection/retry state machine and process lifetime, across processes.
 * Subject: our client ('native'); peers are node-ipc 9.2.1 servers (or nothing at all).
 *
 * CONTRACT: §3.2 (connectTo), §3.4 (disconnect), §5.2 (delivery table), §5.3 (retry state
 * machine), §5.4 (re-using ids), Q3, Q5, Q6, Q8, Q29, Q37, Q41, Q42; docs/ARCHITECTURE.md
 * "Threads and lifetime" (a live or
 * retrying client / a listening server keeps the process alive, a stopped or destroyed one
 * does not).
 */
const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const h = require('./helpers');

const T = { timeout: 60000 };
const SUBJECT = 'native';
const PEER = 'node-ipc';
const LIFECYCLE = ['connect', 'error', 'disconnect', 'destroy'];

function lifecycle(peer, from = 0) {
  return peer.events((l) => LIFECYCLE.includes(l.ev), from);
}

function spawnClient(s, opts, spawnOpts = {}) {
  return h.clientPeer(s, opts, SUBJECT, spawnOpts);
}

function spawnServer(s, opts, impl = PEER, spawnOpts = {}) {
  return h.serverPeer(s, opts, impl, spawnOpts);
}

async function staleSocket(s) {
  const path = s.socketPath('stale');
  const p = s.spawnPeer('stale-socket.js', [path], { name: 'stale-socket' });
  await p.waitExit(5000);
  assert.ok(fs.existsSync(path), 'stale socket file left behind');
  return path;
}

/** N+1 attempts: (error, disconnect) x (N+1), then destroy. */
async function assertExhaustion(client, { N, retry, code }) {
  const destroy = await client.waitFor('destroy', N * retry + 5000);
  const evs = lifecycle(client);
  const expected = [];
  for (let i = 0; i <= N; i++) expected.push('error', 'disconnect');
  expected.push('destroy');
  assert.deepEqual(evs.map((l) => l.ev), expected, 'event sequence');
  const errors = evs.filter((l) => l.ev === 'error');
  assert.deepEqual(errors.map((l) => l.code), Array(N + 1).fill(code), 'error codes');
  assert.deepEqual(errors.map((l) => l.argc), Array(N + 1).fill(1), 'error(err) has one argument');
  // retriesRemaining as seen inside each error handler: N, N-1, ..., 0
  assert.deepEqual(errors.map((l) => l.retriesRemaining), Array.from({ length: N + 1 }, (_, i) => N - i));
  // disconnect is published after the counter test, before the decrement: same values
  const disconnects = evs.filter((l) => l.ev === 'disconnect');
  assert.deepEqual(disconnects.map((l) => l.retriesRemaining), Array.from({ length: N + 1 }, (_, i) => N - i));
  assert.deepEqual(disconnects.map((l) => l.argc), Array(N + 1).fill(0));
  assert.equal(destroy.argc, 0);
  assert.equal(destroy.inOf, true, 'Q37: a destroyed client stays in ipc.of');
  // timing: the initial attempt is not delayed; N waits of `retry` ms follow
  const elapsed = destroy.at - errors[0].at;
  assert.ok(elapsed >= N * retry - 20, `N x retry elapsed (${elapsed} ms)`);
  assert.ok(elapsed < N * retry + 3000, `not much more than N x retry (${elapsed} ms)`);
  // nothing after destroy
  const r = await client.request({ cmd: 'barrier', ms: 3 * retry });
  assert.deepEqual(lifecycle(client).length, evs.length, 'no events after destroy');
  return r;
}

test('§5.3 Q6 maxRetries N, no socket file: N+1 x (error ENOENT, disconnect), then destroy; retriesRemaining N..0 in error handlers', T, async (t) => {
  const s = h.scope(t);
  const path = s.socketPath('none');
  const client = spawnClient(s, { path, config: { maxRetries: 3, retry: 150 } });
  await assertExhaustion(client, { N: 3, retry: 150, code: 'ENOENT' });
});

test('§5.3 Q6 maxRetries N, stale socket file (nobody listening): N+1 x (error ECONNREFUSED, disconnect), then destroy', h.unixOnly('socket files', T), async (t) => {
  const s = h.scope(t);
  const path = await staleSocket(s);
  const client = spawnClient(s, { path, config: { maxRetries: 2, retry: 150 } });
  await assertExhaustion(client, { N: 2, retry: 150, code: 'ECONNREFUSED' });
});

test('§5.3 maxRetries 0 / false: a single attempt, then destroy (retriesRemaining 0)', T, async (t) => {
  const s = h.scope(t);
  for (const maxRetries of [0, false]) {
    const path = s.socketPath('none');
    const client = spawnClient(s, { path, config: { maxRetries, retry: 100 } });
    await client.waitFor('destroy');
    assert.deepEqual(lifecycle(client).map((l) => [l.ev, l.retriesRemaining]), [
      ['error', 0],
      ['disconnect', 0],
      ['destroy', 0],
    ], `maxRetries ${maxRetries}`);
  }
});

test('§5.3 Q3 stopRetrying true (and any truthy value) -> exactly one error, one disconnect, destroy; retriesRemaining stays N', T, async (t) => {
  const s = h.scope(t);
  for (const stopRetrying of [true, 1]) {
    const path = s.socketPath('none');
    const client = spawnClient(s, { path, config: { maxRetries: 3, retry: 100, stopRetrying } });
    await client.waitFor('destroy');
    await client.request({ cmd: 'barrier', ms: 400 });
    assert.deepEqual(lifecycle(client).map((l) => [l.ev, l.retriesRemaining, l.code || null]), [
      ['error', 3, 'ENOENT'],
      ['disconnect', 3, null],
      ['destroy', 3, null],
    ], `stopRetrying ${stopRetrying}`);
    const st = await client.request({ cmd: 'state' });
    assert.equal(st.retriesRemaining, 3);
  }
});

test('§5.3 Q3 stopRetrying 0 is falsy: the client keeps retrying', T, async (t) => {
  const s = h.scope(t);
  const path = s.socketPath('none');
  const client = spawnClient(s, { path, config: { maxRetries: 2, retry: 100, stopRetrying: 0 } });
  await client.waitFor('destroy', 5000);
  assert.equal(client.events('error').length, 3);
});

test('§5.3 Q5 retry succeeds once the server appears; inside connect retriesRemaining is the pre-reset value, then reset to maxRetries', T, async (t) => {
  const s = h.scope(t);
  const path = s.socketPath('late');
  const maxRetries = 20;
  const client = spawnClient(s, { path, config: { maxRetries, retry: 250 } });
  await client.waitForCount('error', 2, 5000);
  const server = spawnServer(s, { path });
  await server.waitFor('start', 10000);
  const connect = await client.waitFor('connect', 10000);
  const before = lifecycle(client).filter((l) => l.at <= connect.at && l !== connect);
  const failures = before.filter((l) => l.ev === 'error').length;
  assert.ok(failures >= 2);
  assert.equal(before.filter((l) => l.ev === 'disconnect').length, failures, 'one disconnect per failed attempt (Q6)');
  assert.equal(connect.argc, 0);
  // each failed attempt was followed by one retry, each retry decremented the counter
  assert.equal(connect.retriesRemaining, maxRetries - failures, 'Q5: counter still shows the retries used');
  const st = await client.request({ cmd: 'state' });
  assert.equal(st.retriesRemaining, maxRetries, 'reset after connect');
  await server.waitFor('connect');
  assert.equal(server.events('connect').length, 1);
});

test('§5.2 Q29 emit while waiting for a retry is silently dropped (no throw, no error event) and not sent after reconnect', T, async (t) => {
  const s = h.scope(t);
  const path = s.socketPath('drop');
  const client = spawnClient(s, {
    path,
    config: { retry: 1000 },
    emitOnFirstDisconnect: { type: 'lost', data: { id: 'c', n: 1 } },
  });
  const emitted = await client.waitFor('emitted-while-disconnected', 5000);
  assert.equal(emitted.threw, null, 'emit must not throw');
  const server = spawnServer(s, { path });
  await server.waitFor('start', 10000);
  const connect = await client.waitFor('connect', 10000);
  const before = lifecycle(client).filter((l) => l.at <= connect.at && l !== connect);
  const errors = before.filter((l) => l.ev === 'error');
  assert.equal(errors.length, before.filter((l) => l.ev === 'disconnect').length, 'no error beyond one per failed attempt');
  assert.ok(errors.every((e) => e.code === 'ENOENT' || e.code === 'ECONNREFUSED'), JSON.stringify(errors.map((e) => e.code)));

  await client.request({ cmd: 'emit', type: 'after', data: { n: 2 } });
  await server.waitFor({ ev: 'message', type: 'after' });
  assert.deepEqual(server.events('message').map((m) => [m.type, m.data]), [['after', { n: 2 }]], 'the dropped message never arrives');
  assert.deepEqual(client.events('error').length, errors.length, 'no error event later either');
});

test('§5.2 Q29 emit after destroy (retries exhausted) is silently dropped: no throw, no error event', T, async (t) => {
  const s = h.scope(t);
  const path = s.socketPath('none');
  const client = spawnClient(s, { path, config: { maxRetries: 0 } });
  await client.waitFor('destroy');
  const r = await client.request({ cmd: 'emit', type: 'x', data: { a: 1 } });
  assert.equal(r.threw, null);
  await client.request({ cmd: 'barrier', ms: 200 });
  assert.deepEqual(lifecycle(client).map((l) => l.ev), ['error', 'disconnect', 'destroy']);
});

test('§3.4 Q41 emit (several) immediately followed by ipc.disconnect(id) still delivers, in order', T, async (t) => {
  const s = h.scope(t);
  const path = s.socketPath('q41');
  const server = spawnServer(s, { path });
  await server.waitFor('start', 10000);
  const client = spawnClient(s, { path });
  await client.waitFor('connect', 10000);
  await client.request({
    cmd: 'emitThenDisconnect',
    list: [
      { type: 'msg', data: { id: 'q41', n: 1 } },
      { type: 'msg', data: { n: 2, s: 'x'.repeat(1000) } },
      { type: 'bye', data: { n: 3 } },
    ],
  });
  const msgs = await server.waitForCount('message', 3);
  assert.deepEqual(msgs.map((m) => [m.type, m.data.n]), [['msg', 1], ['msg', 2], ['bye', 3]]);
  const sd = await server.waitFor('socket.disconnected');
  assert.equal(sd.id, 'q41');
});

test('§3.4 Q8 after ipc.disconnect(id): ipc.of[id] is gone, then the old client publishes disconnect then destroy (asynchronously)', T, async (t) => {
  const s = h.scope(t);
  const path = s.socketPath('disc');
  const server = spawnServer(s, { path });
  await server.waitFor('start', 10000);
  const client = spawnClient(s, { path });
  await client.waitFor('connect', 10000);
  const from = client.mark();
  const called = await client.request({ cmd: 'disconnect' });
  assert.equal(called.inOf, false, 'delete ipc.of[id]');
  const destroy = await client.waitFor('destroy', 5000, { from });
  const after = client.events((l) => LIFECYCLE.includes(l.ev) || l.ev === 'disconnect-called', from);
  assert.deepEqual(after.map((l) => l.ev), ['disconnect-called', 'disconnect', 'destroy'], 'events come after disconnect() returned');
  assert.equal(after[1].explicitlyDisconnected, true);
  assert.equal(destroy.inOf, false);
  await server.waitFor('socket.disconnected');

  // emitting afterwards: via ipc.of[id] -> TypeError (entry gone); via a saved reference -> dropped silently
  const viaOf = await client.request({ cmd: 'emit', type: 'x', data: 1 });
  assert.match(String(viaOf.threw), /undefined|Cannot read/);
  const viaRef = await client.request({ cmd: 'emit', ref: 'last', type: 'x', data: 1 });
  assert.equal(viaRef.threw, null);
  await client.request({ cmd: 'barrier', ms: 300 });
  assert.deepEqual(server.events({ ev: 'message', type: 'x' }), []);
  assert.deepEqual(lifecycle(client, from).map((l) => l.ev), ['disconnect', 'destroy'], 'no reconnect, no error');
});

test('§3.4 ipc.disconnect(id) while waiting for a retry: nothing more is published and the pending retry does not reconnect', T, async (t) => {
  const s = h.scope(t);
  const path = s.socketPath('discwait');
  const client = spawnClient(s, { path, config: { retry: 1200 } });
  await client.waitFor('disconnect', 5000);
  const from = client.mark();
  const called = await client.request({ cmd: 'disconnect' });
  assert.equal(called.inOf, false);
  // a server appears before the retry timer fires: it must see no connection
  const server = spawnServer(s, { path });
  await server.waitFor('start', 10000);
  await client.request({ cmd: 'barrier', ms: 1800 });
  assert.deepEqual(lifecycle(client, from), [], 'no disconnect/destroy/error/connect after disconnect() during the retry wait');
  assert.deepEqual(server.events('connect'), []);
});

test('§3.2 step 5 connectTo on an existing connected id: callback with no arguments, no new connection', T, async (t) => {
  const s = h.scope(t);
  const path = s.socketPath('again');
  const server = spawnServer(s, { path });
  await server.waitFor('start', 10000);
  const client = spawnClient(s, { path });
  const cb1 = await client.waitFor({ ev: 'connectTo-cb', label: 'initial' });
  assert.deepEqual([cb1.argc, cb1.argIsIpc], [1, true], 'first connectTo calls back with the IPC instance');
  await client.waitFor('connect', 10000);
  await client.request({ cmd: 'connectTo', label: 'again' });
  const cb2 = await client.waitFor({ ev: 'connectTo-cb', label: 'again' });
  assert.equal(cb2.argc, 0, 'existing connection: callback() with no arguments');
  const ret = await client.waitFor({ ev: 'connectTo-returned', label: 'again' });
  assert.equal(ret.newClient, false);
  await server.request({ cmd: 'barrier', ms: 300 });
  assert.equal(server.events('connect').length, 1);
  assert.equal(client.events('connect').length, 1);
});

test('§3.2 connectTo twice in one tick (first still connecting): second is a no-op with a no-argument callback', T, async (t) => {
  const s = h.scope(t);
  const path = s.socketPath('twice');
  const server = spawnServer(s, { path });
  await server.waitFor('start', 10000);
  const client = spawnClient(s, { path, connect: false });
  await client.waitFor('ready');
  await client.request({ cmd: 'connectTwice' });
  const first = await client.waitFor({ ev: 'connectTo-cb', label: 'first' });
  const second = await client.waitFor({ ev: 'connectTo-cb', label: 'second' });
  assert.deepEqual([first.argc, first.argIsIpc, second.argc], [1, true, 0]);
  assert.equal((await client.waitFor({ ev: 'connectTo-returned', label: 'second' })).newClient, false);
  await client.waitFor('connect', 10000);
  await server.request({ cmd: 'barrier', ms: 300 });
  assert.equal(server.events('connect').length, 1);
  // §3.2: connectTo publishes nothing synchronously: the callback ran before any event
  const idx = (p) => client.lines.findIndex(h.toPredicate(p));
  assert.ok(idx({ ev: 'connectTo-cb', label: 'first' }) < idx('connect'));
});

test('§5.4 after destroy, connectTo(sameId) creates a brand-new Client (old handlers not called)', T, async (t) => {
  const s = h.scope(t);
  const path = s.socketPath('reuse');
  const client = spawnClient(s, { path, config: { maxRetries: 0 } });
  await client.waitFor('destroy');
  const server = spawnServer(s, { path });
  await server.waitFor('start', 10000);
  await client.request({ cmd: 'connectTo', label: 'reuse' });
  const ret = await client.waitFor({ ev: 'connectTo-returned', label: 'reuse' });
  assert.deepEqual([ret.newClient, ret.cl], [true, 2]);
  const cb = await client.waitFor({ ev: 'connectTo-cb', label: 'reuse' });
  assert.deepEqual([cb.argc, cb.argIsIpc], [1, true]);
  const connect = await client.waitFor('connect', 10000);
  assert.equal(connect.cl, 2);
  assert.deepEqual(client.events({ ev: 'connect', cl: 1 }), []);
  await server.waitFor('connect');
});

// ---- process lifetime -------------------------------------------------------------------

test('lifetime: a client process exits by itself after destroy (retries exhausted)', T, async (t) => {
  const s = h.scope(t);
  const path = s.socketPath('life');
  const client = spawnClient(s, { path, noStdin: true, config: { maxRetries: 1, retry: 100 } }, { stdin: false });
  const exit = await client.waitExit(5000);
  assert.deepEqual(exit, { code: 0, signal: null });
  assert.deepEqual(lifecycle(client).map((l) => l.ev), ['error', 'disconnect', 'error', 'disconnect', 'destroy']);
});

test('lifetime: a client process exits by itself after ipc.disconnect(id) while the server stays up', T, async (t) => {
  const s = h.scope(t);
  const path = s.socketPath('life');
  const server = spawnServer(s, { path, echo: { ping: 'pong' } });
  await server.waitFor('start', 10000);
  const client = spawnClient(
    s,
    { path, noStdin: true, emitOnConnect: [{ type: 'ping', data: { id: 'life' } }], disconnectOn: 'pong' },
    { stdin: false }
  );
  const exit = await client.waitExit(5000);
  assert.deepEqual(exit, { code: 0, signal: null });
  assert.deepEqual(lifecycle(client).map((l) => l.ev), ['connect', 'disconnect', 'destroy']);
  await server.waitFor({ ev: 'socket.disconnected', id: 'life' });
  assert.equal(server.exitInfo, null, 'server still running');
});

test('lifetime: a connected client and a retrying client keep their process alive', T, async (t) => {
  const s = h.scope(t);
  const path = s.socketPath('alive');
  const server = spawnServer(s, { path });
  await server.waitFor('start', 10000);
  const connected = spawnClient(s, { path, noStdin: true }, { stdin: false });
  await connected.waitFor('connect', 10000);
  const retrying = spawnClient(s, { path: s.socketPath('none'), noStdin: true, config: { retry: 100 } }, { stdin: false });
  await retrying.waitForCount('disconnect', 2, 5000);
  await h.quietPeriod(800);
  assert.equal(connected.exitInfo, null, 'connected client still alive');
  assert.equal(retrying.exitInfo, null, 'retrying client still alive');
});

test('lifetime: a server process exits by itself after server.stop() when no client is connected', T, async (t) => {
  const s = h.scope(t);
  const path = s.socketPath('life');
  const server = spawnServer(s, { path, noStdin: true, stopOn: 'start' }, SUBJECT, { stdin: false });
  const exit = await server.waitExit(5000);
  assert.deepEqual(exit, { code: 0, signal: null });
  assert.deepEqual(server.events((l) => ['start', 'stopped'].includes(l.ev)).map((l) => l.ev), ['start', 'stopped']);
  assert.equal(fs.existsSync(path), false, '§4.5 socket file removed after stop()');
});

test('lifetime: a server that stop()s when its last client leaves exits by itself', T, async (t) => {
  const s = h.scope(t);
  const path = s.socketPath('life');
  const server = spawnServer(s, { path, noStdin: true, stopOn: 'socket.disconnected' }, SUBJECT, { stdin: false });
  await server.waitFor('start', 10000);
  const client = s.spawnPeer('client.js', [{ id: 'srv', path, emitOnConnect: [{ type: 'hello', data: { id: 'cl' } }] }], { impl: PEER });
  await client.waitFor('connect', 10000);
  await server.waitFor({ ev: 'message', type: 'hello' });
  await client.request({ cmd: 'disconnect' });
  const exit = await server.waitExit(5000);
  assert.deepEqual(exit, { code: 0, signal: null });
});

test('lifetime Q42: after stop() an accepted connection keeps the server process alive until the client leaves', T, async (t) => {
  const s = h.scope(t);
  const path = s.socketPath('q42');
  const server = spawnServer(s, { path }, SUBJECT);
  await server.waitFor('start', 10000);
  const client = s.spawnPeer('client.js', [{ id: 'srv', path }], { impl: PEER });
  await client.waitFor('connect', 10000);
  await server.waitFor('connect');
  await server.request({ cmd: 'stop' });
  await server.request({ cmd: 'detach' });
  await h.quietPeriod(500);
  assert.equal(server.exitInfo, null, 'still alive: the accepted connection is open');
  await client.request({ cmd: 'emit', type: 'msg', data: 'still open' });
  await server.waitFor({ ev: 'message', type: 'msg', data: 'still open' });
  await client.request({ cmd: 'disconnect' });
  const exit = await server.waitExit(5000);
  assert.deepEqual(exit, { code: 0, signal: null });
});
