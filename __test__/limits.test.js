'use strict';
// Bounded memory and bad input: config.maxMessageSize, hostile peers, bad arguments.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const os = require('os');
const path = require('path');
const h = require('./helpers');

async function startServer(s, config) {
  const path = s.socketPath('lim');
  const server = s.spawnPeer('server.js', [{ path, config }], { impl: 'native' });
  await server.waitFor('start');
  return { server, path };
}

test('maxMessageSize: an unterminated frame over the limit is an EMSGSIZE error and closes only that connection', async (t) => {
  const s = h.scope(t);
  const { server, path } = await startServer(s, { maxMessageSize: 1024 });
  const hostile = await s.rawConnect(path);
  const good = await s.rawConnect(path);
  await server.waitForCount('connect', 2);
  await hostile.write(Buffer.alloc(4096, 'x'));
  const err = await server.waitFor('error');
  assert.equal(err.code, 'EMSGSIZE');
  assert.equal(err.isError, true);
  assert.match(err.message, /maxMessageSize \(1024 bytes\)/);
  const close = await server.waitFor('close');
  assert.equal(close.hadError, true);
  const gone = await server.waitFor('socket.disconnected');
  assert.equal(gone.count, 1);
  await hostile.waitClose();
  await good.write('{"type":"hello","data":{"id":"good"}}\f');
  const msg = await server.waitFor('message');
  assert.deepEqual([msg.type, msg.socketId], ['hello', 'good']);
});

test('maxMessageSize: a complete frame over the limit is refused too; frames at the limit pass', async (t) => {
  const s = h.scope(t);
  const { server, path } = await startServer(s, { maxMessageSize: 64 });
  const frame = (n) => `{"type":"msg","data":"${'a'.repeat(n - 24)}"}`;
  assert.equal(frame(64).length, 64);
  const ok = await s.rawConnect(path);
  await ok.write(frame(64) + '\f');
  const msg = await server.waitFor('message');
  assert.equal(msg.type, 'msg');
  const big = await s.rawConnect(path);
  await big.write(frame(65) + '\f');
  const err = await server.waitFor('error');
  assert.equal(err.code, 'EMSGSIZE');
  await big.waitClose();
});

test('maxMessageSize: complete frames that arrive with an oversize remainder are delivered before the error', async (t) => {
  const s = h.scope(t);
  const { server, path } = await startServer(s, { maxMessageSize: 1024 });
  const peer = await s.rawConnect(path);
  await server.waitFor('connect');
  const from = server.mark();
  await peer.write(h.frame('msg', 1) + h.frame('msg', 2) + 'x'.repeat(4096));
  await server.waitFor('close', undefined, { from });
  const seen = server.events((l) => ['message', 'error', 'close'].includes(l.ev), from);
  assert.deepEqual(seen.map((l) => l.ev), ['message', 'message', 'error', 'close']);
  assert.deepEqual(seen.slice(0, 2).map((l) => l.data), [1, 2]);
  assert.equal(seen[2].code, 'EMSGSIZE');
  await peer.waitClose();
});

test('a peer sending garbage without delimiters gets closed at the limit, the server stays up', async (t) => {
  const s = h.scope(t);
  const { server, path } = await startServer(s, { maxMessageSize: 256 * 1024 });
  const hostile = await s.rawConnect(path);
  const chunk = Buffer.alloc(64 * 1024, 0xff);
  for (let i = 0; i < 8; i++) {
    if (hostile.closed) break;
    await hostile.write(chunk).catch(() => {});
  }
  await hostile.waitClose();
  const err = await server.waitFor('error');
  assert.equal(err.code, 'EMSGSIZE');
  const probe = await s.rawConnect(path);
  await probe.write('{"type":"ping","data":{}}\f');
  assert.equal((await server.waitFor('message')).type, 'ping');
});

test('listen errors: a path longer than the platform allows is a clear ENAMETOOLONG error event', h.unixOnly('sun_path limit (pipe names are checked by Windows)'), async (t) => {
  const s = h.scope(t);
  const path = `/tmp/${'p'.repeat(150)}.sock`;
  const server = s.spawnPeer('server.js', [{ path }], { impl: 'native' });
  const err = await server.waitFor('error');
  assert.equal(err.code, 'ENAMETOOLONG');
  assert.match(err.message, /longer than the 107 bytes/);
});

test('listen errors: unlink:false on a path in use is EADDRINUSE and does not disturb the first server', h.notUnderWine(), async (t) => {
  const s = h.scope(t);
  const { server: first, path } = await startServer(s, {});
  const second = s.spawnPeer('server.js', [{ path, config: { unlink: false } }], { impl: 'native' });
  const err = await second.waitFor('error');
  assert.equal(err.code, 'EADDRINUSE');
  assert.equal(err.syscall, 'listen');
  const probe = await s.rawConnect(path);
  await probe.write('{"type":"ping","data":{}}\f');
  assert.equal((await first.waitFor('message')).type, 'ping');
});

test('invalid delimiter or maxMessageSize is a clear error at start', () => {
  const ipc = new (require('..').IPC)();
  ipc.config.silent = true;
  ipc.config.delimiter = '';
  ipc.serve(h.uniqueSocketPath('bad'), () => {});
  assert.throws(() => ipc.server.start(), /delimiter must not be empty/);
  const ipc2 = new (require('..').IPC)();
  ipc2.config.silent = true;
  ipc2.config.maxMessageSize = -5;
  ipc2.serve(h.uniqueSocketPath('bad'), () => {});
  assert.throws(() => ipc2.server.start(), /maxMessageSize must be a positive number/);
});

test('invalid maxQueuedBytes is a clear error at start', () => {
  const ipc = new (require('..').IPC)();
  ipc.config.silent = true;
  ipc.config.maxQueuedBytes = -1;
  ipc.serve(h.uniqueSocketPath('bad'), () => {});
  assert.throws(() => ipc.server.start(), /maxQueuedBytes must be a number >= 0 \(0: no limit\), got -1/);
});

test('errors the addon throws at start carry a Node-style code and an unprefixed message, as reported errors do', async (t) => {
  const s = h.scope(t);
  const bad = new (require('..').IPC)();
  bad.config.silent = true;
  bad.config.maxQueuedBytes = -1;
  bad.serve(h.uniqueSocketPath('bad'), () => {});
  assert.throws(() => bad.server.start(), {
    code: 'ERR_INVALID_ARG_VALUE',
    message: 'config.maxQueuedBytes must be a number >= 0 (0: no limit), got -1',
  });

  // Unparsable PEM files: thrown by a TLS server's start, an error event on a TLS client;
  // the same code and message both ways.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nipc-badpem-'));
  s.defer(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.writeFileSync(path.join(dir, 'key.pem'), 'not a key');
  fs.writeFileSync(path.join(dir, 'cert.pem'), 'not a certificate');
  const tls = { private: path.join(dir, 'key.pem'), public: path.join(dir, 'cert.pem') };
  const want = { code: 'ERR_TLS_CONFIG', message: 'cert holds no PEM certificate' };
  const server = new (require('..').IPC)();
  server.config.silent = true;
  server.config.tls = tls;
  server.serveNet('127.0.0.1', 0, () => {});
  assert.throws(() => server.server.start(), (err) => {
    assert.ok(err instanceof Error);
    assert.deepEqual({ code: err.code, message: err.message }, want);
    return true;
  });
  const client = new (require('..').IPC)();
  client.config.silent = true;
  client.config.maxRetries = 0;
  client.config.tls = tls;
  const err = await new Promise((resolve) => {
    client.connectToNet('bad', '127.0.0.1', 1, () => client.of.bad.on('error', resolve));
  });
  client.disconnect('bad');
  assert.deepEqual({ code: err.code, message: err.message }, want);
});
