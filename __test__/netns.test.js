'use strict';
// TCP across a real (virtual) link: the client runs in a network namespace of its own,
// joined to this one by a veth pair, with packet loss (nftables) and a rate limit (tbf,
// whose queue adds delay) on both ends. All traffic stays on this machine.
//
// This kernel has no netem (sch_netem is not built), so loss comes from nftables'
// `numgen random` and delay from the tbf queue rather than from netem. Needs root,
// iproute2 and nftables (.ci/run installs them).

const test = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('child_process');
const h = require('./helpers');

function sh(cmd, args, input) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', input });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.error ? r.error.message : r.stderr.trim()}`);
  return r.stdout;
}

function unavailable() {
  if (process.platform !== 'linux') return 'network namespaces are a Linux feature';
  if (process.getuid() !== 0) return 'needs root (network namespaces, veth, tc, nftables)';
  for (const tool of ['ip', 'tc', 'nft']) {
    if (spawnSync(tool, ['-V']).error && spawnSync(tool, ['--version']).error) return `needs ${tool} (iproute2, nftables)`;
  }
  return false;
}

const SKIP = unavailable();
const T = { timeout: 90000, skip: SKIP };
let made = 0;

/**
 * A namespace joined to this one by a veth pair: `host` is our address, `peer` the
 * namespace's. Removed when the test ends.
 */
function link(s, { lossPercent = 0, rate = null } = {}) {
  const k = made++;
  const id = `${process.pid % 100000}${k}`;
  const ns = `nipc${id}`;
  const [a, b] = [`nv${id}a`, `nv${id}b`];
  const net = `10.${100 + (process.pid % 100)}.${k}`;
  const host = `${net}.1`;
  const peer = `${net}.2`;
  sh('ip', ['netns', 'add', ns]);
  s.defer(() => {
    spawnSync('ip', ['link', 'del', a]);
    spawnSync('ip', ['netns', 'del', ns]);
  });
  sh('ip', ['link', 'add', a, 'type', 'veth', 'peer', 'name', b]);
  sh('ip', ['link', 'set', b, 'netns', ns]);
  sh('ip', ['addr', 'add', `${host}/30`, 'dev', a]);
  sh('ip', ['link', 'set', a, 'up']);
  const inNs = (cmd, ...args) => sh('ip', ['netns', 'exec', ns, cmd, ...args]);
  inNs('ip', 'addr', 'add', `${peer}/30`, 'dev', b);
  inNs('ip', 'link', 'set', b, 'up');
  inNs('ip', 'link', 'set', 'lo', 'up');
  if (lossPercent > 0) {
    // Inside the namespace, so only the link's traffic is affected: both directions.
    const rules = `table inet lossy {
      chain in { type filter hook input priority 0; policy accept; numgen random mod 100 < ${lossPercent} drop; }
      chain out { type filter hook output priority 0; policy accept; numgen random mod 100 < ${lossPercent} drop; }
    }`;
    sh('ip', ['netns', 'exec', ns, 'nft', '-f', '-'], rules);
  }
  if (rate) {
    sh('tc', ['qdisc', 'add', 'dev', a, 'root', 'tbf', 'rate', rate, 'burst', '16kb', 'latency', '100ms']);
    inNs('tc', 'qdisc', 'add', 'dev', b, 'root', 'tbf', 'rate', rate, 'burst', '16kb', 'latency', '100ms');
  }
  return { ns, hostDev: a, host, peer, prefix: ['ip', 'netns', 'exec', ns] };
}

test('5% loss each way and an 8 Mbit/s link: 1,000 messages each way arrive complete and in order', T, async (t) => {
  const s = h.scope(t);
  const l = link(s, { lossPercent: 5, rate: '8mbit' });
  const port = await h.freePort();
  const server = s.spawnPeer('server.js', [{ serveForm: 'net', host: l.host, port, tally: ['seq'], tallyEvery: 1000, echo: { seq: 'reply' } }], { impl: 'native' });
  await server.waitFor('start');
  const client = s.spawnPeer('client.js', [{ net: { host: l.host, port }, tally: ['reply'], tallyEvery: 1000, config: { retry: 200 } }], { impl: 'native', prefix: l.prefix });
  await client.waitFor('connect', 10000);
  const started = Date.now();
  await client.request({ cmd: 'eval', code: "const pad = 'p'.repeat(500); for (let i = 0; i < 1000; i++) ipc.of.srv.emit('seq', { i, pad }); return 0;" });
  const got = await server.waitFor({ ev: 'tally', type: 'seq', count: 1000 }, 60000);
  const back = await client.waitFor({ ev: 'tally', type: 'reply', count: 1000 }, 60000);
  t.diagnostic(`1,000 round trips of 0.5 KiB in ${Date.now() - started} ms through the lossy link`);
  assert.equal(got.inOrder, true);
  assert.equal(back.inOrder, true);
  assert.deepEqual(client.events('disconnect'), [], 'the connection survived the loss');
  assert.equal(got.firstBad, null);
});

test('a link that drops while the server restarts: the client notices when the link returns, reconnects per retry, nothing is delivered twice', T, async (t) => {
  const s = h.scope(t);
  const l = link(s);
  const port = await h.freePort();
  const serve = () => s.spawnPeer('server.js', [{ serveForm: 'net', host: l.host, port }], { impl: 'native' });
  const first = serve();
  await first.waitFor('start');
  const client = s.spawnPeer('client.js', [{ net: { host: l.host, port }, config: { retry: 200 } }], { impl: 'native', prefix: l.prefix });
  await client.waitFor('connect', 10000);
  await client.request({ cmd: 'eval', code: "let i = 0; setInterval(() => ipc.of.srv.emit('seq', { i: i++ }), 50); return 0;" });
  await first.waitForCount({ ev: 'message', type: 'seq' }, 10, 10000);
  // The link goes down; meanwhile the server dies (its FIN never crosses) and a new one
  // listens on the same port.
  sh('ip', ['link', 'set', l.hostDev, 'down']);
  await first.kill();
  const second = serve();
  await second.waitFor('start');
  await h.quietPeriod(1000);
  assert.deepEqual(client.events('disconnect'), [], 'nothing can be noticed while the link is down');
  sh('ip', ['link', 'set', l.hostDev, 'up']);
  // The client's next segments meet a host without that connection: reset, reconnect.
  await client.waitFor('disconnect', 20000);
  await client.waitForCount('connect', 2, 20000);
  await second.waitForCount({ ev: 'message', type: 'seq' }, 10, 10000);
  const before = first.events({ ev: 'message', type: 'seq' }).map((m) => m.data.i);
  const after = second.events({ ev: 'message', type: 'seq' }).map((m) => m.data.i);
  assert.deepEqual(before, Array.from({ length: before.length }, (_, k) => k), 'the first connection: in order, none lost before the drop');
  assert.ok(after.every((v, k) => k === 0 || v > after[k - 1]), 'the second connection: in order');
  assert.ok(after[0] > before[before.length - 1], 'nothing delivered twice');
});
