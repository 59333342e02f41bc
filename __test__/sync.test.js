'use strict';
// CONTRACT §5.5 sync mode (Q31): one request in flight per client, released by inbound data.

const test = require('node:test');
const assert = require('node:assert/strict');
const h = require('./helpers');

const T = { timeout: 30000 };

function emits(count) {
  return Array.from({ length: count }, (_, n) => ({ type: 'msg', data: { n } }));
}

for (const [serverImpl, clientImpl] of [['node-ipc', 'native'], ['native', 'native'], ['native', 'node-ipc']]) {
  test(`§5.5 Q31 sync: 5 emits in a row leave one at a time, in order (server ${serverImpl}, client ${clientImpl})`, T, async (t) => {
    const s = h.scope(t);
    const path = s.socketPath('sync');
    const server = s.spawnPeer('sync-server.js', [{ path, delay: 80 }], { impl: serverImpl });
    await server.waitFor('start');
    const client = s.spawnPeer('client.js', [{ id: 'srv', path, config: { sync: true }, types: ['reply'], emitOnConnect: emits(5) }], { impl: clientImpl });
    const replies = await client.waitForCount((l) => l.ev === 'message' && l.type === 'reply', 5, 10000);
    assert.deepEqual(replies.map((r) => r.data.n), [0, 1, 2, 3, 4]);
    const requests = server.lines.filter((l) => l.ev === 'request');
    assert.deepEqual(requests.map((r) => r.n), [0, 1, 2, 3, 4]);
    assert.deepEqual(requests.map((r) => r.outstanding), [1, 1, 1, 1, 1], 'never two requests in flight');
    for (let i = 1; i < requests.length; i++) {
      assert.ok(requests[i].at - requests[i - 1].at >= 70, 'each request waits for the previous reply');
    }
  });
}

test('§5.5 Q31 sync: a reply that never comes stalls the queue; later emits only enqueue', T, async (t) => {
  const s = h.scope(t);
  const path = s.socketPath('stall');
  const server = s.spawnPeer('sync-server.js', [{ path, delay: 1e9 }], { impl: 'native' });
  await server.waitFor('start');
  const client = s.spawnPeer('client.js', [{ id: 'srv', path, config: { sync: true }, types: ['reply'], emitOnConnect: emits(3) }], { impl: 'native' });
  await client.waitFor('connect');
  await server.waitFor('request');
  await h.quietPeriod(300);
  assert.equal(server.lines.filter((l) => l.ev === 'request').length, 1);
});

const path = require('path');

const CERTS = path.join(__dirname, '..', 'local-node-ipc-certs');
const TLS_SERVER = { public: path.join(CERTS, 'server.pub'), private: path.join(CERTS, 'private', 'server.key') };
const TLS_CLIENT = { rejectUnauthorized: true, trustedConnections: [path.join(CERTS, 'server.pub')] };

for (const [name, serverConfig, clientConfig] of [['tcp', {}, {}], ['tls', { tls: TLS_SERVER }, { tls: TLS_CLIENT }]]) {
  for (const [serverImpl, clientImpl] of [['node-ipc', 'native'], ['native', 'native']]) {
    test(`§5.5 sync over ${name}: one request in flight, replies in order (server ${serverImpl}, client ${clientImpl})`, T, async (t) => {
      const s = h.scope(t);
      const port = await h.freePort();
      const server = s.spawnPeer('sync-server.js', [{ port, delay: 60, config: serverConfig }], { impl: serverImpl });
      await server.waitFor('start');
      const client = s.spawnPeer('client.js', [{
        id: 'srv', net: { host: 'localhost', port }, config: { sync: true, ...clientConfig }, types: ['reply'], emitOnConnect: emits(4),
      }], { impl: clientImpl });
      const replies = await client.waitForCount((l) => l.ev === 'message' && l.type === 'reply', 4, 10000);
      assert.deepEqual(replies.map((r) => r.data.n), [0, 1, 2, 3]);
      const requests = server.lines.filter((l) => l.ev === 'request');
      assert.deepEqual(requests.map((r) => r.outstanding), [1, 1, 1, 1]);
    });
  }
}
