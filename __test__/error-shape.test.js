'use strict';
// Issue 11, item 4: every `error` event is shaped like the error node:net (or node:dgram)
// gives for the same failure on this platform: the same own keys in the same order, and
// the same `code`, `errno` (libuv's numbers, as Node reports them), `syscall`, `address`,
// `port`, `hostname` and `message`. Each test produces the failure once with node:net
// directly and once through the package, in this process, and compares the two objects.
//
// Run it on both drivers of plain connections:
//   node --test __test__/error-shape.test.js
//   NODE_IPC_NATIVE_DRIVER=tokio node --test __test__/error-shape.test.js
// With OUR_IMPL=node-ipc (node-ipc 9.2.1, whose errors are net's own), every test passes
// except two that show FIX items: the live-server EADDRINUSE one (9.2.1 unlinks the path
// and takes it over, Q45) and the UDP send to an unresolvable name (9.2.1 throws an
// uncaught TypeError, Q18).

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const os = require('os');
const net = require('net');
const dgram = require('dgram');
const path = require('path');
const h = require('./helpers');

const T = { timeout: 30000 };
const WAIT = 10000;
const { IPC } = h.loadImpl('native');

const FIELDS = ['errno', 'code', 'syscall', 'address', 'port', 'hostname', 'message'];

/** What is compared: the own enumerable keys in order, and the value of every field above. */
function shape(err) {
  assert.ok(err instanceof Error, `an Error, got ${require('util').inspect(err)}`);
  const out = { keys: Object.keys(err) };
  for (const f of FIELDS) if (f in err) out[f] = err[f];
  return out;
}

function within(promise, what, ms = WAIT) {
  let timer;
  const timeout = new Promise((resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms * h.WAIT_SCALE);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A fresh, silent IPC instance of the implementation under test, torn down with the scope. */
function ourIpc(s) {
  const ipc = new IPC();
  ipc.config.silent = true;
  ipc.config.maxRetries = 0;
  ipc.config.stopRetrying = true;
  s.defer(async () => {
    for (const id of Object.keys(ipc.of)) ipc.disconnect(id);
    if (!ipc.server) return;
    const udp = (ipc.server.udp4 || ipc.server.udp6) && ipc.server.server;
    const closed = udp && new Promise((resolve) => udp.once('close', resolve));
    try {
      ipc.server.stop();
    } catch (_) {
      /* a server whose listen failed */
    }
    if (udp) {
      await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 1000))]);
    }
  });
  return ipc;
}

/** The first `error` of our client; `connect(ipc, id, callback)` is connectTo/connectToNet. */
function ourClientError(s, connect, onClient = () => {}) {
  const ipc = ourIpc(s);
  return within(new Promise((resolve) => {
    connect(ipc, 'srv', () => {
      ipc.of.srv.on('error', resolve);
      onClient(ipc.of.srv, ipc);
    });
  }), "our client's error");
}

/**
 * The first `error` of our server; `serve(ipc)` is serve/serveNet. A stream server that
 * starts resolves a non-system Error (a UDP server publishes `start` before it binds, as
 * node-ipc's does, so there only the error counts).
 */
function ourServerError(s, serve, { udp = false } = {}) {
  const ipc = ourIpc(s);
  return within(new Promise((resolve) => {
    serve(ipc);
    ipc.server.on('error', resolve);
    if (!udp) ipc.server.on('start', () => resolve(new Error('our server started instead of failing')));
    ipc.server.start();
  }), "our server's error");
}

/** node:net's error for connecting to `target` (a path or {host, port}). */
function netConnectError(s, target) {
  return within(new Promise((resolve) => {
    const c = net.connect(target);
    s.defer(() => c.destroy());
    c.on('error', resolve);
    c.on('connect', () => resolve(new Error('node:net connected')));
  }), "node:net's connect error");
}

/** node:net's error for a server listening with `args` (net.Server#listen arguments). */
function netListenError(s, ...args) {
  return within(new Promise((resolve) => {
    const srv = net.createServer();
    s.defer(() => new Promise((r) => srv.close(() => r())));
    srv.on('error', resolve);
    srv.listen(...args, () => resolve(new Error('node:net listened')));
  }), "node:net's listen error");
}

/** A node:net server that stays up for the test; resolves it once listening. */
function netServer(s, opts, ...listenArgs) {
  return new Promise((resolve, reject) => {
    const srv = net.createServer(opts);
    const sockets = new Set();
    srv.on('connection', (c) => {
      sockets.add(c);
      c.on('error', () => {});
      c.on('close', () => sockets.delete(c));
    });
    s.defer(() => new Promise((r) => {
      for (const c of sockets) c.destroy();
      srv.close(() => r());
    }));
    srv.once('error', reject);
    srv.listen(...listenArgs, () => resolve(srv));
  });
}

/** A TCP port on ::1 that was free a moment ago, or null when ::1 cannot be bound here. */
function freeV6Port() {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', () => resolve(null));
    srv.listen(0, '::1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function staleSocket(s) {
  const p = s.socketPath('stale');
  const peer = s.spawnPeer('stale-socket.js', [p], { name: 'stale-socket' });
  await peer.waitExit(5000);
  assert.ok(fs.existsSync(p), 'stale socket file left behind');
  return p;
}

// ---------------------------------------------------------------------------------------
// Clients

test('connect to a local socket path that does not exist: ENOENT, syscall connect, address = path', T, async (t) => {
  const s = h.scope(t);
  const p = s.socketPath('absent');
  const theirs = await netConnectError(s, h.localName(p));
  const ours = await ourClientError(s, (ipc, id, cb) => ipc.connectTo(id, p, cb));
  assert.equal(theirs.code, 'ENOENT');
  assert.deepEqual(shape(ours), shape(theirs));
});

test('connect to a Unix socket file nobody listens on: ECONNREFUSED, address = path', h.unixOnly('socket files', T), async (t) => {
  const s = h.scope(t);
  const p = await staleSocket(s);
  const theirs = await netConnectError(s, p);
  const ours = await ourClientError(s, (ipc, id, cb) => ipc.connectTo(id, p, cb));
  assert.equal(theirs.code, 'ECONNREFUSED');
  assert.deepEqual(shape(ours), shape(theirs));
});

test('connect to 127.0.0.1 on a closed port: ECONNREFUSED, address 127.0.0.1, port', T, async (t) => {
  const s = h.scope(t);
  const port = await h.freePort();
  const theirs = await netConnectError(s, { host: '127.0.0.1', port });
  const ours = await ourClientError(s, (ipc, id, cb) => ipc.connectToNet(id, '127.0.0.1', port, cb));
  assert.deepEqual([theirs.code, theirs.address, theirs.port], ['ECONNREFUSED', '127.0.0.1', port]);
  assert.deepEqual(shape(ours), shape(theirs));
});

test('connect to ::1 on a closed port: ECONNREFUSED, address ::1 (no brackets, in the message neither), port', T, async (t) => {
  const port = await freeV6Port();
  if (port === null) {
    t.skip('::1 cannot be bound on this host (no IPv6 loopback)');
    return;
  }
  const s = h.scope(t);
  const theirs = await netConnectError(s, { host: '::1', port });
  const ours = await ourClientError(s, (ipc, id, cb) => ipc.connectToNet(id, '::1', port, cb));
  assert.deepEqual([theirs.code, theirs.address, theirs.port], ['ECONNREFUSED', '::1', port]);
  assert.deepEqual(shape(ours), shape(theirs));
});

test('connect to a host name that does not resolve (.invalid): ENOTFOUND, syscall getaddrinfo, hostname, no address/port', T, async (t) => {
  const s = h.scope(t);
  const host = `nipc-${process.pid}-${Date.now()}.invalid`;
  const port = await h.freePort();
  const theirs = await netConnectError(s, { host, port });
  const ours = await ourClientError(s, (ipc, id, cb) => ipc.connectToNet(id, host, port, cb));
  assert.deepEqual([theirs.code, theirs.syscall, theirs.hostname], ['ENOTFOUND', 'getaddrinfo', host]);
  assert.deepEqual(shape(ours), shape(theirs));
});

// ---------------------------------------------------------------------------------------
// Servers

test('listen on a TCP port in use (127.0.0.1): EADDRINUSE, syscall listen, address, port', T, async (t) => {
  const s = h.scope(t);
  const busy = await netServer(s, {}, 0, '127.0.0.1');
  const { port } = busy.address();
  const theirs = await netListenError(s, port, '127.0.0.1');
  const ours = await ourServerError(s, (ipc) => ipc.serveNet('127.0.0.1', port, () => {}));
  assert.deepEqual([theirs.code, theirs.address, theirs.port], ['EADDRINUSE', '127.0.0.1', port]);
  assert.deepEqual(shape(ours), shape(theirs));
});

test('listen on a TCP port in use given the host name localhost: EADDRINUSE; Node names the resolved address', T, async (t) => {
  const s = h.scope(t);
  const busy = await netServer(s, {}, 0, 'localhost');
  const { port } = busy.address();
  const theirs = await netListenError(s, port, 'localhost');
  const ours = await ourServerError(s, (ipc) => ipc.serveNet('localhost', port, () => {}));
  assert.equal(theirs.code, 'EADDRINUSE');
  const { address: theirAddress, message: theirMessage, ...theirRest } = shape(theirs);
  const { address: ourAddress, message: ourMessage, ...ourRest } = shape(ours);
  assert.deepEqual(ourRest, theirRest);
  await t.test('address and message name the resolved address', () => {
    assert.deepEqual({ address: ourAddress, message: ourMessage }, { address: theirAddress, message: theirMessage });
  });
});

test('listen on a host name that does not resolve (.invalid): ENOTFOUND, syscall getaddrinfo, hostname', T, async (t) => {
  const s = h.scope(t);
  const host = `nipc-${process.pid}-${Date.now()}.invalid`;
  const port = await h.freePort();
  const theirs = await netListenError(s, port, host);
  const ours = await ourServerError(s, (ipc) => ipc.serveNet(host, port, () => {}));
  assert.deepEqual([theirs.code, theirs.syscall, theirs.hostname], ['ENOTFOUND', 'getaddrinfo', host]);
  assert.deepEqual(shape(ours), shape(theirs));
});

test('listen on a local socket path a live server accepts on: EADDRINUSE, syscall listen, address = path, port -1', h.notUnderWine(T), async (t) => {
  const s = h.scope(t);
  const p = s.socketPath('busy');
  await netServer(s, {}, h.localName(p));
  const theirs = await netListenError(s, h.localName(p));
  const ours = await ourServerError(s, (ipc) => ipc.serve(p, () => {}));
  assert.deepEqual([theirs.code, theirs.syscall, theirs.port], ['EADDRINUSE', 'listen', -1]);
  assert.deepEqual(shape(ours), shape(theirs));
});

test("listen on a Unix socket path whose directory does not exist: Node's code (libuv turns ENOENT into EACCES), port -1", h.unixOnly('socket files', T), async (t) => {
  const s = h.scope(t);
  const dir = path.join(os.tmpdir(), `nipc-nodir-${process.pid}-${Date.now()}`);
  const p = path.join(dir, 'x.sock');
  assert.equal(fs.existsSync(dir), false);
  const theirs = await netListenError(s, p);
  const ours = await ourServerError(s, (ipc) => ipc.serve(p, () => {}));
  assert.ok(['EACCES', 'ENOENT'].includes(theirs.code), theirs.code);
  assert.deepEqual(shape(ours), shape(theirs));
});

// ---------------------------------------------------------------------------------------
// Connections reset by the peer


test('our client, TCP, the server resets the connection (SO_LINGER 0): ECONNRESET, syscall read, no address', T, async (t) => {
  const s = h.scope(t);
  const srv = await netServer(s, {}, 0, '127.0.0.1');
  const { port } = srv.address();
  const resetNext = () => new Promise((resolve) => srv.once('connection', resolve));

  let accepted = resetNext();
  const theirs = await within(new Promise((resolve) => {
    const c = net.connect({ host: '127.0.0.1', port });
    s.defer(() => c.destroy());
    c.on('error', resolve);
    c.on('close', () => resolve(new Error('node:net closed without an error')));
    c.on('connect', async () => (await accepted).resetAndDestroy());
  }), "node:net's reset");

  accepted = resetNext();
  const ours = await ourClientError(s, (ipc, id, cb) => ipc.connectToNet(id, '127.0.0.1', port, cb), (client) => {
    client.on('connect', async () => (await accepted).resetAndDestroy());
    client.on('disconnect', () => {});
  });
  assert.deepEqual([theirs.code, theirs.syscall], ['ECONNRESET', 'read']);
  assert.deepEqual(shape(ours), shape(theirs));
});

test('our client, Unix socket, the server closes with our bytes unread: ECONNRESET, syscall read', {
  ...T,
  skip: process.platform === 'linux' ? false : 'a Unix socket closed with unread data resets its peer on Linux (elsewhere not reliably)',
}, async (t) => {
  const s = h.scope(t);
  const p = s.socketPath('reset');
  // pauseOnConnect: the server never reads, so what the client sent is still queued when
  // the server closes, and Linux resets the peer (ECONNRESET on its next read).
  const srv = await netServer(s, { pauseOnConnect: true }, p);
  const acceptNext = () => new Promise((resolve) => srv.once('connection', resolve));

  let accepted = acceptNext();
  const theirs = await within(new Promise((resolve) => {
    const c = net.connect(p);
    s.defer(() => c.destroy());
    c.on('error', resolve);
    c.on('close', () => resolve(new Error('node:net closed without an error')));
    c.on('connect', () => c.write(h.frame('x', 1), async () => (await accepted).destroy()));
  }), "node:net's reset");

  accepted = acceptNext();
  const ours = await ourClientError(s, (ipc, id, cb) => ipc.connectTo(id, p, cb), (client) => {
    client.on('connect', async () => {
      client.emit('x', 1);
      const peer = await accepted;
      // Once nothing is left to send, the bytes are in the server's receive queue.
      await h.waitUntil(() => client.socket.writableLength === 0, WAIT, 'our frame sent');
      peer.destroy();
    });
  });
  assert.deepEqual([theirs.code, theirs.syscall], ['ECONNRESET', 'read']);
  assert.deepEqual(shape(ours), shape(theirs));
});

test('our server, TCP, a client resets its connection (SO_LINGER 0): ECONNRESET, syscall read, no address', T, async (t) => {
  const s = h.scope(t);
  const theirs = await within(new Promise((resolve, reject) => {
    const srv = net.createServer((sock) => {
      sock.on('error', resolve);
      sock.on('close', () => resolve(new Error('node:net closed without an error')));
    });
    s.defer(() => new Promise((r) => srv.close(() => r())));
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const c = net.connect(srv.address().port, '127.0.0.1');
      s.defer(() => c.destroy());
      c.on('connect', () => setImmediate(() => c.resetAndDestroy()));
    });
  }), "node:net's server-side reset");

  const port = await h.freePort();
  const ipc = ourIpc(s);
  const ours = await within(new Promise((resolve) => {
    ipc.serveNet('127.0.0.1', port, () => {});
    ipc.server.on('error', resolve);
    ipc.server.on('socket.disconnected', () => resolve(new Error('closed without an error')));
    ipc.server.on('start', () => {
      const c = net.connect(port, '127.0.0.1');
      s.defer(() => c.destroy());
      c.on('error', () => {});
      // Reset once our server has the connection.
      ipc.server.on('connect', () => c.resetAndDestroy());
    });
    ipc.server.start();
  }), "our server's error");
  assert.deepEqual([theirs.code, theirs.syscall], ['ECONNRESET', 'read']);
  assert.deepEqual(shape(ours), shape(theirs));
});

// ---------------------------------------------------------------------------------------
// UDP (node:dgram is the reference)

test('UDP: bind to a udp4 port in use: EADDRINUSE, syscall bind, address, port', T, async (t) => {
  const s = h.scope(t);
  const busy = dgram.createSocket('udp4');
  s.defer(() => busy.close());
  await new Promise((resolve) => busy.bind(0, '127.0.0.1', resolve));
  const { port } = busy.address();
  const theirs = await within(new Promise((resolve) => {
    const sock = dgram.createSocket('udp4');
    sock.on('error', (e) => {
      sock.close();
      resolve(e);
    });
    sock.bind(port, '127.0.0.1', () => resolve(new Error('node:dgram bound')));
  }), "node:dgram's bind error");
  const ours = await ourServerError(s, (ipc) => ipc.serveNet('127.0.0.1', port, 'udp4', () => {}), { udp: true });
  assert.deepEqual([theirs.code, theirs.syscall, theirs.address, theirs.port], ['EADDRINUSE', 'bind', '127.0.0.1', port]);
  assert.deepEqual(shape(ours), shape(theirs));
});

test('UDP: a datagram to a host name that does not resolve (.invalid): ENOTFOUND, syscall getaddrinfo, hostname', T, async (t) => {
  const s = h.scope(t);
  const host = `nipc-${process.pid}-${Date.now()}.invalid`;
  const theirs = await within(new Promise((resolve) => {
    const sock = dgram.createSocket('udp4');
    s.defer(() => sock.close());
    sock.bind(0, '127.0.0.1', () => sock.send(Buffer.from('x'), 9, host, (e) => resolve(e || new Error('node:dgram sent'))));
  }), "node:dgram's send error");
  const port = await h.freePort();
  const ipc = ourIpc(s);
  const ours = await within(new Promise((resolve) => {
    ipc.serveNet('127.0.0.1', port, 'udp4', () => {});
    ipc.server.on('error', resolve);
    ipc.server.on('start', () => ipc.server.emit({ address: host, port: 9 }, 'x', 1));
    ipc.server.start();
  }), "our UDP server's error");
  assert.deepEqual([theirs.code, theirs.syscall, theirs.hostname], ['ENOTFOUND', 'getaddrinfo', host]);
  assert.deepEqual(shape(ours), shape(theirs));
});
