'use strict';
/**
 * The unix-socket server (ipc.serve / ipc.server) in its own process, observed through its
 * event lines. Subject: our server ('native'). Peers: raw `net` clients in this process (exact
 * bytes, malformed input) and node-ipc 9.2.1 client processes.
 *
 * CONTRACT: §3.5 (serve overloads), §2.1 (default path), §4.1 (shape: sockets), §4.2 (start),
 * §4.3 (events and their order), §4.4 (emit to one socket), §4.5 (unlink / socket file),
 * §4.8 (stop), §6.3 (socket.id), §6.4 (receive), §6.5 (malformed frames), Q15, Q16, Q26, Q36,
 * Q38, Q42.
 */
const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const os = require('os');
const path = require('path');
const crypto = require('crypto');
const h = require('./helpers');

const T = { timeout: 60000 };
const SUBJECT = 'native';
const PEER = 'node-ipc';
const SERVER_EVENTS = ['start', 'connect', 'message', 'error', 'close', 'socket.disconnected'];

const { frame } = h;

function spawnServer(s, opts, spawnOpts = {}) {
  return h.serverPeer(s, opts, SUBJECT, spawnOpts);
}

async function startServer(s, opts = {}) {
  const p = opts.path || s.socketPath('srv');
  const server = spawnServer(s, { path: p, ...opts });
  await server.waitFor('start', 10000);
  return { server, path: p };
}

function evs(server, from = 0) {
  return server.events((l) => SERVER_EVENTS.includes(l.ev), from);
}

test('§4.3 start event: one argument, undefined; serve callback likewise; this === ipc.server (Q36)', T, async (t) => {
  const s = h.scope(t);
  const { server } = await startServer(s);
  const cb = server.events('serve-cb');
  const start = server.events('start');
  assert.equal(cb.length, 1);
  assert.equal(start.length, 1);
  assert.deepEqual([cb[0].argc, cb[0].argIsUndefined, cb[0].thisIsServer], [1, true, true]);
  assert.deepEqual([start[0].argc, start[0].argIsUndefined, start[0].thisIsServer], [1, true, true]);
  assert.equal(server.lines.indexOf(cb[0]) < server.lines.indexOf(start[0]), true, 'serve callback registered first, runs first');
});

test('§4.3 Q15 event sequence, raw client: connect(socket) -> message(data, socket) x2 -> socket.disconnected(socket, id) -> close(hadError=false)', T, async (t) => {
  const s = h.scope(t);
  const { server, path: p } = await startServer(s);
  const from = server.mark();
  const conn = await s.rawConnect(p);
  await server.waitFor('connect');
  await conn.write(frame('hello', { id: 'c1', text: 'hi' }) + frame('msg', 2));
  await server.waitForCount('message', 2);
  conn.end();
  await server.waitFor('close');
  const seq = evs(server, from);
  assert.deepEqual(seq.map((l) => l.ev), ['connect', 'message', 'message', 'socket.disconnected', 'close']);
  const [connect, m1, m2, sd, close] = seq;
  assert.deepEqual(
    { argc: connect.argc, sock: connect.sock, index: connect.index, count: connect.count, thisIsServer: connect.thisIsServer },
    { argc: 1, sock: 1, index: 0, count: 1, thisIsServer: true }
  );
  assert.deepEqual(
    [m1.type, m1.argc, m1.data, m1.sock, m1.socketId, m1.inSockets, m1.thisIsServer],
    ['hello', 2, { id: 'c1', text: 'hi' }, 1, 'c1', true, true]
  );
  assert.deepEqual([m2.type, m2.argc, m2.data, m2.sock, m2.socketId], ['msg', 2, 2, 1, 'c1']);
  assert.deepEqual(
    { argc: sd.argc, sock: sd.sock, id: sd.id, inSockets: sd.inSockets, count: sd.count },
    { argc: 2, sock: 1, id: 'c1', inSockets: false, count: 0 }
  );
  assert.deepEqual({ argc: close.argc, hadError: close.hadError, argType: close.argType }, { argc: 1, hadError: false, argType: 'boolean' });
});

test('§4.3 event sequence with a node-ipc 9.2.1 client that calls ipc.disconnect: same order, id from data.id', T, async (t) => {
  const s = h.scope(t);
  const { server, path: p } = await startServer(s);
  const client = s.spawnPeer('client.js', [{ id: 'srv', path: p, emitOnConnect: [{ type: 'hello', data: { id: 'peer-1' } }] }], { impl: PEER });
  await server.waitFor({ ev: 'message', type: 'hello' }, 10000);
  await client.request({ cmd: 'disconnect' });
  await server.waitFor('close');
  assert.deepEqual(evs(server).map((l) => l.ev), ['start', 'connect', 'message', 'socket.disconnected', 'close']);
  assert.equal(server.events('socket.disconnected')[0].id, 'peer-1');
  assert.equal(server.events('close')[0].hadError, false);
});

test('§4.1 Q16 server.sockets holds accepted sockets in accept order; the socket that closed is the one removed', T, async (t) => {
  const s = h.scope(t);
  const { server, path: p } = await startServer(s);
  const conns = [];
  for (let i = 0; i < 3; i++) {
    conns.push(await s.rawConnect(p));
    await server.waitForCount('connect', i + 1);
  }
  assert.deepEqual(server.events('connect').map((c) => [c.sock, c.index, c.count]), [[1, 0, 1], [2, 1, 2], [3, 2, 3]]);
  await conns[0].write(frame('identify', { id: 'a' }));
  await conns[1].write(frame('identify', { id: 'b' }));
  await server.waitForCount({ ev: 'message', type: 'identify' }, 2);
  let list = (await server.request({ cmd: 'sockets' })).list;
  assert.deepEqual(list.map((x) => [x.sock, x.id]), [[1, 'a'], [2, 'b'], [3, null]]);

  conns[1].end(); // the middle one leaves first
  const sd = await server.waitFor('socket.disconnected');
  assert.deepEqual([sd.sock, sd.id, sd.count], [2, 'b', 2]);
  list = (await server.request({ cmd: 'sockets' })).list;
  assert.deepEqual(list.map((x) => [x.sock, x.id]), [[1, 'a'], [3, null]]);

  conns[2].end(); // never identified: id false
  const sd3 = await server.waitForCount('socket.disconnected', 2);
  assert.deepEqual([sd3[1].sock, sd3[1].id], [3, false]);
  list = (await server.request({ cmd: 'sockets' })).list;
  assert.deepEqual(list.map((x) => x.sock), [1]);
});

test('§2/§4.2 Q26 maxConnections=1 with three clients: exactly one connect event, the others are closed by the server', T, async (t) => {
  const s = h.scope(t);
  const { server, path: p } = await startServer(s, { config: { maxConnections: 1 } });
  const conns = await Promise.all([s.rawConnect(p), s.rawConnect(p), s.rawConnect(p)]);
  await server.waitFor('connect');
  // the rejected connections are closed by the server side
  await h.waitUntil(() => conns.filter((c) => c.closed).length === 2, 5000, 'two rejected connections closed');
  await server.request({ cmd: 'barrier', ms: 300 });
  assert.equal(server.events('connect').length, 1);
  const open = conns.find((c) => !c.closed);
  await open.write(frame('msg', 'accepted one works'));
  const m = await server.waitFor({ ev: 'message', type: 'msg' });
  assert.deepEqual([m.sock, m.data], [1, 'accepted one works']);
  assert.deepEqual(server.events('socket.disconnected'), [], 'rejected connections never were sockets');

  // when the accepted one leaves, a new connection is accepted
  open.end();
  await server.waitFor('socket.disconnected');
  const again = await s.rawConnect(p);
  await server.waitForCount('connect', 2);
  await again.write(frame('msg', 'second'));
  await server.waitFor({ ev: 'message', type: 'msg', data: 'second' });
});

test('§2/§4.2 Q26 maxConnections=1 with node-ipc 9.2.1 clients: exactly one connect event on the server', T, async (t) => {
  const s = h.scope(t);
  const { server, path: p } = await startServer(s, { config: { maxConnections: 1 } });
  const clients = [];
  for (let i = 0; i < 3; i++) {
    clients.push(s.spawnPeer('client.js', [{ id: 'srv', path: p, config: { retry: 200 } }], { impl: PEER, name: `client${i}` }));
  }
  await server.waitFor('connect', 10000);
  await Promise.all(clients.map((c) => c.waitFor('connect', 10000)));
  // rejected clients see connect, then a close (and retry): at least two of them disconnect
  await h.waitUntil(() => clients.filter((c) => c.events('disconnect').length > 0).length >= 2, 8000, 'rejected clients disconnected');
  await server.request({ cmd: 'barrier', ms: 500 });
  assert.equal(server.events('connect').length, 1);
});

test('§4.5 unlink:true removes a stale socket file (from a killed process) before listening', h.unixOnly('socket files', T), async (t) => {
  const s = h.scope(t);
  const p = s.socketPath('stale');
  await s.spawnPeer('stale-socket.js', [p]).waitExit(5000);
  assert.equal(fs.statSync(p).isSocket(), true, 'stale socket exists');
  const { server } = await startServer(s, { path: p });
  const conn = await s.rawConnect(p);
  await server.waitFor('connect');
  await conn.write(frame('msg', 1));
  await server.waitFor({ ev: 'message', type: 'msg' });
  assert.deepEqual(server.events('error'), []);
});

// unlink:true on a regular file or on a live server's path: refused on purpose (FIX Q45,
// fixes.test.js).

test('§4.5 unlink:false with the path in use: error(EADDRINUSE) with no socket argument, no start event', h.notUnderWine(T), async (t) => {
  const s = h.scope(t);
  const p = s.socketPath('inuse');
  const occupant = await s.captureServer(p);
  const server = spawnServer(s, { path: p, config: { unlink: false } });
  const err = await server.waitFor('error', 10000);
  assert.deepEqual(
    { code: err.code, argc: err.argc, hasSocket: err.hasSocket, isError: err.isError },
    { code: 'EADDRINUSE', argc: 1, hasSocket: false, isError: true }
  );
  await server.request({ cmd: 'barrier', ms: 300 });
  assert.deepEqual(server.events('start'), []);
  // the occupant still owns the path
  await s.rawConnect(p);
  await occupant.connection(0);
});

test('§4.5 unlink:false with a free path starts normally', T, async (t) => {
  const s = h.scope(t);
  const { server, path: p } = await startServer(s, { config: { unlink: false } });
  await s.rawConnect(p);
  await server.waitFor('connect');
});

test('§4.5/§4.8 stop(): the socket file is removed and nothing is published', h.unixOnly('socket files', T), async (t) => {
  const s = h.scope(t);
  const { server, path: p } = await startServer(s);
  assert.equal(fs.statSync(p).isSocket(), true);
  const from = server.mark();
  assert.equal((await server.request({ cmd: 'stop' })).fileRemains, false, 'the file is gone when stop() returns, as after net.Server#close()');
  assert.equal(fs.existsSync(p), false, 'socket file removed');
  await server.request({ cmd: 'barrier', ms: 300 });
  assert.deepEqual(evs(server, from), [], 'no close / socket.disconnected / error on stop()');
  await assert.rejects(h.rawConnect(p, 2000), (e) => e.code === 'ENOENT');
});

test('§4.8 Q42 stop() keeps accepted connections open: both directions still work', T, async (t) => {
  const s = h.scope(t);
  const { server, path: p } = await startServer(s);
  const conn = await s.rawConnect(p);
  await server.waitFor('connect');
  await conn.write(frame('identify', { id: 'keep' }));
  await server.waitFor({ ev: 'message', type: 'identify' });
  await server.request({ cmd: 'stop' });
  await h.waitUntil(() => !fs.existsSync(p), 5000, 'socket file removed');

  await conn.write(frame('msg', 'after stop'));
  await server.waitFor({ ev: 'message', type: 'msg', data: 'after stop' });
  await server.request({ cmd: 'emit', sock: 1, type: 'reply', data: 'from stopped server' });
  await conn.waitBytes((b) => b.toString().includes(frame('reply', 'from stopped server')));
  const list = (await server.request({ cmd: 'sockets' })).list;
  assert.deepEqual(list.map((x) => [x.sock, x.id]), [[1, 'keep']]);
  assert.equal(conn.closed, false);

  conn.end();
  const sd = await server.waitFor('socket.disconnected');
  assert.equal(sd.id, 'keep');
  await server.waitFor('close');
});

test('§6.5 malformed frames -> error({message, err, response}, socket); the connection stays open and later frames still arrive', T, async (t) => {
  const s = h.scope(t);
  const { server, path: p } = await startServer(s, { types: ['msg', '5', 'undefined', 'reply'] });
  const conn = await s.rawConnect(p);
  await server.waitFor('connect');
  const from = server.mark();

  await conn.write('not json\f');
  const e1 = await server.waitFor('error', 5000, { from });
  assert.deepEqual(
    {
      argc: e1.argc,
      hasSocket: e1.hasSocket,
      sock: e1.sock,
      parseError: e1.parseError,
      message: e1.message,
      keys: e1.keys,
      response: e1.response,
      errName: e1.errName,
      errIsSyntaxError: e1.errIsSyntaxError,
    },
    {
      argc: 2,
      hasSocket: true,
      sock: 1,
      parseError: true,
      message: 'Invalid JSON response format',
      keys: ['message', 'err', 'response'],
      response: 'not json',
      errName: 'SyntaxError',
      errIsSyntaxError: true,
    }
  );

  // good, bad, good in one write: published in wire order
  await conn.write(frame('msg', 1) + '{bad\f' + frame('msg', 2));
  await server.waitForCount((l) => l.ev === 'error' || (l.ev === 'message' && l.type === 'msg'), 4, 5000, { from });
  // an empty piece (two delimiters in a row) is a parse error with response ''
  await conn.write('\f');
  // a piece that parses to null: same error path, response null
  await conn.write('null\f');
  // no data key -> (undefined, socket); numeric type -> '5'; missing type -> 'undefined'
  await conn.write('{"type":"msg"}\f{"type":5,"data":"five"}\f{"data":"typeless"}\f');
  await server.waitFor({ ev: 'message', type: 'undefined' }, 5000, { from });

  const seq = server.events((l) => l.ev === 'error' || l.ev === 'message', from).map((l) =>
    l.ev === 'error' ? ['error', l.response, l.errName, l.sock] : [l.type, l.hasData ? l.data : '(undefined)', l.argc, l.sock]
  );
  assert.deepEqual(seq, [
    ['error', 'not json', 'SyntaxError', 1],
    ['msg', 1, 2, 1],
    ['error', '{bad', 'SyntaxError', 1],
    ['msg', 2, 2, 1],
    ['error', '', 'SyntaxError', 1],
    ['error', null, 'TypeError', 1],
    ['msg', '(undefined)', 2, 1],
    ['5', 'five', 2, 1],
    ['undefined', 'typeless', 2, 1],
  ]);

  // still open both ways
  assert.equal(conn.closed, false);
  await server.request({ cmd: 'emit', sock: 1, type: 'reply', data: 'ok' });
  await conn.waitBytes((b) => b.toString().endsWith(frame('reply', 'ok')));
  assert.deepEqual(server.events('socket.disconnected'), []);
});

test('§6.4 a frame split across writes (also inside a multi-byte character) is delivered once complete', T, async (t) => {
  const s = h.scope(t);
  const { server, path: p } = await startServer(s);
  const conn = await s.rawConnect(p);
  await server.waitFor('connect');
  const bytes = Buffer.from(frame('msg', { text: 'é日😀' }));
  const cut1 = bytes.indexOf(Buffer.from('日')) + 1; // inside the 3-byte character
  const cut2 = bytes.indexOf(Buffer.from('😀')) + 2; // inside the 4-byte character
  await conn.write(bytes.subarray(0, cut1));
  await h.quietPeriod(50);
  await conn.write(bytes.subarray(cut1, cut2));
  await h.quietPeriod(50);
  assert.deepEqual(server.events('message'), [], 'incomplete frame not delivered');
  await conn.write(bytes.subarray(cut2));
  const m = await server.waitFor('message');
  assert.deepEqual(m.data, { text: 'é日😀' });
  await server.request({ cmd: 'barrier', ms: 100 });
  assert.equal(server.events('message').length, 1);
});

test('§4.4 server.emit to a socket that already closed is dropped silently (no throw, no error event)', T, async (t) => {
  const s = h.scope(t);
  const { server, path: p } = await startServer(s);
  const conn = await s.rawConnect(p);
  await server.waitFor('connect');
  conn.end();
  await server.waitFor('close');
  const r = await server.request({ cmd: 'emit', sock: 1, type: 'reply', data: 'late' });
  assert.equal(r.threw, null);
  await server.request({ cmd: 'barrier', ms: 200 });
  assert.deepEqual(server.events('error'), []);
});

// §3.5 serve() overloads: (), (f), (path), (path, f), (null, f); default path = socketRoot + appspace + id.
const FORMS = [
  { form: 'path-cb', explicitPath: true, cb: true },
  { form: 'path', explicitPath: true, cb: false },
  { form: 'cb', explicitPath: false, cb: true },
  { form: 'none', explicitPath: false, cb: false },
  { form: 'null-cb', explicitPath: false, cb: true },
];

for (const f of FORMS) {
  test(`§3.5/§2.1 serve overload '${f.form}': path ${f.explicitPath ? 'as given' : 'defaults to socketRoot + appspace + id'}, callback ${f.cb ? 'runs on start' : 'none'}`, T, async (t) => {
    const s = h.scope(t);
    const id = `sv${crypto.randomBytes(3).toString('hex')}`;
    const config = { socketRoot: os.tmpdir() + path.sep, appspace: 'nipc-app.', id };
    const expected = f.explicitPath ? s.socketPath('form') : s.trackPath(os.tmpdir() + path.sep + 'nipc-app.' + id);
    const server = spawnServer(s, { serveForm: f.form, path: f.explicitPath ? expected : undefined, config });
    const served = await server.waitFor('served', 10000);
    assert.equal(served.path, expected);
    assert.equal(served.port, null, 'port undefined for serve()');
    await server.waitFor('start', 10000);
    assert.equal(server.events('serve-cb').length, f.cb ? 1 : 0);
    // A socket file on Unix; on Windows a named pipe, which has no file to look at.
    if (!h.IS_WINDOWS) assert.equal(fs.statSync(expected).isSocket(), true);
    await s.rawConnect(expected);
    await server.waitFor('connect');
  });
}
