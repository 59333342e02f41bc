'use strict';
// Faults, with real processes and sockets: a server killed with SIGKILL and restarted on
// the same path, a client killed in the middle of a write, and a server out of file
// descriptors. (Network faults through a namespace pair: netns.test.js.)

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const { spawnSync } = require('child_process');
const h = require('./helpers');

const T = { timeout: 60000 };
const LINUX = process.platform === 'linux';

/** Client-side code for the fixture's `eval`: emits {i} every `ms` ms, i counting up. */
function emitEvery(ms) {
  return `
    let i = 0;
    globalThis.ticker = setInterval(() => ipc.of.srv.emit('seq', { i: i++ }), ${ms});
    return 0;`;
}

/** The `data.i` of every 'seq' message a server fixture reported. */
function seqs(server) {
  return server.events({ ev: 'message', type: 'seq' }).map((l) => l.data.i);
}

function strictlyIncreasing(list) {
  return list.every((v, k) => k === 0 || v > list[k - 1]);
}

test('a server killed with SIGKILL and restarted on the same path: the client reconnects per retry, nothing is delivered twice', T, async (t) => {
  const s = h.scope(t);
  const path = s.socketPath('restart');
  const first = s.spawnPeer('server.js', [{ path }], { impl: 'native' });
  await first.waitFor('start');
  const client = s.spawnPeer('client.js', [{ path, config: { retry: 100 } }], { impl: 'native' });
  await client.waitFor('connect');
  await client.request({ cmd: 'eval', code: emitEvery(5) });
  await first.waitForCount({ ev: 'message', type: 'seq' }, 50, 10000);
  await first.kill();
  if (!h.IS_WINDOWS) assert.equal(fs.statSync(path).isSocket(), true, 'the killed server left its socket file');
  await client.waitFor('disconnect', 5000);
  // A dead server's socket file refuses; a dead server's pipe name is simply gone.
  await client.waitFor({ ev: 'error', code: h.IS_WINDOWS ? 'ENOENT' : 'ECONNREFUSED' }, 5000);
  const second = s.spawnPeer('server.js', [{ path }], { impl: 'native' });
  await second.waitFor('start', 10000);
  assert.deepEqual(second.events('error'), [], 'the stale socket file was replaced');
  await client.waitForCount('connect', 2, 5000);
  await second.waitForCount({ ev: 'message', type: 'seq' }, 50, 10000);
  const before = seqs(first);
  const after = seqs(second);
  assert.ok(strictlyIncreasing(before) && strictlyIncreasing(after), 'in order on each connection');
  assert.ok(after[0] > before[before.length - 1], `nothing delivered twice (first got up to ${before[before.length - 1]}, second starts at ${after[0]})`);
  // The first connection's messages all arrived, in one unbroken run from 0.
  assert.deepEqual(before, Array.from({ length: before.length }, (_, k) => k));
});

test('a client killed with SIGKILL in the middle of a write: the server drops the partial frame, publishes socket.disconnected, keeps serving', T, async (t) => {
  const s = h.scope(t);
  const path = s.socketPath('killed-client');
  const server = s.spawnPeer('server.js', [{ path }], { impl: 'native' });
  await server.waitFor('start');
  const client = s.spawnPeer('client.js', [{ path }], { impl: 'native' });
  await client.waitFor('connect');
  await server.waitFor('connect');
  // 4 MiB messages back to back: the kill lands inside one of them.
  const code = `
    const pad = 'p'.repeat(4 * 1024 * 1024);
    let i = 0;
    const tick = () => { ipc.of.srv.emit('big', { i: i++, pad }); setImmediate(tick); };
    tick();
    return 0;`;
  await client.request({ cmd: 'eval', code });
  await server.waitForCount({ ev: 'message', type: 'big' }, 2, 20000);
  await client.kill();
  const gone = await server.waitFor('socket.disconnected', 10000);
  assert.equal(gone.count, 0);
  const big = server.events({ ev: 'message', type: 'big' });
  // Whole messages only, in order (the fixture reports large data by its JSON length).
  const lengths = big.map((l) => l.data.$big.jsonLength);
  assert.deepEqual(lengths, big.map((_, k) => JSON.stringify({ i: k, pad: '' }).length + 4 * 1024 * 1024));
  const probe = s.spawnPeer('client.js', [{ path, config: { retry: 100 } }], { impl: 'native' });
  await probe.waitFor('connect');
  await probe.request({ cmd: 'emit', type: 'hello', data: { id: 'after' } });
  await server.waitFor({ ev: 'message', type: 'hello', socketId: 'after' });
});

/** utime + stime of a process, in clock ticks (Linux /proc). */
function cpuTicks(pid) {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

const PRLIMIT = LINUX && spawnSync('prlimit', ['--version']).status === 0;

test('out of file descriptors at accept (EMFILE): one error, no spinning, the listener recovers', { ...T, skip: !PRLIMIT && 'needs Linux and prlimit (util-linux) to lower a running process\'s descriptor limit' }, async (t) => {
  const s = h.scope(t);
  const path = s.socketPath('emfile');
  const server = s.spawnPeer('server.js', [{ path }], { impl: 'native' });
  await server.waitFor('start');
  // Room for 8 more descriptors than the server holds now.
  const open = fs.readdirSync(`/proc/${server.pid}/fd`).length;
  const limit = open + 8;
  const set = spawnSync('prlimit', [`--pid=${server.pid}`, `--nofile=${limit}:${limit}`]);
  assert.equal(set.status, 0, String(set.stderr));
  const clients = [];
  for (let k = 0; k < 20; k++) clients.push(await s.rawConnect(path));
  await server.waitFor({ ev: 'error', code: 'EMFILE' }, 10000);
  const accepted = server.events('connect').length;
  assert.ok(accepted > 0 && accepted < 20, `${accepted} accepted before the limit`);
  // While connections wait in the backlog, the server must not spin on accept.
  const ticks = cpuTicks(server.pid);
  await h.quietPeriod(2000);
  const used = (cpuTicks(server.pid) - ticks) / 100; // seconds of CPU (USER_HZ = 100)
  t.diagnostic(`CPU while out of descriptors: ${(used * 50).toFixed(1)}% of a core`);
  assert.ok(used < 0.2, `the server used ${used} s of CPU in 2 s`);
  assert.equal(server.events({ ev: 'error', code: 'EMFILE' }).length, 1, 'reported once, not per retry');
  // Free descriptors: connections waiting in the backlog are accepted again.
  for (const c of clients.slice(0, accepted)) c.destroy();
  await server.waitForCount('connect', accepted + 1, 10000);
  for (const c of clients.slice(accepted)) c.destroy();
  await h.waitUntil(() => fs.readdirSync(`/proc/${server.pid}/fd`).length <= open + 1, 10000, 'descriptors released');
  const fresh = await s.rawConnect(path);
  await fresh.write(h.frame('hello', { id: 'fresh' }));
  await server.waitFor({ ev: 'message', type: 'hello', socketId: 'fresh' }, 10000);
});
