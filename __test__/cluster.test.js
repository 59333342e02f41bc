'use strict';
/**
 * Node's cluster module: every worker serves the same path or port, cluster's primary
 * holds the one listening socket and hands each connection to a worker, and the
 * connections are served by this package in the worker that got them.
 *
 * - node-ipc's own `example/clusterUnixSocket` (from the devDependency
 *   `node-ipc-9.1.1` = node-ipc@9.1.1, the last release that ships it), unchanged, laid
 *   out at test time as helpers/examples.js lays out the other examples;
 * - serveNet on port 0 (one free port shared by all workers) and TLS, with
 *   fixtures/cluster-server.js.
 *
 * Windows: Node's handles have no descriptor to hand to the addon, so workers listen on
 * their own there (README, "Node's cluster module"); these tests are Unix-only.
 */
const fs = require('fs');
const os = require('os');
const path = require('path');
const { test } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./helpers');
const ex = require('./helpers/examples');

const T = { timeout: 60000, skip: h.IS_WINDOWS && "Windows: cluster workers cannot hand Node's handles to the addon" };

const EXAMPLE_DIR = path.join(h.ROOT, 'node_modules', 'node-ipc-9.1.1', 'example', 'clusterUnixSocket');
const CERTS = path.join(h.ROOT, 'local-node-ipc-certs');

/** Whether a process is still alive. */
function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (_) {
    return false;
  }
}

/** Ends a cluster (the primary kills its workers on SIGTERM) and checks nothing is left. */
async function stopCluster(peer, pids) {
  await peer.kill('SIGTERM');
  await h.waitUntil(() => pids.every((pid) => !alive(pid)), 10000);
}

/** One connection of this package's client: emits hello, resolves with the reply. */
function askOnce(target, data, tls) {
  const ipc = new (require('..').IPC)();
  ipc.config.silent = true;
  ipc.config.maxRetries = 0;
  ipc.config.stopRetrying = true;
  if (tls) ipc.config.tls = tls;
  return new Promise((resolve, reject) => {
    const connected = () => {
      const client = ipc.of.c;
      client.on('connect', () => client.emit('hello', data));
      client.on('reply', (reply) => {
        ipc.disconnect('c');
        resolve(reply);
      });
      client.on('error', reject);
    };
    if (target.path) ipc.connectTo('c', target.path, connected);
    else ipc.connectToNet('c', target.host, target.port, connected);
  });
}

test("node-ipc's clusterUnixSocket example, unchanged: the workers share /tmp/ipc.sock and the client's messages reach more than one of them", T, async (t) => {
  const s = h.scope(t);
  const release = await ex.acquireExamplesLock();
  t.after(release);
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'nipc-cluster-'));
  t.after(() => fs.rmSync(base, { recursive: true, force: true }));
  // <base>/node-ipc/example/clusterUnixSocket/*.js byte for byte; '../../node-ipc' (the
  // client) and '../../../node-ipc' (the server) both resolve to this package.
  const repo = path.join(base, 'node-ipc');
  const dir = path.join(repo, 'example', 'clusterUnixSocket');
  fs.mkdirSync(dir, { recursive: true });
  for (const f of ['cluster-server.js', 'cluster-client.js']) fs.copyFileSync(path.join(EXAMPLE_DIR, f), path.join(dir, f));
  fs.writeFileSync(path.join(repo, 'node-ipc.js'), `module.exports = require(${JSON.stringify(h.implPath('native'))});\n`);
  fs.writeFileSync(path.join(repo, 'package.json'), JSON.stringify({ name: 'node-ipc', private: true, main: 'node-ipc.js' }) + '\n');
  s.trackPath('/tmp/ipc.sock');

  const server = ex.runExample(s, path.join(dir, 'cluster-server.js'));
  const workers = Math.max(1, os.cpus().length);
  const started = await server.waitForCount(ex.says(/^pid \d+ listening on \/tmp\/ipc\.sock$/), workers, 20000);
  const workerPids = started.map((l) => Number(/pid (\d+)/.exec(ex.text(l))[1]));
  assert.equal(new Set(workerPids).size, workers, 'one line per worker');
  // Every worker has asked the primary to listen once the socket file exists.
  await h.waitUntil(() => fs.existsSync('/tmp/ipc.sock'), 10000);

  // The client connects every 2 s, emits currentDate and disconnects at once.
  const client = ex.runExample(s, path.join(dir, 'cluster-client.js'));
  const wanted = Math.min(workers, 2) + 1;
  const got = await server.waitForCount(ex.says(/^pid \d+ got: /), wanted, 30000);
  await client.kill();
  const pids = got.map((l) => Number(/pid (\d+) got/.exec(ex.text(l))[1]));
  for (const l of got) {
    const m = /got: +\{ message: '([^']+)' \}$/.exec(ex.text(l));
    assert.ok(m, `a message line: ${ex.text(l)}`);
    assert.ok(!Number.isNaN(Date.parse(m[1])), 'the ISO date the client sent');
  }
  for (const pid of pids) assert.ok(workerPids.includes(pid), 'received by a worker');
  if (workers >= 2) assert.ok(new Set(pids).size >= 2, `messages spread over the workers: ${pids}`);
  await stopCluster(server, [server.pid, ...workerPids]);
});

test('serveNet on port 0 in two workers: one free port for the cluster; replies come from both workers; address() is the bound port', T, async (t) => {
  const s = h.scope(t);
  const server = s.spawnPeer('cluster-server.js', [{ workers: 2, host: '127.0.0.1', port: 0 }], { impl: 'native' });
  const started = await server.waitForCount({ ev: 'worker-start' }, 2, 20000);
  const ports = started.map((l) => l.address.port);
  assert.equal(ports[0], ports[1], 'the workers share one port');
  assert.ok(ports[0] > 0, 'a real port, not 0');
  assert.deepEqual(started.map((l) => [l.address.address, l.address.family]), [['127.0.0.1', 'IPv4'], ['127.0.0.1', 'IPv4']]);
  const replies = [];
  for (let i = 0; i < 6; i++) replies.push(await askOnce({ host: '127.0.0.1', port: ports[0] }, { n: i }));
  assert.deepEqual(replies.map((r) => r.echo), [0, 1, 2, 3, 4, 5].map((n) => ({ n })));
  const workerPids = started.map((l) => l.pid);
  for (const r of replies) assert.ok(workerPids.includes(r.pid));
  assert.equal(new Set(replies.map((r) => r.pid)).size, 2, 'both workers served connections');
  const seen = await server.waitForCount({ ev: 'message' }, 6);
  assert.deepEqual(seen.map((l) => l.data.n).sort(), [0, 1, 2, 3, 4, 5]);
  assert.equal(server.lines.filter((l) => l.ev === 'error').length, 0);
  await stopCluster(server, [server.pid, ...workerPids]);
});

test('TLS in cluster workers: handed-over connections are served over TLS', T, async (t) => {
  const s = h.scope(t);
  const tls = {
    public: path.join(CERTS, 'server.pub'),
    private: path.join(CERTS, 'private', 'server.key'),
  };
  const port = await h.freePort();
  const server = s.spawnPeer('cluster-server.js', [{ workers: 2, host: '127.0.0.1', port, tls }], { impl: 'native' });
  const started = await server.waitForCount({ ev: 'worker-start' }, 2, 20000);
  const clientTls = { trustedConnections: [path.join(CERTS, 'server.pub')], rejectUnauthorized: true };
  const replies = [];
  for (let i = 0; i < 4; i++) replies.push(await askOnce({ host: '127.0.0.1', port }, `tls ${i}`, clientTls));
  assert.deepEqual(replies.map((r) => r.echo), ['tls 0', 'tls 1', 'tls 2', 'tls 3']);
  assert.equal(new Set(replies.map((r) => r.pid)).size, 2, 'both workers served TLS connections');
  await stopCluster(server, [server.pid, ...started.map((l) => l.pid)]);
});
