'use strict';
// lib/socket-facade.js in-process: the facade built as lib/server.js and lib/client.js
// build it, on a recording SocketLink instead of the addon. What it asks of the link, what
// it returns, its fields and readyState, and the order of its events; parsePeer and
// parseAddress. (socket-parity.test.js compares it with a real net.Socket over a socket.)

const test = require('node:test');
const assert = require('node:assert/strict');
const { SocketFacade, parsePeer, parseAddress, HIGH_WATER_MARK } = require('../lib/socket-facade.js');

const CONN = 9;

/** Resolves after every process.nextTick callback queued so far has run. */
const afterTicks = () => new Promise((resolve) => setImmediate(resolve));

/** A SocketLink that records every call as [name, ...args]; `answers` overrides methods. */
function recordingLink(answers = {}) {
  const calls = [];
  const record = (name, result) => (...args) => {
    calls.push([name, ...args]);
    return typeof result === 'function' ? result(...args) : result;
  };
  const link = {
    write: record('write'),
    end: record('end'),
    destroy: record('destroy'),
    queued: record('queued', 0),
    setNoDelay: record('setNoDelay'),
    setKeepAlive: record('setKeepAlive'),
    localAddress: record('localAddress', null),
    tcpSettings: record('tcpSettings', null),
  };
  for (const [name, result] of Object.entries(answers)) link[name] = record(name, result);
  return { link, calls };
}

function facade(peer, answers) {
  const { link, calls } = recordingLink(answers);
  return { socket: new SocketFacade(link, CONN, peer), calls };
}

/** Records the facade's events (name and arguments) as they are emitted. */
function recordEvents(socket, names) {
  const events = [];
  for (const name of names) socket.on(name, (...args) => events.push([name, ...args]));
  return events;
}

test('a connected facade: fields, readyState and the other getters; only net.Socket-like keys are enumerable', () => {
  const { socket, calls } = facade({ remoteAddress: '127.0.0.1', remotePort: 5000, remoteFamily: 'IPv4' }, { queued: 12 });
  assert.deepEqual(Object.keys(socket), [
    '_events', '_eventsCount', '_maxListeners', 'id', 'connecting', 'destroyed', 'readable', 'writable',
    'remoteAddress', 'remotePort', 'remoteFamily', 'peer', 'encoding', 'bytesWritten',
  ]);
  assert.equal(socket._conn, CONN);
  assert.deepEqual(
    [socket.id, socket.connecting, socket.destroyed, socket.readable, socket.writable, socket.encoding],
    [undefined, false, false, true, true, null]);
  assert.deepEqual([socket.remoteAddress, socket.remotePort, socket.remoteFamily, socket.peer], ['127.0.0.1', 5000, 'IPv4', undefined]);
  assert.deepEqual([socket.readyState, socket.pending, socket.bytesRead, socket.bytesWritten], ['open', false, 0, 0]);
  assert.deepEqual([socket.writableHighWaterMark, socket.readableLength, socket.writableNeedDrain, socket.timeout],
    [HIGH_WATER_MARK, 0, false, undefined]);
  assert.equal(HIGH_WATER_MARK, 16384);
  assert.equal(socket.writableLength, 12);
  assert.deepEqual(calls, [['queued', CONN]]);
  assert.equal(socket.ref(), socket);
  assert.equal(socket.unref(), socket);
  assert.equal(socket.setEncoding('utf8'), socket);
  assert.equal(socket.encoding, 'utf8');
});

test('write: strings go to the link unchanged (utf8) or as Buffers (other encodings); bytesWritten counts bytes', () => {
  const { socket, calls } = facade();
  assert.equal(socket.write('héllo'), true);
  assert.equal(socket.write('x', 'utf-8'), true);
  assert.equal(socket.write('y', 'utf8'), true);
  assert.equal(socket.write('00ff', 'hex'), true);
  assert.equal(socket.write('aGk=', 'base64'), true);
  assert.equal(socket.write(''), true);
  assert.deepEqual(calls, [
    ['write', CONN, 'héllo'], ['write', CONN, 'x'], ['write', CONN, 'y'],
    ['write', CONN, Buffer.from([0x00, 0xff])], ['write', CONN, Buffer.from('hi')], ['write', CONN, ''],
  ]);
  assert.equal(socket.bytesWritten, 6 + 1 + 1 + 2 + 2 + 0);
});

test('write: a Buffer is passed as it is; another Uint8Array as a Buffer over the same memory', () => {
  const { socket, calls } = facade();
  const buf = Buffer.from('abc');
  socket.write(buf);
  const backing = new Uint8Array([0, 1, 2, 3, 4, 5]);
  const view = backing.subarray(2, 5);
  socket.write(view);
  assert.equal(calls[0][2], buf);
  const passed = calls[1][2];
  assert.ok(Buffer.isBuffer(passed));
  assert.deepEqual([...passed], [2, 3, 4]);
  backing[3] = 99;
  assert.equal(passed[1], 99, 'no copy');
  assert.equal(socket.bytesWritten, 6);
});

test('write: other values throw TypeError and reach nothing', () => {
  const { socket, calls } = facade();
  for (const value of [123, null, undefined, {}, [1], true]) {
    assert.throws(() => socket.write(value), {
      name: 'TypeError',
      message: 'The "chunk" argument must be of type string or an instance of Buffer or Uint8Array',
    });
  }
  assert.deepEqual(calls, []);
  assert.equal(socket.bytesWritten, 0);
});

test('write: a chunk of 16 KiB returns false and \'drain\' follows on the next tick; one unit less returns true', async () => {
  const { socket } = facade();
  const events = recordEvents(socket, ['drain']);
  assert.equal(socket.write('x'.repeat(HIGH_WATER_MARK - 1)), true);
  assert.equal(socket.write(Buffer.alloc(HIGH_WATER_MARK - 1)), true);
  assert.equal(socket.writableNeedDrain, false);
  assert.equal(socket.write('x'.repeat(HIGH_WATER_MARK)), false);
  assert.equal(socket.writableNeedDrain, true);
  assert.deepEqual(events, []);
  await afterTicks();
  assert.deepEqual(events, [['drain']]);
  assert.equal(socket.writableNeedDrain, false);
  assert.equal(socket.write(Buffer.alloc(HIGH_WATER_MARK)), false);
  await afterTicks();
  assert.deepEqual(events, [['drain'], ['drain']]);
});

test('write under pressure: false while the link reports queued bytes; \'drain\' once at _drained(), then callbacks', async () => {
  const { socket } = facade();
  const order = [];
  socket.on('drain', () => order.push('drain'));
  socket._congested();
  assert.equal(socket.write('a', () => order.push('cb a')), false);
  assert.equal(socket.write('b', (err) => order.push(['cb b', Boolean(err)])), false);
  assert.equal(socket.writableNeedDrain, true);
  await afterTicks();
  assert.deepEqual(order, [], 'callbacks and drain wait for the queue to be sent');
  socket._drained();
  assert.deepEqual(order, ['drain']);
  assert.equal(socket.writableNeedDrain, false);
  await afterTicks();
  assert.deepEqual(order, ['drain', 'cb a', ['cb b', false]]);
  socket._drained();
  await afterTicks();
  assert.equal(order.length, 3, 'no drain nobody asked for');
  assert.equal(socket.write('c'), true);
});

test('write: the link reporting congestion during a 16 KiB write means no tick-drain; it comes at _drained()', async () => {
  let socket;
  const { link } = recordingLink({ write: (conn, chunk) => { if (chunk.length >= HIGH_WATER_MARK) socket._congested(); } });
  socket = new SocketFacade(link, CONN);
  const events = recordEvents(socket, ['drain']);
  assert.equal(socket.write('x'.repeat(HIGH_WATER_MARK)), false);
  await afterTicks();
  assert.deepEqual(events, []);
  socket._drained();
  assert.deepEqual(events, [['drain']]);
});

test('write callbacks: on the next tick when connected, held while connecting until _markConnected', async () => {
  const order = [];
  const connected = facade();
  connected.socket.write('a', (err) => order.push(['connected cb', Boolean(err)]));
  order.push('sync');
  await afterTicks();
  assert.deepEqual(order, ['sync', ['connected cb', false]]);

  const { socket, calls } = facade({ connecting: true });
  assert.equal(socket.write('early', 'utf8', (err) => order.push(['early cb', Boolean(err)])), true);
  assert.deepEqual(calls, [['write', CONN, 'early']], 'written to the link at once (it is queued there)');
  await afterTicks();
  assert.equal(order.length, 2);
  socket._markConnected(null);
  await afterTicks();
  assert.deepEqual(order.slice(2), [['early cb', false]]);
});

test('write callbacks still held when the connection closes get ERR_STREAM_DESTROYED, each its own error', async () => {
  const { socket } = facade({ connecting: true });
  const errors = [];
  socket.write('a', (err) => errors.push(err));
  socket.write('b', (err) => errors.push(err));
  socket._markClosed();
  assert.deepEqual(errors, []);
  await afterTicks();
  assert.equal(errors.length, 2);
  for (const err of errors) {
    assert.ok(err instanceof Error);
    assert.equal(err.code, 'ERR_STREAM_DESTROYED');
    assert.equal(err.message, 'Cannot call write after a stream was destroyed');
  }
  assert.notEqual(errors[0], errors[1]);
});

test('connecting: readyState opening, pending; setNoDelay/setKeepAlive are kept and applied at connect (last value wins)', () => {
  const { socket, calls } = facade({ connecting: true });
  assert.deepEqual([socket.readyState, socket.pending, socket.readable, socket.writable], ['opening', true, false, true]);
  assert.equal(socket.setKeepAlive(true, 2500), socket);
  assert.equal(socket.setNoDelay(false), socket);
  socket.setNoDelay();
  assert.deepEqual(socket.address(), {});
  assert.equal(socket._tcpSettings(), null);
  assert.deepEqual(calls, [], 'nothing reaches the link before the connection exists');
  socket._markConnected('127.0.0.1:5000');
  assert.deepEqual(calls, [['setNoDelay', CONN, true], ['setKeepAlive', CONN, true, 2]]);
  assert.deepEqual([socket.readyState, socket.pending, socket.connecting, socket.readable], ['open', false, false, true]);
  assert.deepEqual([socket.remoteAddress, socket.remotePort, socket.remoteFamily], ['127.0.0.1', 5000, 'IPv4']);
});

test('setNoDelay/setKeepAlive when connected: straight to the link, delay in whole seconds; nothing once destroyed', () => {
  const { socket, calls } = facade();
  socket.setNoDelay();
  socket.setNoDelay(0);
  socket.setNoDelay('yes');
  socket.setKeepAlive();
  socket.setKeepAlive(true, 1999);
  socket.setKeepAlive(1, 999);
  socket.setKeepAlive(true, -5000);
  socket.setKeepAlive(true, 'x');
  socket.setKeepAlive(true, '3000');
  assert.deepEqual(calls, [
    ['setNoDelay', CONN, true], ['setNoDelay', CONN, false], ['setNoDelay', CONN, true],
    ['setKeepAlive', CONN, false, 0], ['setKeepAlive', CONN, true, 1], ['setKeepAlive', CONN, true, 0],
    ['setKeepAlive', CONN, true, 0], ['setKeepAlive', CONN, true, 0], ['setKeepAlive', CONN, true, 3],
  ]);
  socket.destroy();
  calls.length = 0;
  assert.equal(socket.setNoDelay(true), socket);
  assert.equal(socket.setKeepAlive(true, 1000), socket);
  assert.deepEqual(calls, []);
});

test('address(): asked of the link once and cached; IPv4, IPv6; {} for a local socket, while connecting and once closed', () => {
  const v4 = facade(undefined, { localAddress: '127.0.0.1:4000' });
  assert.deepEqual(v4.socket.address(), { address: '127.0.0.1', family: 'IPv4', port: 4000 });
  assert.deepEqual([v4.socket.localAddress, v4.socket.localPort, v4.socket.localFamily], ['127.0.0.1', 4000, 'IPv4']);
  assert.deepEqual(v4.calls, [['localAddress', CONN]]);
  v4.socket.destroy();
  assert.deepEqual(v4.socket.address(), {});
  assert.equal(v4.socket.localPort, undefined);

  const v6 = facade(undefined, { localAddress: '[::1]:4001' });
  assert.deepEqual(v6.socket.address(), { address: '::1', family: 'IPv6', port: 4001 });

  const local = facade();
  assert.deepEqual(local.socket.address(), {});
  assert.deepEqual(local.socket.address(), {});
  assert.deepEqual(local.calls, [['localAddress', CONN]], 'the empty answer is cached too');

  const given = facade({ sockname: { address: '10.0.0.1', family: 'IPv4', port: 7 } });
  assert.deepEqual(given.socket.address(), { address: '10.0.0.1', family: 'IPv4', port: 7 });
  assert.deepEqual(given.calls, []);
});

test('_markConnected(text): the local address sent with CONNECTED is used without asking the link', () => {
  const { socket, calls } = facade({ connecting: true }, { localAddress: '1.1.1.1:1' });
  socket._markConnected('[::1]:5000 [::1]:6000');
  assert.deepEqual([socket.remoteAddress, socket.remotePort, socket.remoteFamily], ['::1', 5000, 'IPv6']);
  assert.deepEqual(socket.address(), { address: '::1', family: 'IPv6', port: 6000 });
  assert.deepEqual(calls, []);
  assert.ok(!Object.keys(socket).includes('sockname'));
});

test('_markConnected(credentials): a Unix peer\'s {pid, uid, gid} as a frozen `peer` (pid null → undefined)', () => {
  const { socket } = facade({ connecting: true });
  socket._markConnected('{"pid":1234,"uid":1000,"gid":100}');
  assert.deepEqual(socket.peer, { pid: 1234, uid: 1000, gid: 100 });
  assert.ok(Object.isFrozen(socket.peer));
  assert.equal(socket.remoteAddress, undefined);
  const other = facade({ connecting: true }).socket;
  other._markConnected('{"pid":null,"uid":0,"gid":0}');
  assert.deepEqual(other.peer, { pid: undefined, uid: 0, gid: 0 });
});

test('_tcpSettings(): the link\'s answer when connected, null once destroyed', () => {
  const settings = { noDelay: true, keepAlive: false, keepAliveIdleSecs: null };
  const { socket, calls } = facade(undefined, { tcpSettings: settings });
  assert.equal(socket._tcpSettings(), settings);
  socket.destroy();
  assert.equal(socket._tcpSettings(), null);
  assert.deepEqual(calls, [['tcpSettings', CONN], ['destroy', CONN]]);
});

test('end(): half-closes once (readOnly), writes its data first, calls back at \'close\'; writes after it are dropped', async () => {
  const { socket, calls } = facade();
  const order = [];
  assert.equal(socket.end('bye', () => order.push('end cb')), socket);
  assert.deepEqual(calls, [['write', CONN, 'bye'], ['end', CONN]]);
  assert.deepEqual([socket.readyState, socket.writable, socket.readable], ['readOnly', false, true]);
  socket.end();
  socket.end('more');
  assert.equal(socket.write('late'), false);
  assert.equal(calls.length, 2, 'no second end, nothing written after end');
  assert.equal(socket.bytesWritten, 3);
  socket._markEnded();
  socket._markClosed();
  assert.deepEqual(order, []);
  socket._emitClose(false);
  assert.deepEqual(order, ['end cb']);

  const hex = facade();
  hex.socket.end('00ff', 'hex');
  assert.deepEqual(hex.calls, [['write', CONN, Buffer.from([0, 0xff])], ['end', CONN]]);
  const cbOnly = facade();
  cbOnly.socket.end(() => {});
  assert.deepEqual(cbOnly.calls, [['end', CONN]]);
});

test('destroy(): once, closed at once for readers and writers; writes after it are dropped', () => {
  const { socket, calls } = facade();
  assert.equal(socket.destroy(), socket);
  assert.equal(socket.destroy(), socket);
  assert.deepEqual(calls, [['destroy', CONN]]);
  assert.deepEqual([socket.destroyed, socket.readable, socket.writable, socket.readyState, socket.pending],
    [true, false, false, 'closed', true]);
  assert.equal(socket.write('x'), false);
  assert.equal(socket.writableLength, 0);
  socket.end('y');
  assert.deepEqual(calls, [['destroy', CONN]]);
});

test('a 16 KiB write\'s tick-drain is not emitted if the socket closed in between', async () => {
  const { socket } = facade();
  const events = recordEvents(socket, ['drain']);
  socket.write(Buffer.alloc(HIGH_WATER_MARK));
  socket._markClosed();
  await afterTicks();
  assert.deepEqual(events, []);
  assert.equal(socket.writableNeedDrain, false);
});

test('the event sequence of a peer that ends: end (writeOnly), close(hadError) after _markClosed', () => {
  const { socket } = facade();
  const events = recordEvents(socket, ['end', 'close', 'error']);
  const states = [];
  socket.on('end', () => states.push(socket.readyState));
  socket._markEnded();
  assert.equal(socket.readyState, 'writeOnly');
  socket._markClosed();
  assert.deepEqual([socket.destroyed, socket.readable, socket.writable, socket.connecting, socket.readyState],
    [true, false, false, false, 'closed']);
  socket._emitClose(false);
  assert.deepEqual(events, [['end'], ['close', false]]);
  assert.deepEqual(states, ['writeOnly']);
});

test('_error: emitted only when someone listens (an unlistened error does not throw)', () => {
  const { socket } = facade();
  const err = new Error('ECONNRESET');
  socket._error(err);
  const events = recordEvents(socket, ['error']);
  socket._error(err);
  socket._emitClose(true);
  assert.deepEqual(events, [['error', err]]);
});

test('_received counts bytesRead; _emitData computes nothing without a \'data\' listener', () => {
  const { socket } = facade();
  socket._received(10);
  socket._received(0);
  socket._received(5);
  assert.equal(socket.bytesRead, 15);
  // With no listener the arguments are not looked at (null text would throw below).
  socket._emitData(null, null);
  socket.on('data', () => {});
  assert.throws(() => socket._emitData(null, null), TypeError);
});

test('_emitData of frames text: a Buffer of its UTF-8 without encoding, the text itself in utf8, re-encoded otherwise', () => {
  const text = '{"type":"é"}\f';
  const got = (encoding) => {
    const { socket } = facade();
    if (encoding !== undefined) socket.setEncoding(encoding);
    const chunks = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket._emitData(text, null);
    return chunks;
  };
  assert.deepEqual(got(undefined), [Buffer.from(text, 'utf8')]);
  assert.deepEqual(got('utf8'), [text]);
  assert.deepEqual(got('utf-8'), [text]);
  assert.deepEqual(got('hex'), [Buffer.from(text, 'utf8').toString('hex')]);
  assert.deepEqual(got('latin1'), [Buffer.from(text, 'utf8').toString('latin1')]);
  assert.deepEqual(got(null), [Buffer.from(text, 'utf8')]);
});

test('_emitData of raw bytes: the same Buffer without encoding; decoded across deliveries with one', () => {
  const { socket } = facade();
  const chunks = [];
  socket.on('data', (chunk) => chunks.push(chunk));
  const bytes = Buffer.from([0xe2, 0x82]);
  socket._emitData(null, bytes);
  assert.equal(chunks[0], bytes);
  socket.setEncoding('utf8');
  // '€' = e2 82 ac, split over two deliveries, then 'a'.
  socket._emitData(null, Buffer.from([0x61, 0xe2]));
  socket._emitData(null, Buffer.from([0x82, 0xac, 0x62]));
  assert.deepEqual(chunks.slice(1), ['a', '€b']);
  // setEncoding starts a new decoder: the half character held by the old one is gone.
  socket._emitData(null, Buffer.from([0x63, 0xe2, 0x82]));
  socket.setEncoding('utf8');
  socket._emitData(null, Buffer.from([0xac, 0x64]));
  assert.deepEqual(chunks.slice(3), ['c', '\ufffdd']);
  socket.setEncoding('hex');
  socket._emitData(null, Buffer.from([0x00, 0xff]));
  assert.deepEqual(chunks.slice(5), ['00ff']);
  // A delivery that completes no character emits nothing, as a Readable with an encoding.
  socket.setEncoding('utf8');
  socket._emitData(null, Buffer.from([0xe2]));
  assert.equal(chunks.length, 6);
  socket._emitData(null, Buffer.from([0x82, 0xac]));
  assert.deepEqual(chunks.slice(6), ['€']);
});

test('setTimeout validates msecs as net.Socket does and adds/removes a once-listener; `timeout` reads it back', () => {
  const { socket } = facade();
  assert.throws(() => socket.setTimeout('10'), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => socket.setTimeout(-1), { name: 'RangeError', code: 'ERR_OUT_OF_RANGE' });
  assert.throws(() => socket.setTimeout(NaN), { name: 'RangeError', code: 'ERR_OUT_OF_RANGE' });
  assert.throws(() => socket.setTimeout(Infinity), { name: 'RangeError', code: 'ERR_OUT_OF_RANGE' });
  assert.equal(socket.timeout, undefined);
  const cb = () => {};
  assert.equal(socket.setTimeout(60000, cb), socket);
  assert.equal(socket.timeout, 60000);
  assert.deepEqual(socket.listeners('timeout'), [cb]);
  socket.setTimeout(0, cb);
  assert.equal(socket.timeout, 0);
  assert.deepEqual(socket.listeners('timeout'), []);
  socket.setTimeout(2 ** 40);
  assert.equal(socket.timeout, 2 ** 31 - 1);
  socket.setTimeout(0);
});

/** Resolves with the time of the socket's next 'timeout'; fails after `ms`. */
function nextTimeout(socket, ms) {
  return new Promise((resolve, reject) => {
    const guard = setTimeout(() => reject(new Error(`no 'timeout' within ${ms} ms`)), ms);
    socket.once('timeout', () => {
      clearTimeout(guard);
      resolve(Date.now());
    });
  });
}

test('setTimeout: \'timeout\' once after msecs without activity; writes and received bytes restart the wait; 0 turns it off', async () => {
  const { socket } = facade();
  const MS = 60;
  let count = 0;
  socket.on('timeout', () => count++);
  const start = Date.now();
  socket.setTimeout(MS);
  let at = await nextTimeout(socket, 5000);
  assert.ok(at - start >= MS - 1, `fired after ${at - start} ms`);
  assert.equal(count, 1);
  // After a 'timeout' the next activity arms the timer again. Activity every ~20 ms:
  // no 'timeout' while every gap stays under MS (a stalled event loop is allowed for).
  const times = [];
  for (let i = 0; i < 10; i++) {
    if (i % 2) socket.write('x'); else socket._received(1);
    times.push(Date.now());
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const fired = nextTimeout(socket, 5000);
  const longestGap = Math.max(...times.slice(1).map((t, i) => t - times[i]), Date.now() - times[times.length - 1]);
  if (longestGap < MS - 1) assert.equal(count, 1, 'no timeout while active');
  at = await fired;
  const last = times[times.length - 1];
  assert.ok(at - last >= MS - 1, `fired ${at - last} ms after the last activity`);
  // Armed by a write, then turned off: nothing fires, and activity does not re-arm it.
  const total = count;
  socket.write('y');
  socket.setTimeout(0);
  socket.write('z');
  socket._received(1);
  await new Promise((resolve) => setTimeout(resolve, MS * 3));
  assert.equal(count, total, 'setTimeout(0) turned it off');
});

test('setTimeout: the timer stops when the connection closes and is not armed on a closed socket', async () => {
  const { socket } = facade();
  let count = 0;
  socket.on('timeout', () => count++);
  socket.setTimeout(30);
  socket._markClosed();
  assert.equal(socket.timeout, 30, 'as net.Socket, the value stays');
  await new Promise((resolve) => setTimeout(resolve, 120));
  socket.setTimeout(30);
  await new Promise((resolve) => setTimeout(resolve, 120));
  assert.equal(count, 0);
});

test('parseAddress: ip:port → {address, family, port}; IPv6 in brackets; nothing → {}', () => {
  assert.deepEqual(parseAddress('127.0.0.1:80'), { address: '127.0.0.1', family: 'IPv4', port: 80 });
  assert.deepEqual(parseAddress('[::1]:65535'), { address: '::1', family: 'IPv6', port: 65535 });
  assert.deepEqual(parseAddress('[fe80::1%eth0]:5'), { address: 'fe80::1%eth0', family: 'IPv6', port: 5 });
  assert.deepEqual(parseAddress('[::ffff:127.0.0.1]:1'), { address: '::ffff:127.0.0.1', family: 'IPv6', port: 1 });
  for (const nothing of ['', null, undefined]) assert.deepEqual(parseAddress(nothing), {});
});

test('parsePeer: TCP peer (with the local address after a space), Unix credentials, nothing', () => {
  assert.deepEqual(parsePeer('10.1.2.3:4567'), { remoteAddress: '10.1.2.3', remotePort: 4567, remoteFamily: 'IPv4' });
  assert.deepEqual(parsePeer('10.1.2.3:4567 10.1.2.4:80'), {
    remoteAddress: '10.1.2.3', remotePort: 4567, remoteFamily: 'IPv4',
    sockname: { address: '10.1.2.4', family: 'IPv4', port: 80 },
  });
  assert.deepEqual(parsePeer('[::1]:1 [::1]:2'), {
    remoteAddress: '::1', remotePort: 1, remoteFamily: 'IPv6',
    sockname: { address: '::1', family: 'IPv6', port: 2 },
  });
  const creds = parsePeer('{"pid":1,"uid":2,"gid":3,"extra":4}');
  assert.deepEqual(creds, { peer: { pid: 1, uid: 2, gid: 3 } });
  assert.ok(Object.isFrozen(creds.peer));
  for (const nothing of ['', null, undefined]) assert.deepEqual(parsePeer(nothing), {});
});

test('a server-side facade built from parsePeer (as lib/server.js does) has the peer fields from the start', () => {
  const { link, calls } = recordingLink();
  const socket = new SocketFacade(link, 3, parsePeer('127.0.0.1:5000 127.0.0.1:6000'));
  assert.deepEqual([socket.remoteAddress, socket.remotePort, socket.remoteFamily], ['127.0.0.1', 5000, 'IPv4']);
  assert.deepEqual(socket.address(), { address: '127.0.0.1', family: 'IPv4', port: 6000 });
  assert.deepEqual(calls, []);
  const unix = new SocketFacade(link, 4, parsePeer('{"pid":5,"uid":6,"gid":7}'));
  assert.deepEqual(unix.peer, { pid: 5, uid: 6, gid: 7 });
  assert.equal(unix.readyState, 'open');
});

test('write after end() or destroy(): false, and the callback gets the error a net.Socket gives it; no \'error\' event (Q29)', async () => {
  const net = require('net');
  const server = net.createServer(() => {});
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const viaNet = async (close) => {
    const c = net.connect(server.address().port, '127.0.0.1');
    await new Promise((resolve) => c.once('connect', resolve));
    c.on('error', () => {}); // net.Socket also emits it after end(); the facade does not (Q29)
    close(c);
    return new Promise((resolve) => {
      const returned = c.write('y', (err) => resolve({ returned, code: err && err.code, message: err && err.message }));
    });
  };
  const viaFacade = (close) => {
    const { socket } = facade();
    socket._markConnected();
    const errors = [];
    socket.on('error', (e) => errors.push(e));
    close(socket);
    return new Promise((resolve) => {
      const returned = socket.write('y', (err) => resolve({ returned, code: err && err.code, message: err && err.message, errors }));
    });
  };
  try {
    for (const close of [(s) => s.end(), (s) => s.destroy()]) {
      const want = await viaNet(close);
      const got = await viaFacade(close);
      assert.deepEqual(got.errors, []);
      delete got.errors;
      assert.deepEqual(got, want);
      assert.equal(got.returned, false);
      assert.match(got.code, /^ERR_STREAM_(WRITE_AFTER_END|DESTROYED)$/);
    }
  } finally {
    server.close();
  }
});
