'use strict';
// CONTRACT §7 / Appendix A: the log lines of a whole session equal node-ipc 9.2.1's, line for
// line (socket paths normalised, error stacks cut to their first line).
// unit-log.test.js tests lib/log.js's formatting on its own.

const test = require('node:test');
const assert = require('node:assert/strict');
const h = require('./helpers');

const T = { timeout: 20000 };

function logLines(peer, path) {
  // On Windows the pipe name, and inside inspected error objects its escaped form.
  const names = [h.localName(path).replace(/\\/g, '\\\\'), h.localName(path), path];
  return peer.lines
    .filter((l) => l.ev === 'log')
    .map((l) => names.reduce((line, name) => line.split(name).join('<path>'), l.line))
    .map((line) => line.replace(/\n    at [\s\S]*?(?=\n  [a-z]|\n\}|$)/g, '\n    at <stack>'));
}

async function session(t, impl) {
  const s = h.scope(t);
  const path = s.socketPath('log');
  const server = s.spawnPeer('server.js', [{ path, captureLog: true }], { impl });
  await server.waitFor('start');
  const client = s.spawnPeer('client.js', [{
    id: 'srv', path, captureLog: true, config: { id: 'me' },
    emitOnConnect: [{ type: 'hello', data: { id: 'c1', n: 1 } }], disconnectOn: 'x',
  }], { impl });
  await server.waitFor((l) => l.ev === 'message');
  await server.send({ cmd: 'emit', type: 'x', data: { a: 1 } });
  await client.waitFor('destroy');
  await server.waitFor('socket.disconnected');
  return { server: logLines(server, path), client: logLines(client, path) };
}

test('Appendix A: server and client log lines of a connect/emit/reply/disconnect session equal node-ipc 9.2.1', T, async (t) => {
  const ref = await session(t, 'node-ipc');
  const ours = await session(t, 'native');
  assert.deepEqual(ours.server, ref.server);
  assert.deepEqual(ours.client, ref.client);
  assert.deepEqual(ours.server, [
    'starting server on  <path> ',
    'starting TLS server false',
    'starting server as Unix || Windows Socket',
    '## socket connection to server detected ##',
    "received event of :  hello { id: 'c1', n: 1 }",
    'dispatching event to socket  :  x { a: 1 }',
    'socket disconnected c1',
  ]);
});

async function failedAttempts(t, impl) {
  const s = h.scope(t);
  const path = s.socketPath('nolog');
  const client = s.spawnPeer('client.js', [{
    id: 'srv', path, captureLog: true, config: { id: 'me', maxRetries: 1, retry: 20 },
  }], { impl });
  await client.waitFor('destroy');
  return logLines(client, path);
}

test('Appendix A: log lines of failed attempts and retries (error objects inspected like Node system errors) equal node-ipc 9.2.1', T, async (t) => {
  const ref = await failedAttempts(t, 'node-ipc');
  const ours = await failedAttempts(t, 'native');
  assert.deepEqual(ours, ref);
  assert.ok(ours.some((l) => l.includes("code: 'ENOENT'")), 'error printed with its code');
});

const CERTS = require('path').join(__dirname, '..', 'local-node-ipc-certs');

async function netSession(t, impl, tls) {
  const s = h.scope(t);
  const port = await h.freePort();
  const serverTls = tls ? { tls: { public: `${CERTS}/server.pub`, private: `${CERTS}/private/server.key` } } : {};
  const clientTls = tls ? { tls: { rejectUnauthorized: true, trustedConnections: `${CERTS}/server.pub` } } : {};
  const server = s.spawnPeer('server.js', [{ serveForm: 'net', host: 'localhost', port, captureLog: true, config: serverTls }], { impl });
  await server.waitFor('start');
  const client = s.spawnPeer('client.js', [{
    id: 'srv', net: { host: 'localhost', port }, captureLog: true, config: { id: 'me', ...clientTls },
    emitOnConnect: [{ type: 'hello', data: { id: 'c1' } }], disconnectOn: 'x',
  }], { impl });
  await server.waitFor((l) => l.ev === 'message');
  await server.send({ cmd: 'emit', type: 'x', data: [1, 'two'] });
  await client.waitFor('destroy');
  await server.waitFor('socket.disconnected');
  const norm = (peer) => logLines(peer, `${port}`);
  return { server: norm(server), client: norm(client) };
}

for (const tls of [false, true]) {
  test(`Appendix A: ${tls ? 'TLS' : 'TCP'} session log lines (inspected options and config.tls included) equal node-ipc 9.2.1`, T, async (t) => {
    const ref = await netSession(t, 'node-ipc', tls);
    const ours = await netSession(t, 'native', tls);
    assert.deepEqual(ours.server, ref.server);
    assert.deepEqual(ours.client, ref.client);
    assert.ok(ours.server.includes(`starting server as ${tls ? 'TLS' : 'TCP'}`));
  });
}

test('§7 silent: true suppresses every line; a custom logger receives single strings', T, async (t) => {
  const ipc = new (require('..').IPC)();
  const lines = [];
  ipc.config.logger = (...args) => lines.push(args);
  ipc.config.silent = true;
  ipc.log('a', { b: 1 });
  assert.deepEqual(lines, []);
  ipc.config.silent = false;
  ipc.config.logInColor = false;
  ipc.log('a', { b: 1 }, 2, undefined);
  assert.deepEqual(lines, [['a { b: 1 } 2 ']]);
});
