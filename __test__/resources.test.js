'use strict';
// Resources a connection holds: its descriptor is closed at its close (not by garbage
// collection), and an idle connection holding part of a frame costs a few KB, on both
// drivers. Linux only: descriptors are counted in /proc/self/fd.

const test = require('node:test');
const assert = require('node:assert/strict');
const net = require('net');
const h = require('./helpers');

const LINUX = process.platform === 'linux';
const DRIVERS = [['the JavaScript-thread driver', {}], ['the tokio driver', { NODE_IPC_NATIVE_DRIVER: 'tokio' }]];

for (const [name, env] of DRIVERS) {
  test(`descriptors: 500 connect/emit/disconnect cycles leave no descriptor open, without garbage collection (${name})`, { skip: !LINUX && 'counts /proc/self/fd (Linux only)', timeout: 60000 }, async (t) => {
    const s = h.scope(t);
    const path = s.socketPath('fds');
    const server = s.spawnPeer('server.js', [{ path, types: [], tally: ['x'] }], { impl: 'native', env });
    await server.waitFor('start');
    const client = s.spawnPeer('churn-client.js', [{ path, cycles: 500 }], { impl: 'native', env });
    const report = await client.waitFor('fds', 50000);
    assert.equal(report.cycles, 500);
    assert.equal(report.end, report.start, `descriptors open at the end (${report.end}) = at the start (${report.start})`);
  });

  test(`memory: 3,000 connect/emit/disconnect cycles leave nothing behind on the JavaScript heap (${name})`, { timeout: 90000 }, async (t) => {
    const s = h.scope(t);
    const path = s.socketPath('churn-heap');
    const server = s.spawnPeer('server.js', [{ path, types: [], tally: ['x'] }], { impl: 'native', env });
    await server.waitFor('start');
    const client = s.spawnPeer('churn-client.js', [{ path, cycles: 3000 }], {
      impl: 'native',
      env: { ...env, NODE_OPTIONS: '--expose-gc' },
    });
    const report = await client.waitFor('fds', 80000);
    const grown = report.heapEnd - report.heapStart;
    t.diagnostic(`heap after collection: ${(report.heapStart / 1048576).toFixed(2)} MiB -> ${(report.heapEnd / 1048576).toFixed(2)} MiB`);
    // Each Client, socket facade and native object weighs about 2 KB: 3,000 kept would be 6 MB.
    assert.ok(grown < 512 * 1024, `the heap grew by ${grown} bytes over 3,000 closed connections`);
  });

  test(`memory: 3,000 idle connections each holding part of a frame cost under 8 KB each in the server (${name})`, { timeout: 120000 }, async (t) => {
    const s = h.scope(t);
    const path = s.socketPath('mem');
    const server = s.spawnPeer('server.js', [{ path, types: [], config: { maxConnections: 10000 } }], {
      impl: 'native',
      env: { ...env, NODE_OPTIONS: '--expose-gc' },
    });
    await server.waitFor('start');
    const rss = async () => {
      const r = await server.request({ cmd: 'eval', code: 'global.gc(); global.gc(); return process.memoryUsage().rss;' });
      return r.result;
    };
    const before = await rss();
    const N = 3000;
    const sockets = [];
    s.defer(() => sockets.forEach((c) => c.destroy()));
    for (let i = 0; i < N; i++) {
      const c = net.connect(h.localName(path));
      sockets.push(c);
      await new Promise((resolve, reject) => { c.once('connect', resolve); c.once('error', reject); });
      c.write(`{"type":"x","data":"${'p'.repeat(100)}`);
    }
    await server.waitForCount('connect', N, 30000);
    await h.quietPeriod(500); // let the partial frames arrive (nothing to wait for)
    const after = await rss();
    const perConnection = (after - before) / N;
    t.diagnostic(`RSS ${Math.round(before / 1024)} KiB -> ${Math.round(after / 1024)} KiB: ${Math.round(perConnection)} bytes per connection`);
    assert.ok(perConnection < 8 * 1024, `${Math.round(perConnection)} bytes per connection`);
  });
}
