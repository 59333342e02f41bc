'use strict';
/**
 * The socket facade against a real net.Socket: each scenario runs twice, once with a
 * node:net server or client as the subject and once with this package's (the socket from
 * ipc.server's 'connect', or ipc.of[id].socket), while a plain node:net peer in another
 * process (fixtures/net-peer.js) plays the same script on the other end. The events the
 * subject socket emits — with readyState at each, data as text, error codes, close's
 * hadError — must be the same, and equal to the sequence written in the test.
 *
 * The subject sockets get setEncoding('utf8') as node-ipc gives its sockets, and the peer
 * sends node-ipc frames (this package delivers 'data' per complete frame run).
 */
const net = require('net');
const { test } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./helpers');

const T = { timeout: 30000 };
const F1 = '{"type":"a","data":1}\f';
const F2 = '{"type":"b","data":"two"}\f';
const F3 = '{"type":"c","data":[3]}\f';
const ms = (n) => n * h.WAIT_SCALE;

const TRANSPORTS = [
  { name: 'unix', where: (s) => ({ path: s.socketPath('par') }) },
  { name: 'tcp', where: () => ({ host: '127.0.0.1' }) },
];

/** Records what a socket emits: consecutive data chunks are joined into one entry. */
function record(socket) {
  const log = [];
  const at = () => `@${socket.readyState}`;
  socket.on('connect', () => log.push('connect' + at()));
  socket.on('ready', () => log.push('ready'));
  socket.on('data', (chunk) => {
    const text = String(chunk);
    const last = log.length - 1;
    if (last >= 0 && log[last].startsWith('data:')) log[last] += text;
    else log.push('data:' + text);
  });
  socket.on('end', () => log.push('end' + at()));
  socket.on('timeout', () => log.push('timeout' + at()));
  socket.on('error', (err) => log.push('error:' + err.code));
  const closed = new Promise((resolve) => socket.on('close', (hadError) => {
    log.push(`close:${hadError}` + at());
    resolve();
  }));
  return { log, closed };
}

/**
 * A server whose first connection is the subject. `onSocket` runs synchronously when it
 * arrives (as listeners must be attached then).
 * @returns {Promise<{target: object, close: () => void}>}
 */
async function subjectServer(kind, where, onSocket, t) {
  if (kind === 'net') {
    const server = net.createServer((socket) => {
      socket.setEncoding('utf8');
      onSocket(socket);
    });
    await new Promise((r) => server.listen(where.path ? where.path : { host: where.host, port: 0 }, r));
    t.after(() => server.close());
    return { target: where.path ? { path: where.path } : { host: where.host, port: server.address().port } };
  }
  const ipc = new (require('..').IPC)();
  ipc.config.silent = true;
  ipc.config.networkPort = 0;
  await new Promise((resolve) => {
    if (where.path) ipc.serve(where.path, resolve);
    else ipc.serveNet(where.host, resolve);
    ipc.server.on('connect', (socket) => onSocket(socket));
    ipc.server.start();
  });
  t.after(() => {
    if (ipc.server.server.listening) ipc.server.stop();
    for (const socket of ipc.server.sockets) socket.destroy();
  });
  return { target: where.path ? { path: where.path } : { host: where.host, port: ipc.server.server.address().port } };
}

/** A client socket of `kind` connecting to `target` (no retries for ours). */
function subjectClient(kind, target, t) {
  if (kind === 'net') {
    const socket = net.connect(target.path ? { path: target.path } : target);
    socket.setEncoding('utf8');
    t.after(() => socket.destroy());
    return socket;
  }
  const ipc = new (require('..').IPC)();
  ipc.config.silent = true;
  ipc.config.maxRetries = 0;
  ipc.config.stopRetrying = true;
  if (target.path) ipc.connectTo('peer', target.path);
  else ipc.connectToNet('peer', target.host, target.port);
  t.after(() => ipc.disconnect('peer'));
  return ipc.of.peer.socket;
}

/** The subject is the server's socket; the peer connects and plays `script`. */
async function serverSide(t, kind, transport, script, onSocket = () => {}) {
  const s = h.scope(t);
  let rec = null;
  let subject = null;
  const { target } = await subjectServer(kind, transport.where(s), (socket) => {
    subject = socket;
    rec = record(socket);
    onSocket(socket);
  }, t);
  const peer = s.spawnPeer('net-peer.js', [{ connect: target, script }]);
  await h.waitUntil(() => rec !== null, ms(10000), 'the connection');
  await rec.closed;
  await peer.waitFor('close');
  return { log: rec.log, socket: subject, peer };
}

/** The subject is a client socket; the peer listens and plays `script`. */
async function clientSide(t, kind, transport, script, onSocket = () => {}) {
  const s = h.scope(t);
  const where = transport.where(s);
  const peer = s.spawnPeer('net-peer.js', [{ listen: where.path ? { path: where.path } : { host: where.host, port: 0 }, script }]);
  const { port } = await peer.waitFor('listening');
  const socket = subjectClient(kind, where.path ? { path: where.path } : { host: where.host, port }, t);
  const rec = record(socket);
  onSocket(socket);
  await rec.closed;
  await peer.waitFor('close');
  return { log: rec.log, socket, peer };
}

/** Runs `scenario` with net as the subject, then ours; both logs must equal `expected`. */
async function parity(t, scenario, expected) {
  const theirs = await scenario('net');
  const ours = await scenario('ours');
  assert.deepEqual(theirs.log, expected, 'node:net (the reference) behaves as the test says');
  assert.deepEqual(ours.log, theirs.log, 'this package emits what net.Socket emits');
  return { theirs, ours };
}

for (const tr of TRANSPORTS) {
  test(`${tr.name}: the peer sends and ends → server socket: data, 'end' (writeOnly), 'close' false`, T, async (t) => {
    await parity(t, (kind) => serverSide(t, kind, tr, [{ write: F1 + F2 }, { wait: 50 }, { end: true }]),
      ['data:' + F1 + F2, 'end@writeOnly', 'close:false@closed']);
  });

  test(`${tr.name}: the peer sends and ends → client socket: connect, ready, data, 'end', 'close' false`, T, async (t) => {
    await parity(t, (kind) => clientSide(t, kind, tr, [{ write: F1 }, { wait: 50 }, { end: true }]),
      ['connect@open', 'ready', 'data:' + F1, 'end@writeOnly', 'close:false@closed']);
  });

  test(`${tr.name}: the server socket ends after the first data → the peer ends too: 'end' (closed), 'close' false`, T, async (t) => {
    const { ours, theirs } = await parity(t, (kind) => serverSide(t, kind, tr, [{ write: F1 }, { waitEnd: true }], (socket) => {
      socket.once('data', () => socket.end(F3));
    }), ['data:' + F1, 'end@closed', 'close:false@closed']);
    for (const run of [theirs, ours]) {
      assert.deepEqual(run.peer.events('data').map((l) => l.text).join(''), F3, 'the peer got what end() sent');
    }
  });


  test(`${tr.name}: setTimeout(600): every read restarts it; 'timeout' once after 600 ms of quiet, the socket stays open`, T, async (t) => {
    const script = [{ write: F1 }, { wait: 400 }, { write: F2 }, { wait: 400 }, { write: F3 }, { wait: 1200 }, { end: true }];
    const { ours } = await parity(t, (kind) => serverSide(t, kind, tr, script, (socket) => socket.setTimeout(ms(600))),
      ['data:' + F1 + F2 + F3, 'timeout@open', 'end@writeOnly', 'close:false@closed']);
    assert.equal(ours.socket.timeout, ms(600));
  });

  test(`${tr.name}: bytesRead and bytesWritten at 'close' are net.Socket's`, T, async (t) => {
    const counts = {};
    await parity(t, async (kind) => {
      const run = await serverSide(t, kind, tr, [{ write: F1 }, { wait: 50 }, { write: F2 + F3 }, { waitEnd: true }], (socket) => {
        socket.on('data', (chunk) => {
          if (String(chunk).includes('"c"')) socket.end('{"type":"ok","data":"ünïcödé"}\f');
        });
        socket.on('close', () => { counts[kind] = [socket.bytesRead, socket.bytesWritten]; });
      });
      return run;
    }, ['data:' + F1 + F2 + F3, 'end@closed', 'close:false@closed']);
    assert.deepEqual(counts.ours, counts.net);
    assert.deepEqual(counts.net, [Buffer.byteLength(F1 + F2 + F3), Buffer.byteLength('{"type":"ok","data":"ünïcödé"}\f')]);
  });
}

test("tcp: the peer resets the connection → 'error' ECONNRESET, 'close' true (resetAndDestroy is TCP-only)", T, async (t) => {
  await parity(t, (kind) => serverSide(t, kind, TRANSPORTS[1], [{ write: F1 }, { wait: 100 }, { reset: true }]),
    ['data:' + F1, 'error:ECONNRESET', 'close:true@closed']);
});

test("tcp: address(), localAddress/localPort/localFamily and remoteAddress/remotePort/remoteFamily are net.Socket's", T, async (t) => {
  const fields = {};
  await parity(t, async (kind) => {
    const run = await serverSide(t, kind, TRANSPORTS[1], [{ write: F1 }, { wait: 50 }, { end: true }], (socket) => {
      fields[kind] = {
        address: socket.address(),
        local: [socket.localAddress, socket.localPort, socket.localFamily],
        remote: [socket.remoteAddress, typeof socket.remotePort, socket.remoteFamily],
      };
    });
    fields[kind].afterClose = [run.socket.address(), run.socket.localPort];
    return run;
  }, ['data:' + F1, 'end@writeOnly', 'close:false@closed']);
  // The ports differ between the two runs; everything else must match.
  for (const f of Object.values(fields)) {
    assert.equal(f.address.port, f.local[1]);
    f.address.port = f.local[1] = 'port';
  }
  assert.deepEqual(fields.ours, fields.net);
  assert.deepEqual(fields.net.address, { address: '127.0.0.1', family: 'IPv4', port: 'port' });
  assert.deepEqual(fields.net.afterClose, [{}, undefined], 'nothing once closed');
});

test('tcp: a connection that came and went while JavaScript was busy still has its address() and ports, as on net.Socket', T, async (t) => {
  const fields = {};
  for (const kind of ['net', 'ours']) {
    const s = h.scope(t);
    let rec = null;
    const { target } = await subjectServer(kind, TRANSPORTS[1].where(s), (socket) => {
      rec = record(socket);
      fields[kind] = { address: socket.address(), local: socket.localPort, remote: typeof socket.remotePort };
    }, t);
    const peer = s.spawnPeer('net-peer.js', [{ connect: target, script: [{ write: F1 }, { destroy: true }] }]);
    // The JavaScript thread sleeps while the peer starts, connects, writes and closes:
    // the connection's events are all waiting when it wakes.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms(1500));
    await h.waitUntil(() => rec !== null, ms(10000), 'the connection');
    await rec.closed;
    await peer.waitFor('close');
    assert.deepEqual(rec.log, ['data:' + F1, 'end@writeOnly', 'close:false@closed'], kind);
  }
  for (const f of Object.values(fields)) {
    assert.equal(f.address.port, f.local);
    assert.equal(typeof f.local, 'number');
    f.address.port = f.local = 'port';
  }
  assert.deepEqual(fields.ours, fields.net);
  assert.deepEqual(fields.net, { address: { address: '127.0.0.1', family: 'IPv4', port: 'port' }, local: 'port', remote: 'number' });
});

test("unix: address() is {} and there are no local or remote address fields, as on net.Socket", T, async (t) => {
  const fields = {};
  await parity(t, async (kind) => serverSide(t, kind, TRANSPORTS[0], [{ write: F1 }, { wait: 50 }, { end: true }], (socket) => {
    fields[kind] = [socket.address(), socket.localAddress, socket.localPort, socket.remoteAddress, socket.remotePort, socket.remoteFamily];
  }), ['data:' + F1, 'end@writeOnly', 'close:false@closed']);
  assert.deepEqual(fields.ours, fields.net);
  assert.deepEqual(fields.net, [{}, undefined, undefined, undefined, undefined, undefined]);
});

test("a client's readyState and pending through its life are net.Socket's: opening, open, readOnly after end(), closed", T, async (t) => {
  const states = {};
  await parity(t, (kind) => clientSide(t, kind, TRANSPORTS[1], [{ write: F1 }, { waitEnd: true }], (socket) => {
    const seen = [[socket.readyState, socket.pending]];
    states[kind] = seen;
    socket.on('connect', () => seen.push([socket.readyState, socket.pending]));
    socket.once('data', () => {
      socket.end();
      seen.push([socket.readyState, socket.pending]);
    });
    socket.on('close', () => seen.push([socket.readyState, socket.pending]));
  }), ['connect@open', 'ready', 'data:' + F1, 'end@closed', 'close:false@closed']);
  assert.deepEqual(states.ours, states.net);
  assert.deepEqual(states.net, [['opening', true], ['open', false], ['readOnly', false], ['closed', true]]);
});

test("'data' is delivered only while a listener is attached; messages are published either way", T, async (t) => {
  const script = [{ write: F1 }, { wait: 300 }, { write: F2 }, { wait: 300 }, { write: F3 }, { wait: 100 }, { end: true }];
  const got = {};
  await parity(t, (kind) => serverSide(t, kind, TRANSPORTS[0], script, (socket) => {
    const chunks = [];
    got[kind] = chunks;
    const first = (c) => {
      chunks.push(String(c));
      socket.off('data', first);
      setTimeout(() => socket.on('data', (c2) => chunks.push(String(c2))), ms(450));
    };
    socket.on('data', first);
  }), ['data:' + F1 + F2 + F3, 'end@writeOnly', 'close:false@closed']);
  // record()'s own listener sees everything; the test's listener missed F2.
  assert.deepEqual(got.ours, got.net);
  assert.deepEqual(got.net, [F1, F3]);
});

test('setTimeout(0, cb) removes cb and disarms; bad durations throw as on net.Socket', T, async (t) => {
  for (const kind of ['net', 'ours']) {
    const fired = [];
    await serverSide(t, kind, TRANSPORTS[0], [{ wait: 700 }, { end: true }], (socket) => {
      const cb = () => fired.push('cb');
      socket.setTimeout(ms(200), cb);
      socket.setTimeout(0, cb);
      socket.on('timeout', () => fired.push('timeout'));
      const codes = [];
      for (const bad of ['x', -1, NaN, Infinity]) {
        try {
          socket.setTimeout(bad);
        } catch (err) {
          codes.push(err.code);
        }
      }
      fired.push(...codes);
    });
    assert.deepEqual(fired, ['ERR_INVALID_ARG_TYPE', 'ERR_OUT_OF_RANGE', 'ERR_OUT_OF_RANGE', 'ERR_OUT_OF_RANGE'], kind);
  }
});

test('tcp: setNoDelay and setKeepAlive reach the kernel (read back with getsockopt), on server sockets and on a client before and after it connects', T, async (t) => {
  const ipc = new (require('..').IPC)();
  ipc.config.silent = true;
  ipc.config.networkPort = 0;
  await new Promise((resolve) => {
    ipc.serveNet('127.0.0.1', resolve);
    ipc.server.start();
  });
  t.after(() => ipc.server.stop());
  const serverSocket = new Promise((resolve) => ipc.server.on('connect', resolve));
  const client = new (require('..').IPC)();
  client.config.silent = true;
  client.config.maxRetries = 0;
  client.connectToNet('srv', '127.0.0.1', ipc.server.server.address().port);
  t.after(() => client.disconnect('srv'));
  const socket = client.of.srv.socket;
  // Before connect: remembered and applied on connect, as net.Socket does.
  assert.equal(socket.setNoDelay(false), socket);
  assert.equal(socket.setKeepAlive(true, 7000), socket);
  await new Promise((r) => client.of.srv.on('connect', r));
  assert.deepEqual(socket._tcpSettings(), { noDelay: false, keepAlive: true, keepAliveIdleSecs: 7 });
  const srv = await serverSocket;
  // Every connection of this package starts with Nagle off and no keep-alive.
  const initial = srv._tcpSettings();
  assert.deepEqual([initial.noDelay, initial.keepAlive], [true, false]);
  srv.setNoDelay(false);
  srv.setKeepAlive(true, 5000);
  assert.deepEqual(srv._tcpSettings(), { noDelay: false, keepAlive: true, keepAliveIdleSecs: 5 });
  srv.setNoDelay();
  srv.setKeepAlive(false);
  const after = srv._tcpSettings();
  assert.deepEqual([after.noDelay, after.keepAlive], [true, false]);
  // A Unix socket has neither: the calls are accepted and do nothing, as on net.Socket.
});
