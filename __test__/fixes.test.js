'use strict';
/**
 * FIX expectations: behaviours where CONTRACT.md (§9) tells node-ipc-native to DIFFER from
 * node-ipc 9.2.1. Every test here is EXPECTED TO FAIL when run with OUR_IMPL=node-ipc (that
 * failure demonstrates the 9.2.1 bug being fixed) and must pass against our implementation.
 * Validation against ours is left to the lead engineer once index.js exists.
 *
 * Each test name starts with "FIX Qn" and says what 9.2.1 does instead.
 */
const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const os = require('os');
const path = require('path');
const h = require('./helpers');

const T = { timeout: 60000 };
const SUBJECT = 'native';
const PEER = 'node-ipc';
const QUICK = 2000; // short waits: 9.2.1 never produces these lines, fail fast there

const { frame } = h;

function spawnServer(s, opts, impl = SUBJECT, spawnOpts = {}) {
  return h.serverPeer(s, opts, impl, spawnOpts);
}

function spawnClient(s, opts, impl = SUBJECT, spawnOpts = {}) {
  return h.clientPeer(s, opts, impl, spawnOpts);
}

test('FIX Q7: connectTo(sameId) during the old client\'s retry wait leaves no ghost: one connection only (9.2.1: the old timer reconnects too)', T, async (t) => {
  const s = h.scope(t);
  const p = s.socketPath('q7');
  const client = spawnClient(s, { path: p, config: { retry: 1000 } });
  await client.waitFor({ ev: 'disconnect', cl: 1 }, 5000);
  await client.request({ cmd: 'connectTo', label: 'replace' });
  const ret = await client.waitFor({ ev: 'connectTo-returned', label: 'replace' });
  assert.deepEqual([ret.newClient, ret.cl], [true, 2]);
  const server = spawnServer(s, { path: p }, PEER);
  await server.waitFor('start', 10000);
  await client.waitFor({ ev: 'connect', cl: 2 }, 10000);
  await client.request({ cmd: 'barrier', ms: 1800 }); // > the old client's retry delay
  assert.deepEqual(client.events({ ev: 'connect', cl: 1 }), [], 'the replaced client never reconnects');
  assert.equal(server.events('connect').length, 1, 'exactly one connection reached the server');
});

test("FIX Q9 (server): '*' handlers receive (type, ...args), run before typed handlers, and never alter the data (9.2.1: crash / lost array element)", T, async (t) => {
  const s = h.scope(t);
  const p = s.socketPath('q9s');
  const server = spawnServer(s, { path: p, wildcard: true });
  await server.waitFor('start', QUICK * 2);
  const conn = await s.rawConnect(p);
  await server.waitFor('connect', QUICK);
  await conn.write(frame('msg', [1, 2, 3]) + frame('msg', { a: 1 }) + frame('msg', 'str'));
  const msgs = await server.waitForCount({ ev: 'message', type: 'msg' }, 3, QUICK);
  assert.deepEqual(msgs.map((m) => m.data), [[1, 2, 3], { a: 1 }, 'str'], 'typed handlers see untouched data');
  const stars = server.events('*').filter((l) => l.type === 'msg');
  assert.deepEqual(stars.map((l) => [l.argc, l.data]), [[3, [1, 2, 3]], [3, { a: 1 }], [3, 'str']], "'*' gets (type, data, socket)");
  // ordering: each '*' line directly precedes its typed line
  const order = server.events((l) => (l.ev === '*' && l.type === 'msg') || (l.ev === 'message' && l.type === 'msg')).map((l) => l.ev);
  assert.deepEqual(order, ['*', 'message', '*', 'message', '*', 'message']);
  const idx = (pred) => server.lines.findIndex(h.toPredicate(pred));
  assert.ok(idx({ ev: '*', type: 'start' }) >= 0 && idx({ ev: '*', type: 'start' }) < idx('serve-cb'), "'*' runs before the start callback");
  assert.ok(idx({ ev: '*', type: 'connect' }) < idx('connect'), "'*' runs before connect handlers");
  assert.equal(server.events({ ev: '*', type: 'connect' })[0].argc, 2, "'*' gets ('connect', socket)");
});

test("FIX Q9 (client): '*' handlers receive (type, ...args) before typed handlers (9.2.1: TypeError on 'connect' crashes the process)", T, async (t) => {
  const s = h.scope(t);
  const p = s.socketPath('q9c');
  const server = spawnServer(s, { path: p, echo: { ping: 'pong' } }, PEER);
  await server.waitFor('start', 10000);
  const client = spawnClient(s, { path: p, wildcard: true, emitOnConnect: [{ type: 'ping', data: [1, 2, 3] }] });
  const pong = await client.waitFor({ ev: 'message', type: 'pong' }, QUICK * 2);
  assert.deepEqual(pong.data, [1, 2, 3]);
  const star = client.events({ ev: '*', type: 'pong' });
  assert.deepEqual(star.map((l) => [l.argc, l.data]), [[2, [1, 2, 3]]]);
  const connectStar = client.events({ ev: '*', type: 'connect' });
  assert.deepEqual(connectStar.map((l) => l.argc), [1], "'*' gets ('connect')");
  const idx = (pred) => client.lines.findIndex(h.toPredicate(pred));
  assert.ok(idx({ ev: '*', type: 'connect' }) < idx('connect'));
  assert.ok(idx({ ev: '*', type: 'pong' }) < idx({ ev: 'message', type: 'pong' }));
});

test('FIX Q10 (server): a complete frame is delivered immediately even when the read ends mid-frame (9.2.1: waits for a read ending on the delimiter)', T, async (t) => {
  const s = h.scope(t);
  const p = s.socketPath('q10s');
  const server = spawnServer(s, { path: p });
  await server.waitFor('start', 10000);
  const conn = await s.rawConnect(p);
  await server.waitFor('connect');
  await conn.write(frame('msg', 1) + '{"type":"msg","da');
  const m1 = await server.waitFor({ ev: 'message', type: 'msg' }, QUICK);
  assert.equal(m1.data, 1);
  await conn.write('ta":2}\f');
  const both = await server.waitForCount({ ev: 'message', type: 'msg' }, 2, QUICK);
  assert.deepEqual(both.map((m) => m.data), [1, 2]);
});

test('FIX Q10 (client): a complete frame is delivered immediately even when the read ends mid-frame', T, async (t) => {
  const s = h.scope(t);
  const p = s.socketPath('q10c');
  const cap = await s.captureServer(p);
  const client = spawnClient(s, { path: p });
  await client.waitFor('connect', 10000);
  const conn = await cap.connection(0);
  await conn.write(frame('news', 'first') + '{"type":"news","data":"sec');
  const m1 = await client.waitFor({ ev: 'message', type: 'news' }, QUICK);
  assert.equal(m1.data, 'first');
  await conn.write('ond"}\f');
  const both = await client.waitForCount({ ev: 'message', type: 'news' }, 2, QUICK);
  assert.deepEqual(both.map((m) => m.data), ['first', 'second']);
});

test('FIX Q10 (sync mode): a read that completes a frame releases the next queued send even if it ends mid-frame', T, async (t) => {
  const s = h.scope(t);
  const p = s.socketPath('q10q');
  const cap = await s.captureServer(p);
  const client = spawnClient(s, { path: p, config: { sync: true } });
  await client.waitFor('connect', 10000);
  const conn = await cap.connection(0);
  await client.request({ cmd: 'emitSeq', list: [1, 2, 3].map((n) => ({ type: 'msg', data: n })) });
  await conn.waitBytes((b) => b.toString() === frame('msg', 1), QUICK);
  await h.quietPeriod(200);
  assert.equal(conn.text, frame('msg', 1), 'sync: one request in flight');
  await conn.write(frame('reply', 'r1') + '{"type":"reply","da');
  await conn.waitBytes((b) => b.toString() === frame('msg', 1) + frame('msg', 2), QUICK);
  await conn.write('ta":"r2"}\f');
  await conn.waitBytes((b) => b.toString() === frame('msg', 1) + frame('msg', 2) + frame('msg', 3), QUICK);
});

test('FIX Q11: a multi-character delimiter frames and delivers correctly (9.2.1: nothing is ever delivered)', T, async (t) => {
  const s = h.scope(t);
  const p = s.socketPath('q11');
  const DELIM = '\u0001\u0002';
  const server = spawnServer(s, { path: p, config: { delimiter: DELIM } });
  await server.waitFor('start', 10000);
  const conn = await s.rawConnect(p);
  await server.waitFor('connect');
  await conn.write(frame('msg', 'a', DELIM) + frame('msg', { b: 2 }, DELIM));
  const msgs = await server.waitForCount({ ev: 'message', type: 'msg' }, 2, QUICK);
  assert.deepEqual(msgs.map((m) => m.data), ['a', { b: 2 }]);
  await server.request({ cmd: 'emit', sock: 1, type: 'reply', data: 'r' });
  await conn.waitBytes((b) => b.toString() === frame('reply', 'r', DELIM), QUICK);

  // our client with the same delimiter talks to our server
  const client = spawnClient(s, { path: p, config: { delimiter: DELIM } });
  await client.waitFor('connect', 10000);
  await client.request({ cmd: 'emit', type: 'msg', data: 'from client' });
  await server.waitFor({ ev: 'message', type: 'msg', data: 'from client' }, QUICK);
});

test('FIX Q12: each IPC instance frames with its own config.delimiter (9.2.1: the last constructed server\'s delimiter wins)', T, async (t) => {
  const s = h.scope(t);
  const pa = s.socketPath('q12a');
  const pb = s.socketPath('q12b');
  const peer = s.spawnPeer('two-instances.js', [{ servers: [{ path: pa, delimiter: '\f' }, { path: pb, delimiter: '\u0001' }] }], { impl: SUBJECT });
  await peer.waitForCount('start', 2, 10000);
  const a = await s.rawConnect(pa);
  const b = await s.rawConnect(pb);
  await peer.waitForCount('connect', 2);
  await a.write(frame('msg', 'to A'));
  await b.write(frame('msg', 'to B', '\u0001'));
  const got = await peer.waitForCount('message', 2, QUICK);
  assert.deepEqual(got.map((m) => [m.inst, m.data]).sort(), [[0, 'to A'], [1, 'to B']]);
  await peer.request({ cmd: 'emit', inst: 0, type: 'reply', data: 'A' });
  await peer.request({ cmd: 'emit', inst: 1, type: 'reply', data: 'B' });
  await a.waitBytes((x) => x.toString() === frame('reply', 'A'), QUICK);
  await b.waitBytes((x) => x.toString() === frame('reply', 'B', '\u0001'), QUICK);
});

test('FIX Q35: event names that are Object.prototype members work like any other name (9.2.1: on() throws / messages lost)', T, async (t) => {
  const s = h.scope(t);
  const p = s.socketPath('q35');
  const NAMES = ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf'];
  const server = spawnServer(s, { path: p, types: NAMES });
  await server.waitFor('start', QUICK * 2);
  const conn = await s.rawConnect(p);
  await server.waitFor('connect', QUICK);
  await conn.write(NAMES.map((n, i) => frame(n, { i })).join(''));
  const msgs = await server.waitForCount('message', NAMES.length, QUICK);
  assert.deepEqual(msgs.map((m) => [m.type, m.data]), NAMES.map((n, i) => [n, { i }]));
  assert.deepEqual(server.events('error'), []);

  // unregistered prototype names are simply unhandled (no crash, later frames still arrive)
  const p2 = s.socketPath('q35b');
  const plain = spawnServer(s, { path: p2 });
  await plain.waitFor('start', 10000);
  const c2 = await s.rawConnect(p2);
  await plain.waitFor('connect');
  await c2.write(frame('isPrototypeOf', 1) + frame('__defineGetter__', 2) + frame('msg', 'after'));
  await plain.waitFor({ ev: 'message', type: 'msg', data: 'after' }, QUICK);
  assert.equal(plain.exitInfo, null);
});

test('FIX Q45: unlink:true refuses a path holding a regular file: error EEXIST naming the path, the file is kept, no start (9.2.1 deletes the file)', h.unixOnly('socket files', T), async (t) => {
  const s = h.scope(t);
  const p = s.socketPath('q45-file');
  fs.writeFileSync(p, 'precious');
  const server = spawnServer(s, { path: p });
  const err = await server.waitFor('error', QUICK);
  assert.deepEqual({ code: err.code, syscall: err.syscall, isError: err.isError }, { code: 'EEXIST', syscall: 'listen', isError: true });
  assert.ok(err.message.includes(p), err.message);
  assert.match(err.message, /a regular file, not a socket/);
  await server.request({ cmd: 'barrier', ms: 200 });
  assert.deepEqual(server.events('start'), []);
  assert.equal(fs.readFileSync(p, 'utf8'), 'precious');
});

test('FIX Q45: unlink:true refuses a path holding a directory: error EEXIST, the directory is kept (9.2.1: EISDIR from unlink is ignored, then listen fails EADDRINUSE)', h.unixOnly('socket files', T), async (t) => {
  const s = h.scope(t);
  const p = s.socketPath('q45-dir');
  fs.mkdirSync(p);
  s.defer(() => fs.rmSync(p, { recursive: true, force: true }));
  fs.writeFileSync(path.join(p, 'inside'), 'x');
  const server = spawnServer(s, { path: p });
  const err = await server.waitFor('error', QUICK);
  assert.equal(err.code, 'EEXIST');
  assert.match(err.message, /a directory, not a socket/);
  assert.equal(fs.readFileSync(path.join(p, 'inside'), 'utf8'), 'x');
});

test('FIX Q45: unlink:true on the path of a live server: error EADDRINUSE, the first server keeps its path and clients (9.2.1 unlinks it and takes the path over)', h.notUnderWine(T), async (t) => {
  const s = h.scope(t);
  const p = s.socketPath('q45-live');
  const first = spawnServer(s, { path: p });
  await first.waitFor('start', 10000);
  const old = await s.rawConnect(p);
  await first.waitFor('connect');
  const second = spawnServer(s, { path: p });
  const err = await second.waitFor('error', QUICK);
  assert.deepEqual({ code: err.code, syscall: err.syscall }, { code: 'EADDRINUSE', syscall: 'listen' });
  assert.ok(err.message.includes(p), err.message);
  await second.request({ cmd: 'barrier', ms: 200 });
  assert.deepEqual(second.events('start'), []);
  // The check was one connection, accepted and closed at once.
  await first.waitForCount('socket.disconnected', 1);
  const fresh = await s.rawConnect(p);
  await old.write(frame('msg', 'old'));
  await fresh.write(frame('msg', 'new'));
  await first.waitFor({ ev: 'message', data: 'old' });
  await first.waitFor({ ev: 'message', data: 'new' });
  assert.equal(first.events('connect').length, 3);
});

test('FIX Q45: unlink:true on the path of a live node-ipc 9.2.1 server: EADDRINUSE, the path stays with it', h.notUnderWine(T), async (t) => {
  const s = h.scope(t);
  const p = s.socketPath('q45-peer');
  const first = spawnServer(s, { path: p }, PEER);
  await first.waitFor('start', 10000);
  const second = spawnServer(s, { path: p });
  const err = await second.waitFor('error', QUICK);
  assert.equal(err.code, 'EADDRINUSE');
  const conn = await s.rawConnect(p);
  await conn.write(frame('msg', 'still-here'));
  await first.waitFor({ ev: 'message', data: 'still-here' });
});

test('FIX destroy in a handler (server): frames that arrived in the same read after it are not published, as a destroyed net.Socket reads nothing more (9.2.1 publishes the rest of the chunk)', T, async (t) => {
  const s = h.scope(t);
  const p = s.socketPath('destroy-run');
  const server = spawnServer(s, { path: p });
  await server.waitFor('start', 10000);
  await server.request({ cmd: 'eval', code: "server.on('msg', (data, socket) => { if (data === 1) socket.destroy(); }); return 0;" });
  const conn = await s.rawConnect(p);
  await conn.write(frame('msg', 1) + frame('msg', 2) + frame('msg', 3));
  await server.waitFor('socket.disconnected', QUICK);
  assert.deepEqual(server.events({ ev: 'message', type: 'msg' }).map((l) => l.data), [1]);
});

test('FIX ipc.disconnect in a handler (client): frames that arrived with the one that triggered it are not published to the old client (9.2.1 publishes them: its handlers stay registered)', T, async (t) => {
  const s = h.scope(t);
  const p = s.socketPath('disconnect-run');
  const cap = await s.captureServer(p);
  const client = spawnClient(s, { path: p, disconnectOn: 'x' });
  await client.waitFor('connect');
  const conn = await cap.connection(0);
  await conn.write(frame('msg', 1) + frame('x', 2) + frame('msg', 3));
  await client.waitFor('destroy', QUICK);
  assert.deepEqual(client.events('message').map((l) => [l.type, l.data]), [['msg', 1], ['x', 2]]);
});
