'use strict';
// `npm run soak`: 10 minutes of mixed traffic (request/reply, broadcasts, connection churn)
// between one server and 200 clients in 4 processes, over a Unix socket. Every 30 s it
// prints the server's and the clients' descriptors and RSS (and, to tell a leak from
// V8's own sizing, the heap in use after a full collection and the native memory: RSS
// less the V8 heap's capacity); it passes if, after the first minute of warm-up, every
// sample stays within 10% of the first one after warm-up (fds within 10% or 10
// descriptors, whichever is more), and no reply went astray.
//
// The processes start with V8's young generation at its largest size (16 MiB semi-spaces,
// the default maximum). Otherwise V8 doubles it, from 1 MiB, whenever it sees fit,
// minutes apart: up to 30 MiB more RSS per process that is not a leak (the heap in use
// and the native memory stay flat) but would read as one.
//
//   node bench/soak/run.js [--minutes 10] [--every 30] [--clients 200]
// Linux only (descriptors are counted in /proc).

const { spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

function option(name, fallback) {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? fallback : Number(process.argv[at + 1]);
}
const minutes = option('minutes', 10);
const every = option('every', 30);
const clients = option('clients', 200);
const PROCESSES = 4;
const WARMUP_MS = Math.min(60000, (minutes * 60000) / 4);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nipc-soak-'));
const socketPath = path.join(dir, 'soak.sock');

function start(script, args) {
  const flags = ['--expose-gc', '--min-semi-space-size=16', '--max-semi-space-size=16'];
  const child = spawn(process.execPath, [...flags, path.join(__dirname, script), ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  const waiting = [];
  let buffer = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk) => {
    buffer += chunk;
    let nl;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = JSON.parse(buffer.slice(0, nl));
      buffer = buffer.slice(nl + 1);
      const w = waiting.findIndex((x) => x.ev === line.ev);
      if (w >= 0) waiting.splice(w, 1)[0].resolve(line);
    }
  });
  child.next = (ev) => new Promise((resolve) => waiting.push({ ev, resolve }));
  child.stats = () => {
    const p = child.next('stats');
    child.stdin.write('stats\n');
    return p;
  };
  return child;
}

function within(value, base, { ratio = 0.1, slack = 0 } = {}) {
  return Math.abs(value - base) <= Math.max(base * ratio, slack);
}

async function main() {
  const server = start('server.js', [socketPath]);
  await server.next('start');
  const procs = [];
  for (let p = 0; p < PROCESSES; p++) procs.push(start('clients.js', [socketPath, String(Math.round(clients / PROCESSES)), `p${p}`]));
  console.log(`soak: ${clients} clients in ${PROCESSES} processes, ${minutes} min, a sample every ${every} s (warm-up ${WARMUP_MS / 1000} s)`);
  console.log('  time   server fds  RSS MiB  heap MiB  native MiB  sockets  requests   clients fds  RSS MiB  heap MiB  native MiB  replies  news  reconnects  astray');
  const began = Date.now();
  const samples = [];
  const done = began + minutes * 60000;
  for (let at = began + every * 1000; at <= done + 1; at += every * 1000) {
    await new Promise((r) => setTimeout(r, at - Date.now()));
    const s = await server.stats();
    const c = await Promise.all(procs.map((p) => p.stats()));
    const sum = (k) => c.reduce((a, x) => a + x[k], 0);
    const sample = {
      t: Math.round((Date.now() - began) / 1000),
      serverFds: s.fds, serverRss: s.rssKiB, serverHeap: s.heapKiB, sockets: s.sockets, requests: s.requests,
      serverNative: s.rssKiB - s.heapTotalKiB,
      clientHeap: sum('heapKiB'), clientNative: sum('rssKiB') - sum('heapTotalKiB'),
      clientFds: sum('fds'), clientRss: sum('rssKiB'), replies: sum('replies'), news: sum('news'),
      reconnects: sum('reconnects'), astray: sum('mismatches'),
    };
    samples.push(sample);
    const mib = (kib, width) => (kib / 1024).toFixed(1).padStart(width);
    console.log(`  ${String(sample.t).padStart(4)} s ${String(sample.serverFds).padStart(10)} ${mib(sample.serverRss, 8)} ${mib(sample.serverHeap, 9)} ${mib(sample.serverNative, 11)} ${String(sample.sockets).padStart(8)} ${String(sample.requests).padStart(9)} ${String(sample.clientFds).padStart(13)} ${mib(sample.clientRss, 8)} ${mib(sample.clientHeap, 9)} ${mib(sample.clientNative, 11)} ${String(sample.replies).padStart(8)} ${String(sample.news).padStart(5)} ${String(sample.reconnects).padStart(11)} ${String(sample.astray).padStart(7)}`);
  }
  server.stdin.end();
  procs.forEach((p) => p.stdin.end());
  fs.rmSync(dir, { recursive: true, force: true });

  const steady = samples.filter((x) => x.t * 1000 >= WARMUP_MS);
  const failures = [];
  if (steady.length < 2) failures.push('too few samples after warm-up');
  else {
    const base = steady[0];
    for (const x of steady) {
      if (!within(x.serverFds, base.serverFds, { slack: 10 })) failures.push(`server fds ${x.serverFds} at ${x.t} s vs ${base.serverFds}`);
      if (!within(x.serverRss, base.serverRss)) failures.push(`server RSS ${x.serverRss} KiB at ${x.t} s vs ${base.serverRss}`);
      if (!within(x.clientFds, base.clientFds, { slack: 10 })) failures.push(`client fds ${x.clientFds} at ${x.t} s vs ${base.clientFds}`);
      if (!within(x.clientRss, base.clientRss)) failures.push(`client RSS ${x.clientRss} KiB at ${x.t} s vs ${base.clientRss}`);
    }
    const last = steady[steady.length - 1];
    if (last.astray > 0) failures.push(`${last.astray} replies went to the wrong client`);
    if (last.replies <= base.replies) failures.push('no replies after warm-up');
  }
  if (failures.length) {
    console.log(`soak: FAILED\n  ${failures.join('\n  ')}`);
    process.exit(1);
  }
  console.log('soak: passed (descriptors and RSS flat after warm-up, every reply to its sender)');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
