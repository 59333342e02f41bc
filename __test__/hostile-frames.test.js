'use strict';
// Frames a hostile or broken peer can send: none may throw inside the package (Q44). The
// server or client process stays up, logs (captureLog: not silent) and the '*' handlers see
// what they should, and the connection goes on serving the frames after the bad ones.

const test = require('node:test');
const assert = require('node:assert/strict');
const h = require('./helpers');

const DEEP = 100000;

/** Frames whose parsed values are awkward for the code that handles them. */
const HOSTILE = [
  // data.id values that are not strings or numbers (9.2.1 calls toString() on them at close)
  '{"type":"x","data":{"id":{"toString":0}}}',
  '{"type":"x","data":{"id":{"toString":0,"valueOf":0}}}',
  '{"type":"x","data":{"id":[{"toString":0}]}}',
  '{"type":"x","data":{"id":true}}',
  // types that have no property key (publishing them would throw in the bus)
  '{"type":{"toString":0,"valueOf":0},"data":{}}',
  '{"type":["a",{"toString":0,"valueOf":0}],"data":{}}',
  `{"type":${'['.repeat(DEEP)}${']'.repeat(DEEP)},"data":{}}`,
  // names of the library's own events and of Object.prototype members
  '{"type":"__proto__","data":{"id":"p"}}',
  '{"type":"constructor","data":{}}',
  '{"type":"close","data":{}}',
  '{"type":"socket.disconnected","data":{}}',
  '{"type":"*","data":1}',
  // not objects, no type, deep data, bad text
  'null', '5', '"text"', '[]', '{}', '',
  `{"type":"deep","data":${'{"a":'.repeat(DEEP)}1${'}'.repeat(DEEP)}}`,
  '{"type":"x","data":"\\ud800"}',
];

/** Invalid UTF-8 inside a string (decoded with replacement characters, as Node does). */
const BAD_UTF8 = Buffer.concat([Buffer.from('{"type":"x","data":"'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}\f')]);

function hostileBytes() {
  return Buffer.concat([Buffer.from(HOSTILE.join('\f') + '\f'), BAD_UTF8]);
}

async function serverSurvives(t, transport) {
  const s = h.scope(t);
  const port = transport === 'tcp' ? await h.freePort() : null;
  const path = transport === 'tcp' ? null : s.socketPath('hostile');
  const opts = transport === 'tcp'
    ? { serveForm: 'net', host: '127.0.0.1', port, captureLog: true, wildcard: true }
    : { path, captureLog: true, wildcard: true };
  const server = s.spawnPeer('server.js', [opts], { impl: 'native' });
  await server.waitFor('start');
  const target = transport === 'tcp' ? { host: '127.0.0.1', port } : path;

  // 1. The frame of the issue, then a close: the close path formats the id.
  const first = await s.rawConnect(target);
  await first.write('{"type":"x","data":{"id":{"toString":0}}}\f');
  const x = await server.waitFor({ ev: 'message', type: 'x' });
  assert.equal(x.socketId, null, 'an object id does not become socket.id');
  first.destroy();
  const gone = await server.waitFor('socket.disconnected');
  assert.equal(gone.id, false);

  // 2. Every hostile frame on one connection, then a good one: the connection still serves.
  const from = server.mark();
  const second = await s.rawConnect(target);
  await second.write(hostileBytes());
  await second.write(h.frame('hello', { id: 'after' }));
  const hello = await server.waitFor({ ev: 'message', type: 'hello' }, 10000, { from });
  assert.equal(hello.socketId, 'after');
  const messages = server.events('message', from).map((l) => [l.type, l.socketId]);
  assert.deepEqual(messages, [
    ['x', null], ['x', null], ['x', null], ['x', null],
    ['x', 'p'], ['x', 'p'],
    ['hello', 'after'],
  ]);
  // The wildcard saw every frame that has an event name, under that name.
  const none = { $undefined: true };
  const seen = server.events('*', from).map((l) => l.type).filter((ty) => ty !== 'connect');
  assert.deepEqual(seen, [
    'x', 'x', 'x', 'x',
    '__proto__', 'constructor', 'close', 'socket.disconnected', '*',
    'error', none, none, none, none, 'error',
    'deep', 'x', 'x', 'hello',
  ]);
  const dropped = server.events((l) => l.ev === 'log' && /cannot be an event name/.test(l.line), from);
  assert.equal(dropped.length, 3, 'the three types without a name are dropped with a log line');
  // A peer's 'socket.disconnected' frame reaches the handlers (as in node-ipc) but removes
  // no socket.
  const fake = server.events('socket.disconnected', from);
  assert.deepEqual(fake.map((l) => l.count), [1]);

  second.destroy();
  const last = await server.waitFor({ ev: 'socket.disconnected', id: 'after' }, 5000, { from });
  assert.equal(last.count, 0);
  assert.equal(server.exitInfo, null, 'the server process is still running');
  const probe = await s.rawConnect(target);
  await probe.write(h.frame('ping', { id: 'probe' }));
  await server.waitFor({ ev: 'message', type: 'ping', socketId: 'probe' });
}

test('hostile frames over a Unix socket: the server survives, logs, and keeps serving', async (t) => {
  await serverSurvives(t, 'unix');
});

test('hostile frames over TCP: the server survives, logs, and keeps serving', async (t) => {
  await serverSurvives(t, 'tcp');
});

test('hostile frames sent to a client: it survives and keeps receiving', async (t) => {
  const s = h.scope(t);
  const path = s.socketPath('hostile-cl');
  const cap = await s.captureServer(path);
  const client = s.spawnPeer('client.js', [{ id: 'srv', path, captureLog: true, wildcard: true }], { impl: 'native' });
  await client.waitFor('connect');
  const conn = await cap.connection(0);
  await conn.write(hostileBytes());
  await conn.write(h.frame('hello', 'after'));
  const hello = await client.waitFor({ ev: 'message', type: 'hello' }, 10000);
  assert.deepEqual(hello.data, 'after');
  assert.deepEqual(client.events('message').map((l) => l.type), ['x', 'x', 'x', 'x', 'x', 'x', 'hello']);
  conn.destroy();
  await client.waitFor('disconnect');
  assert.equal(client.exitInfo, null, 'the client process is still running');
});

test('hostile frames in UDP datagrams: the server survives and keeps serving', async (t) => {
  const s = h.scope(t);
  const port = await h.freePort();
  const server = s.spawnPeer('server.js', [{ serveNetArgs: ['127.0.0.1', port, 'udp4'], captureLog: true, wildcard: true }], { impl: 'native' });
  await server.waitFor('connect', 10000);
  const sock = require('dgram').createSocket('udp4');
  await new Promise((resolve) => sock.bind(0, '127.0.0.1', resolve));
  s.defer(() => new Promise((r) => sock.close(r)));
  const send = (payload) => new Promise((resolve, reject) => sock.send(payload, port, '127.0.0.1', (e) => (e ? reject(e) : resolve())));
  // Datagrams are at most 64 KiB: the frames nested 100,000 deep do not fit.
  const small = HOSTILE.filter((f) => f.length < 1000);
  await send(Buffer.from(small.join('\f') + '\f'));
  await send(BAD_UTF8);
  await send(Buffer.from(h.frame('hello', { id: 'after' })));
  const hello = await server.waitFor({ ev: 'message', type: 'hello' }, 5000);
  assert.equal(hello.socketId, 'after');
  assert.deepEqual(server.events('message').map((l) => [l.type, l.socketId]), [
    ['x', null], ['x', null], ['x', null], ['x', null], ['x', 'p'], ['x', null], ['hello', 'after'],
  ]);
  const dropped = server.events((l) => l.ev === 'log' && /cannot be an event name/.test(l.line));
  assert.equal(dropped.length, 2);
  assert.equal(server.exitInfo, null, 'the server process is still running');
});
