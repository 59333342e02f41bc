'use strict';
/**
 * FIX expectations for the network transports (TCP, TLS, UDP): behaviours where CONTRACT.md tells
 * node-ipc-native to DIFFER from node-ipc 9.2.1. Every test here is EXPECTED TO FAIL when run
 * with OUR_IMPL=node-ipc (the failure shows the 9.2.1 bug being fixed, for the reason given in
 * the test name) and must pass against our implementation.
 *
 * CONTRACT: §9 Q2, Q18, Q19, Q20, Q22, Q23, Q43; §13 ("never throw from network callbacks").
 */
const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const os = require('os');
const path = require('path');
const dgram = require('dgram');
const h = require('./helpers');

const T = { timeout: 60000 };
const SUBJECT = 'native';
const PEER = 'node-ipc';

const CERTS = path.join(h.ROOT, 'local-node-ipc-certs');
const C = {
  serverPub: path.join(CERTS, 'server.pub'),
  serverKey: path.join(CERTS, 'private', 'server.key'),
  clientPub: path.join(CERTS, 'client.pub'),
  clientKey: path.join(CERTS, 'private', 'client.key'),
};
const pem = (p) => fs.readFileSync(p, 'utf8');

const { frame } = h;

function spawnServer(s, opts, impl = SUBJECT, spawnOpts = {}) {
  return h.serverPeer(s, opts, impl, spawnOpts);
}

function spawnClient(s, opts, impl = SUBJECT, spawnOpts = {}) {
  return h.clientPeer(s, opts, impl, spawnOpts);
}

function tempDir(s, tag) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `nipc-${tag}-`));
  s.defer(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

// ---------------------------------------------------------------------------------------------
// Q20: serveNet never unlinks
// ---------------------------------------------------------------------------------------------

test('FIX Q20 (TCP): serveNet() does not unlink a file in the cwd named like the host (9.2.1 deletes ./127.0.0.1)', T, async (t) => {
  const s = h.scope(t);
  const dir = tempDir(s, 'q20');
  const victim = path.join(dir, '127.0.0.1');
  fs.writeFileSync(victim, 'precious');
  const port = await h.freePort();
  const server = spawnServer(s, { serveForm: 'net', host: '127.0.0.1', port }, SUBJECT, { cwd: dir });
  await server.waitFor('start', 10000);
  const conn = await s.rawConnect({ host: '127.0.0.1', port });
  await server.waitFor('connect');
  await conn.write(frame('msg', 'tcp'));
  await server.waitFor({ ev: 'message', type: 'msg', data: 'tcp' });
  assert.equal(fs.existsSync(victim), true, './127.0.0.1 must survive');
  assert.equal(fs.readFileSync(victim, 'utf8'), 'precious');
});

test("FIX Q20 (UDP, host 'localhost'): a UDP serveNet() does not unlink ./localhost (9.2.1 deletes it)", T, async (t) => {
  const s = h.scope(t);
  const dir = tempDir(s, 'q20u');
  const victim = path.join(dir, 'localhost');
  fs.writeFileSync(victim, 'precious');
  const port = await h.freePort();
  const server = spawnServer(s, { serveNetArgs: ['localhost', port, 'udp4'] }, SUBJECT, { cwd: dir });
  await server.waitFor('connect', 10000);
  const sock = dgram.createSocket('udp4');
  s.defer(() => new Promise((r) => sock.close(r)));
  await new Promise((resolve, reject) => sock.send(frame('msg', 'udp'), port, '127.0.0.1', (e) => (e ? reject(e) : resolve())));
  await server.waitFor({ ev: 'message', type: 'msg', data: 'udp' });
  assert.equal(fs.existsSync(victim), true, './localhost must survive');
});

// ---------------------------------------------------------------------------------------------
// Q22, Q2: connectToNet arguments and config.interfaces
// ---------------------------------------------------------------------------------------------

test("FIX Q22: connectToNet(id, host, port, 'udp4') ignores the string and connects over TCP (9.2.1: ReferenceError: UDPType is not defined)", T, async (t) => {
  const s = h.scope(t);
  const port = await h.freePort();
  const cap = await s.captureServer({ host: '127.0.0.1', port });
  const client = spawnClient(s, { net: { host: '127.0.0.1', port, fourth: 'udp4' } });
  const first = await client.waitFor((l) => l.ev === 'connect' || l.ev === 'connectTo-threw', 10000);
  assert.deepEqual({ ev: first.ev, message: first.message }, { ev: 'connect', message: undefined }, 'connectToNet must not throw');
  const conn = await cap.connection(0);
  await client.request({ cmd: 'emit', type: 'msg', data: 1 });
  await conn.waitBytes((b) => b.toString() === frame('msg', 1));
  assert.deepEqual(client.events('connectTo-cb'), [], 'a string is not a callback');
  const ret = client.events('connectTo-returned')[0];
  assert.deepEqual({ path: ret.path, port: ret.port }, { path: '127.0.0.1', port });
});

test('FIX Q2: config.interfaces (plural, as documented) is accepted as an alias of config.interface (9.2.1 ignores it: a random local port)', T, async (t) => {
  const s = h.scope(t);
  const port = await h.freePort();
  const localPort = await h.freePort();
  const server = spawnServer(s, { serveForm: 'net', host: '127.0.0.1', port }, PEER);
  await server.waitFor('start', 10000);
  const client = spawnClient(s, {
    net: { host: '127.0.0.1', port },
    config: { interfaces: { localAddress: '127.0.0.1', localPort } },
  });
  await client.waitFor('connect', 10000);
  const c = await server.waitFor('connect', 5000);
  assert.deepEqual({ remoteAddress: c.remoteAddress, remotePort: c.remotePort }, { remoteAddress: '127.0.0.1', remotePort: localPort }, 'the client bound the documented localPort');
});

// ---------------------------------------------------------------------------------------------
// TLS: Q23 inline key/cert, Q43 bundled defaults, missing files
// ---------------------------------------------------------------------------------------------

/** Wait for the client's first pong or error; a TLS connect alone proves nothing (Q25). */
async function firstPongOrError(client) {
  return client.waitFor((l) => l.ev === 'error' || (l.ev === 'message' && l.type === 'pong'), 10000);
}

test('FIX Q23: a TLS server uses inline tls.key/tls.cert when private/public are absent (9.2.1 overwrites them with its bundled expired certificate: CERT_HAS_EXPIRED)', T, async (t) => {
  const s = h.scope(t);
  const port = await h.freePort();
  // serve the *client* identity inline, so that falling back to any bundled server.pub fails too
  const server = spawnServer(s, {
    serveForm: 'net',
    host: 'localhost',
    port,
    echo: { ping: 'pong' },
    config: { tls: { key: pem(C.clientKey), cert: pem(C.clientPub) } },
  });
  await server.waitFor('start', 10000);
  const client = spawnClient(
    s,
    {
      net: { host: 'localhost', port },
      emitOnConnect: [{ type: 'ping', data: 'inline' }],
      config: { retry: 300, tls: { rejectUnauthorized: true, trustedConnections: [C.clientPub] } },
    },
    PEER
  );
  const first = await firstPongOrError(client);
  assert.deepEqual({ ev: first.ev, code: first.code, data: first.data }, { ev: 'message', code: undefined, data: 'inline' }, 'verified against the inline certificate');
});

test('FIX Q43: with no key paths our TLS server serves the package\'s regenerated local-node-ipc-certs/server.pub, which a strict client verifies (9.2.1: expired DigiNow certificate, CERT_HAS_EXPIRED)', T, async (t) => {
  const s = h.scope(t);
  const port = await h.freePort();
  const server = spawnServer(s, { serveNetArgs: [], echo: { ping: 'pong' }, config: { networkPort: port, networkHost: 'localhost', tls: { rejectUnauthorized: false } } });
  await server.waitFor('start', 10000);
  const client = spawnClient(
    s,
    {
      netArgs: [],
      emitOnConnect: [{ type: 'ping', data: 'bundled' }],
      config: { networkPort: port, networkHost: 'localhost', retry: 300, tls: { rejectUnauthorized: true, trustedConnections: C.serverPub } },
    },
    PEER
  );
  const first = await firstPongOrError(client);
  assert.deepEqual({ ev: first.ev, code: first.code, data: first.data }, { ev: 'message', code: undefined, data: 'bundled' });
});

test('FIX (§13) TLS server with a missing tls.private file: an `error` event (ENOENT), no start, no crash (9.2.1: uncaught exception, the process dies)', T, async (t) => {
  const s = h.scope(t);
  const dir = tempDir(s, 'nokey');
  const port = await h.freePort();
  const server = spawnServer(s, {
    serveForm: 'net',
    host: '127.0.0.1',
    port,
    config: { tls: { private: path.join(dir, 'missing.key'), public: C.serverPub } },
  });
  const err = await server.waitFor('error', 10000);
  assert.deepEqual({ code: err.code, argc: err.argc, isError: err.isError }, { code: 'ENOENT', argc: 1, isError: true });
  await server.request({ cmd: 'barrier', ms: 200 });
  assert.deepEqual(server.events('start'), [], 'a server without its key does not start');
  assert.equal(server.exitInfo, null, 'still running');
});

test('FIX (§13) TLS client with a missing tls.private file: error (ENOENT) and disconnect per attempt, retries, then destroy; no throw, no crash (9.2.1: connectToNet throws, a retry would crash)', T, async (t) => {
  const s = h.scope(t);
  const dir = tempDir(s, 'nokey');
  const port = await h.freePort();
  const server = spawnServer(s, { serveForm: 'net', host: '127.0.0.1', port, config: { tls: { public: C.serverPub, private: C.serverKey } } }, PEER);
  await server.waitFor('start', 10000);
  const client = spawnClient(s, {
    net: { host: '127.0.0.1', port },
    config: { maxRetries: 1, retry: 150, tls: { private: path.join(dir, 'missing.key'), public: C.clientPub, rejectUnauthorized: false } },
  });
  const first = await client.waitFor((l) => l.ev === 'error' || l.ev === 'connectTo-threw', 10000);
  assert.equal(first.ev, 'error', `connectToNet must not throw (${first.message})`);
  await client.waitFor('destroy', 5000);
  const evs = client.events((l) => ['connect', 'error', 'disconnect', 'destroy'].includes(l.ev));
  assert.deepEqual(evs.map((l) => l.ev), ['error', 'disconnect', 'error', 'disconnect', 'destroy']);
  assert.deepEqual(evs.filter((l) => l.ev === 'error').map((l) => l.code), ['ENOENT', 'ENOENT']);
  await client.request({ cmd: 'barrier', ms: 100 });
  assert.equal(client.exitInfo, null, 'still running');
});

// ---------------------------------------------------------------------------------------------
// UDP: Q18 send errors, Q19 receive encoding
// ---------------------------------------------------------------------------------------------

test("FIX Q18: a UDP send error (unresolvable host) publishes `error` and the peer keeps working (9.2.1: uncaught TypeError, 'this' is undefined in the send callback)", T, async (t) => {
  const s = h.scope(t);
  const port = await h.freePort();
  const peer = spawnServer(s, { serveNetArgs: ['127.0.0.1', port, 'udp4'] });
  await peer.waitFor('connect', 10000);
  await peer.request({ cmd: 'emit', to: { address: 'no-such-host.invalid', port: 9 }, type: 'msg', data: 'lost' });
  const err = await peer.waitFor('error', 10000);
  assert.equal(err.argc, 1);
  assert.equal(err.isError, true);
  assert.ok(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME'].includes(err.code), `DNS error code (${err.code})`);
  // still alive and sending
  const sock = dgram.createSocket('udp4');
  s.defer(() => new Promise((r) => sock.close(r)));
  const got = new Promise((resolve) => sock.on('message', (m) => resolve(m.toString())));
  await new Promise((r) => sock.bind(0, '127.0.0.1', r));
  await peer.request({ cmd: 'emit', to: { address: '127.0.0.1', port: sock.address().port }, type: 'msg', data: 'after' });
  assert.equal(await got, frame('msg', 'after'));
});

test("FIX Q19: UDP receive decodes datagrams with config.encoding ('latin1': 0xE9 is 'é'; 9.2.1 always decodes UTF-8: U+FFFD)", T, async (t) => {
  const s = h.scope(t);
  const port = await h.freePort();
  const peer = spawnServer(s, { serveNetArgs: ['127.0.0.1', port, 'udp4'], echo: { msg: 'reply' }, types: ['msg', 'reply'], config: { encoding: 'latin1' } });
  await peer.waitFor('connect', 10000);
  const sock = dgram.createSocket('udp4');
  s.defer(() => new Promise((r) => sock.close(r)));
  const replies = [];
  sock.on('message', (m) => replies.push(m));
  await new Promise((r) => sock.bind(0, '127.0.0.1', r));
  const bytes = Buffer.from(frame('msg', 'café ÿ'), 'latin1');
  assert.equal(bytes.includes(0xe9), true);
  await new Promise((resolve, reject) => sock.send(bytes, port, '127.0.0.1', (e) => (e ? reject(e) : resolve())));
  const m = await peer.waitFor({ ev: 'message', type: 'msg' }, 5000);
  assert.equal(m.data, 'café ÿ', 'decoded as latin1');
  // the send side already encodes with config.encoding (9.2.1 too)
  await h.waitUntil(() => replies.length === 1, 5000, 'reply datagram');
  assert.deepEqual(replies[0], Buffer.from(frame('reply', 'café ÿ'), 'latin1'));
});
