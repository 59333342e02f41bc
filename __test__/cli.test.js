'use strict';
/**
 * The command-line tool, bin/node-ipc-native.js (docs/CLI.md): every command as a real
 * process (`node bin/node-ipc-native.js ...`) over real sockets, with exact assertions on
 * stdout lines, JSON lines, stderr text and exit statuses.
 *
 * Peers: `listen` itself (it answers `ping` requests), fixtures/cli-server.js (request
 * handlers that succeed, return nothing, throw or reject; no `ping`), and plain node:net /
 * node:dgram endpoints in the test process to occupy an address. Socket paths and ports
 * come from helpers (unique paths, free ports); every process is killed and every path
 * unlinked after each test, pass or fail.
 */
const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const os = require('os');
const net = require('net');
const path = require('path');
const dgram = require('dgram');
const { spawn } = require('child_process');
const h = require('./helpers');

const BIN = path.join(h.ROOT, 'bin', 'node-ipc-native.js');
const FIXTURE = path.join(__dirname, 'fixtures', 'cli-server.js');
const VERSION = require('../package.json').version;
const T = { timeout: 60000 };
const WAIT = 10000 * h.WAIT_SCALE;

/** A running CLI (or fixture) process with its output collected. */
class Proc {
  constructor(args, { input, script = BIN } = {}) {
    this.args = args;
    this.child = spawn(process.execPath, [script, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.stdout = '';
    this.stderr = '';
    this.waiters = new Set();
    this.exit = null;
    this.child.stdout.setEncoding('utf8');
    this.child.stderr.setEncoding('utf8');
    this.child.stdout.on('data', (c) => { this.stdout += c; this.check(); });
    this.child.stderr.on('data', (c) => { this.stderr += c; this.check(); });
    this.exited = new Promise((resolve) => {
      this.child.on('close', (code, signal) => {
        this.exit = { code, signal };
        this.check();
        resolve(this.exit);
      });
    });
    if (input !== undefined) this.child.stdin.end(input);
  }

  get pid() {
    return this.child.pid;
  }

  /** stdout as lines (without the final empty one). */
  get lines() {
    return this.stdout.split('\n').slice(0, -1);
  }

  check() {
    for (const w of [...this.waiters]) w();
  }

  /** Resolves with pred()'s truthy value; fails on exit or after `ms`. */
  waitUntil(pred, what, ms = WAIT) {
    return new Promise((resolve, reject) => {
      const waiter = () => {
        const v = pred();
        if (v) {
          done();
          resolve(v);
        } else if (this.exit) {
          done();
          reject(new Error(`${what}: process exited ${JSON.stringify(this.exit)}\nstdout: ${this.stdout}\nstderr: ${this.stderr}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`${what}: not within ${ms} ms\nstdout: ${this.stdout}\nstderr: ${this.stderr}`));
      }, ms);
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(waiter);
      };
      this.waiters.add(waiter);
      waiter();
    });
  }

  waitLines(n) {
    return this.waitUntil(() => this.lines.length >= n && this.lines, `${n} stdout lines`);
  }

  waitStderr(re) {
    return this.waitUntil(() => re.exec(this.stderr), `stderr ${re}`);
  }

  kill(signal = 'SIGKILL') {
    if (!this.exit) this.child.kill(signal);
    return this.exited;
  }
}

/** Starts a process bound to the test's scope (killed in t.after). */
function start(s, args, opts) {
  const p = new Proc(args, opts);
  s.defer(() => p.kill());
  return p;
}

/** Runs a command to its end: {code, signal, stdout, stderr, ms}. */
async function run(s, args, opts) {
  const t0 = Date.now();
  const p = start(s, args, { input: '', ...opts });
  let timer;
  const exit = await Promise.race([
    p.exited,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${args.join(' ')}: no exit within ${WAIT} ms\n${p.stderr}`)), WAIT);
    }),
  ]).finally(() => clearTimeout(timer));
  return { ...exit, stdout: p.stdout, stderr: p.stderr, ms: Date.now() - t0, pid: p.pid };
}

/** `listen ARGS` once it says where it listens; `where` is that place. */
async function listen(s, args) {
  const p = start(s, ['listen', ...args]);
  const m = await p.waitStderr(/^listening on (.*)\n/m);
  p.where = m[1];
  return p;
}

/** Stops a listener with `signal` and checks that it exits with 0. */
async function stop(p, signal = 'SIGINT') {
  p.child.kill(signal);
  const exit = await p.exited;
  assert.deepEqual(exit, { code: 0, signal: null }, `listen exit\nstderr: ${p.stderr}`);
}

/** Asserts a successful run with exactly this stdout and an empty stderr. */
function assertOk(r, stdout = '') {
  assert.equal(r.stderr, '', 'stderr');
  assert.equal(r.code, 0, 'exit status');
  assert.equal(r.stdout, stdout, 'stdout');
}

/** Asserts a failed run: this status, this one stderr line, nothing on stdout. */
function assertFails(r, code, line) {
  assert.equal(r.stdout, '', 'stdout');
  assert.equal(r.stderr, `node-ipc-native: ${line}\n`, 'stderr');
  assert.equal(r.code, code, 'exit status');
}

function exists(p) {
  try {
    fs.lstatSync(p);
    return true;
  } catch (_) {
    return false;
  }
}

/** A server fixture (cli-server.js) on a Unix path, started. */
async function fixtureServer(s, p) {
  const proc = start(s, [JSON.stringify({ path: p })], { script: FIXTURE });
  await proc.waitUntil(() => proc.stdout.includes('{"ev":"start"}'), 'fixture start');
  return proc;
}

/** Occupies a TCP port on 127.0.0.1 with node:net. */
async function occupyTcp(s, port) {
  const srv = net.createServer();
  await new Promise((resolve, reject) => srv.once('error', reject).listen(port, '127.0.0.1', resolve));
  s.defer(() => new Promise((r) => srv.close(r)));
}

async function freeUdpPort() {
  const sock = dgram.createSocket('udp4');
  await new Promise((r) => sock.bind(0, '127.0.0.1', r));
  const { port } = sock.address();
  await new Promise((r) => sock.close(r));
  return port;
}

// ---------------------------------------------------------------------------------------
// listen + send

const SENDS = [
  // [send arguments after the type, stdin or undefined, the line listen prints after "#N TYPE"]
  { type: 'greeting', args: ['hello'], line: '"hello"' },
  { type: 'json', args: ['{"a":[1,2.5,null,true],"s":"x"}'], line: '{"a":[1,2.5,null,true],"s":"x"}' },
  { type: 'number', args: ['42'], line: '42' },
  { type: 'quoted', args: ['"42"'], line: '"42"' },
  { type: 'unicode', args: ['héllo ✓ 😀 日本'], line: '"héllo ✓ 😀 日本"' },
  { type: 'spaces', args: ['two words'], line: '"two words"' },
  { type: 'piped', input: '{"from":"stdin","n":[1]}\n', line: '{"from":"stdin","n":[1]}' },
  { type: 'pipedtext', input: 'some text ü\n', line: '"some text ü"' },
  { type: 'empty', input: '', line: '{}' },
  { type: 'falsy', args: ['false'], line: 'false' },
];

test('listen + send: strings, JSON, stdin, unicode, printed exactly; SIGINT removes the socket', T, async (t) => {
  const s = h.scope(t);
  const p = s.socketPath('cli');
  const server = await listen(s, ['--path', p]);
  assert.equal(server.where, p);
  const pids = [];
  for (const [i, m] of SENDS.entries()) {
    const r = await run(s, ['send', '--path', p, m.type, ...(m.args || [])], { input: m.input === undefined ? '' : m.input });
    assertOk(r);
    pids.push(r.pid);
    await server.waitLines(i + 1);
    await server.waitStderr(new RegExp(`#${i + 1} disconnected\n`));
  }
  assert.deepEqual(server.lines, SENDS.map((m, i) => `#${i + 1} ${m.type} ${m.line}`));
  await stop(server);
  assert.equal(server.stderr, [`listening on ${p}`,
    ...pids.flatMap((pid, i) => [`#${i + 1} connected (pid ${pid})`, `#${i + 1} disconnected`])].join('\n') + '\n');
  assert.equal(exists(p), false, 'socket file removed');
});

test('listen --json: one JSON object per message; SIGTERM stops it too', T, async (t) => {
  const s = h.scope(t);
  const p = s.socketPath('clij');
  const server = await listen(s, ['--path', p, '--json']);
  for (const [i, m] of SENDS.entries()) {
    assertOk(await run(s, ['send', '--path', p, m.type, ...(m.args || [])], { input: m.input === undefined ? '' : m.input }));
    await server.waitLines(i + 1);
  }
  assert.deepEqual(server.lines, SENDS.map((m, i) => `{"type":"${m.type}","data":${m.line},"conn":${i + 1}}`));
  assert.deepEqual(JSON.parse(server.lines[4]), { type: 'unicode', data: 'héllo ✓ 😀 日本', conn: 5 });
  await stop(server, 'SIGTERM');
  assert.equal(exists(p), false, 'socket file removed');
});

test('listen --timestamps --count: ISO time of receipt, exits by itself after N messages', T, async (t) => {
  const s = h.scope(t);
  const p = s.socketPath('clit');
  const server = await listen(s, ['--path', p, '--timestamps', '--count', '2']);
  const before = Date.now();
  assertOk(await run(s, ['send', '--path', p, 'a', '1']));
  assertOk(await run(s, ['send', '--path', p, 'b', '{"x":"y"}']));
  const exit = await server.exited;
  assert.deepEqual(exit, { code: 0, signal: null });
  assert.equal(server.lines.length, 2);
  const rest = server.lines.map((line) => {
    const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z) (.*)$/.exec(line);
    assert.ok(m, line);
    const at = Date.parse(m[1]);
    assert.ok(at >= before - 5 && at <= Date.now() + 5, `${m[1]} within the test`);
    return m[2];
  });
  assert.deepEqual(rest, ['#1 a 1', '#2 b {"x":"y"}']);
  assert.equal(exists(p), false, 'socket file removed');
});

test('send: 1 MiB read from stdin arrives whole before send exits', T, async (t) => {
  const s = h.scope(t);
  const p = s.socketPath('clib');
  const server = await listen(s, ['--path', p, '--json', '--count', '1']);
  const big = 'é'.repeat(256 * 1024) + 'x'.repeat(512 * 1024);
  assertOk(await run(s, ['send', '--path', p, 'big'], { input: JSON.stringify({ big }) }));
  await server.exited;
  assert.equal(server.lines.length, 1);
  assert.deepEqual(JSON.parse(server.lines[0]), { type: 'big', data: { big }, conn: 1 });
});

test('listen and send on the default path: --socket-root + --appspace + --id', T, async (t) => {
  const s = h.scope(t);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nipc-cli-'));
  s.defer(() => fs.rmSync(dir, { recursive: true, force: true }));
  const root = `${dir}/`;
  const expected = s.trackPath(`${root}space.svc`);
  const target = ['--socket-root', root, '--appspace', 'space.', '--id', 'svc'];
  const server = await listen(s, target);
  assert.equal(server.where, expected);
  assert.ok(exists(expected));
  assertOk(await run(s, ['send', ...target, 'hi', 'there']));
  assertOk(await run(s, ['request', ...target, 'ping', '[1]']), '[1]\n');
  await server.waitLines(2);
  assert.deepEqual(server.lines, ['#1 hi "there"', '#2 ping {"$req":1,"data":[1]}']);
  await stop(server);
  assert.equal(exists(expected), false);
});

// ---------------------------------------------------------------------------------------
// Failures at run time: status 1 and one line

test('send to a path with no server: status 1, "no server at PATH (connect ENOENT)"', T, async (t) => {
  const s = h.scope(t);
  const p = s.socketPath('clin');
  assertFails(await run(s, ['send', '--path', p, 'x', '1']), 1, `no server at ${p} (connect ENOENT)`);
  assertFails(await run(s, ['request', '--path', p, 'x']), 1, `no server at ${p} (connect ENOENT)`);
  assertFails(await run(s, ['ping', '--path', p, '--count', '1']), 1, `no server at ${p} (connect ENOENT)`);
  assertFails(await run(s, ['bench', '--path', p, '--seconds', '1']), 1, `no server at ${p} (connect ENOENT)`);
  const port = await h.freePort();
  assertFails(await run(s, ['send', '--tcp', String(port), 'x']), 1, `no server at 127.0.0.1:${port} (connect ECONNREFUSED)`);
});

test('send --wait: waits for a server that starts later; gives up after MS', T, async (t) => {
  const s = h.scope(t);
  const p = s.socketPath('cliw');
  const r = await run(s, ['send', '--path', p, '--wait', '300', 'x']);
  assertFails(r, 1, `no server at ${p} after waiting 300 ms (connect ENOENT)`);
  assert.ok(r.ms >= 300, `${r.ms} ms`);
  const sender = start(s, ['send', '--path', p, '--wait', String(WAIT), 'late', '"ok"'], { input: '' });
  await h.quietPeriod(300);
  assert.equal(sender.exit, null, 'still waiting');
  const server = await listen(s, ['--path', p]);
  assert.deepEqual(await sender.exited, { code: 0, signal: null });
  assert.equal(sender.stderr, '');
  await server.waitLines(1);
  assert.deepEqual(server.lines, ['#1 late "ok"']);
  await stop(server);
});

test('listen on a path already served: status 1, the first server keeps it', T, async (t) => {
  const s = h.scope(t);
  const p = s.socketPath('clid');
  const first = await listen(s, ['--path', p, '--json']);
  assertFails(await run(s, ['listen', '--path', p]), 1, `${p} is already served (listen EADDRINUSE)`);
  assertOk(await run(s, ['send', '--path', p, 'still', 'here']));
  await first.waitLines(1);
  assert.deepEqual(first.lines, ['{"type":"still","data":"here","conn":2}']);
  await stop(first);
});

test('listen on a path that is a regular file: status 1, the file is left alone', T, async (t) => {
  const s = h.scope(t);
  const p = s.socketPath('clif');
  fs.writeFileSync(p, 'data');
  assertFails(await run(s, ['listen', '--path', p]), 1, `${p} exists and is not a socket (listen EEXIST)`);
  assert.equal(fs.readFileSync(p, 'utf8'), 'data');
});

test('listen on a TCP port / UDP port in use: status 1, "port N is in use"', T, async (t) => {
  const s = h.scope(t);
  const port = await h.freePort();
  await occupyTcp(s, port);
  assertFails(await run(s, ['listen', '--tcp', String(port)]), 1, `port ${port} is in use (listen EADDRINUSE)`);
  const udpPort = await freeUdpPort();
  const sock = dgram.createSocket('udp4');
  await new Promise((r) => sock.bind(udpPort, '127.0.0.1', r));
  s.defer(() => new Promise((r) => sock.close(r)));
  assertFails(await run(s, ['listen', '--udp', String(udpPort)]), 1, `port ${udpPort} is in use (bind EADDRINUSE)`);
});

// ---------------------------------------------------------------------------------------
// request

test('request: listen answers ping with the data; DATA from an argument or stdin', T, async (t) => {
  const s = h.scope(t);
  const p = s.socketPath('clir');
  const server = await listen(s, ['--path', p, '--json']);
  assertOk(await run(s, ['request', '--path', p, 'ping', '{"a":[1,"ü"]}']), '{"a":[1,"ü"]}\n');
  assertOk(await run(s, ['request', '--path', p, 'ping', 'plain']), '"plain"\n');
  assertOk(await run(s, ['request', '--path', p, 'ping'], { input: '[true,null]\n' }), '[true,null]\n');
  await server.waitLines(3);
  assert.deepEqual(server.lines.map((l) => JSON.parse(l)), [
    { type: 'ping', data: { $req: 1, data: { a: [1, 'ü'] } }, conn: 1 },
    { type: 'ping', data: { $req: 1, data: 'plain' }, conn: 2 },
    { type: 'ping', data: { $req: 1, data: [true, null] }, conn: 3 },
  ]);
  await stop(server);
});

test('request: a handler that throws or rejects is status 1 with its name and message', T, async (t) => {
  const s = h.scope(t);
  const p = s.socketPath('clie');
  await fixtureServer(s, p);
  assertOk(await run(s, ['request', '--path', p, 'add', '{"a":2,"b":3}']), '5\n');
  assertOk(await run(s, ['request', '--path', p, 'none']), '');
  assertFails(await run(s, ['request', '--path', p, 'fail', '1']), 1,
    '"fail" failed on the server: RangeError: bad range (code E_RANGE)');
  assertFails(await run(s, ['request', '--path', p, 'reject']), 1,
    '"reject" failed on the server: TypeError: async no');
});

test('request --timeout: no reply in time is status 1', T, async (t) => {
  const s = h.scope(t);
  const p = s.socketPath('clio');
  const server = await listen(s, ['--path', p]);
  const r = await run(s, ['request', '--path', p, '--timeout', '300', 'unanswered', '1']);
  assertFails(r, 1, 'no reply to "unanswered" within 300 ms');
  assert.ok(r.ms >= 300, `${r.ms} ms`);
  await server.waitLines(1);
  assert.deepEqual(server.lines, ['#1 unanswered {"$req":1,"data":1}']);
  await stop(server);
});

// ---------------------------------------------------------------------------------------
// ping and bench

const PING_LINE = (where, seq) => new RegExp(`^56 bytes from ${where.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: seq=${seq} time=(\\d+\\.\\d{3}) ms$`);

test('ping --count 5: five RTT lines, then the summary', T, async (t) => {
  const s = h.scope(t);
  const p = s.socketPath('clip');
  const server = await listen(s, ['--path', p, '--json']);
  const r = await run(s, ['ping', '--path', p, '--count', '5', '--interval', '20']);
  assert.equal(r.stderr, '');
  assert.equal(r.code, 0);
  const lines = r.stdout.split('\n');
  assert.equal(lines.length, 10, r.stdout);
  assert.equal(lines[0], `PING ${p}: 56 bytes of data`);
  const times = [];
  for (let seq = 1; seq <= 5; seq++) {
    const m = PING_LINE(p, seq).exec(lines[seq]);
    assert.ok(m, lines[seq]);
    times.push(Number(m[1]));
  }
  assert.equal(lines[6], `--- ${p} ping statistics ---`);
  assert.equal(lines[7], '5 requests, 5 replies, 0% lost');
  const m = /^rtt min\/p50\/p90\/p99\/max = (\d+\.\d{3})\/(\d+\.\d{3})\/(\d+\.\d{3})\/(\d+\.\d{3})\/(\d+\.\d{3}) ms$/.exec(lines[8]);
  assert.ok(m, lines[8]);
  const sorted = [...times].sort((a, b) => a - b);
  // Nearest rank over 5 values: p50 is the 3rd, p90 and p99 the 5th.
  assert.deepEqual(m.slice(1).map(Number), [sorted[0], sorted[2], sorted[4], sorted[4], sorted[4]]);
  assert.equal(lines[9], '');
  await server.waitLines(5);
  const payload = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123';
  assert.deepEqual(server.lines.map((l) => JSON.parse(l)),
    [1, 2, 3, 4, 5].map((i) => ({ type: 'ping', data: { $req: i, data: payload }, conn: 1 })));
  await stop(server);
});

test('ping --json --size; a server without a ping handler: each request lost, status 1', T, async (t) => {
  const s = h.scope(t);
  const p = s.socketPath('clipj');
  const server = await listen(s, ['--path', p, '--quiet']);
  const r = await run(s, ['ping', '--path', p, '--count', '3', '--interval', '0', '--size', '3', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const objs = r.stdout.split('\n').slice(0, -1).map((l) => JSON.parse(l));
  assert.equal(objs.length, 4);
  objs.slice(0, 3).forEach((o, i) => {
    assert.deepEqual(Object.keys(o), ['seq', 'bytes', 'ms']);
    assert.equal(o.seq, i + 1);
    assert.equal(o.bytes, 3);
    assert.ok(o.ms > 0);
  });
  assert.deepEqual(Object.keys(objs[3]), ['requests', 'replies', 'lost', 'minMs', 'p50Ms', 'p90Ms', 'p99Ms', 'maxMs']);
  assert.equal(objs[3].requests, 3);
  assert.equal(objs[3].replies, 3);
  assert.equal(objs[3].lost, 0);
  assert.equal(objs[3].maxMs, Math.max(...objs.slice(0, 3).map((o) => o.ms)));
  await stop(server);
  assert.equal(server.stderr, `listening on ${p}\nstopped after 3 messages\n`);

  const q = s.socketPath('clipn');
  await fixtureServer(s, q);
  const lost = await run(s, ['ping', '--path', q, '--count', '2', '--interval', '0', '--timeout', '200']);
  assert.equal(lost.stderr, '');
  assert.equal(lost.code, 1);
  assert.equal(lost.stdout, [
    `PING ${q}: 56 bytes of data`,
    'seq=1: no reply to "ping" within 200 ms',
    'seq=2: no reply to "ping" within 200 ms',
    `--- ${q} ping statistics ---`,
    '2 requests, 0 replies, 100% lost',
    'rtt min/p50/p90/p99/max = -/-/-/-/- ms',
  ].join('\n') + '\n');
});

test('ping without --count runs until SIGINT, then prints the summary', T, async (t) => {
  const s = h.scope(t);
  const p = s.socketPath('clips');
  const server = await listen(s, ['--path', p, '--quiet']);
  const pinger = start(s, ['ping', '--path', p, '--interval', '10']);
  await pinger.waitLines(4);
  pinger.child.kill('SIGINT');
  assert.deepEqual(await pinger.exited, { code: 0, signal: null });
  const lines = pinger.lines;
  const n = lines.length - 4;
  assert.ok(n >= 3, pinger.stdout);
  for (let seq = 1; seq <= n; seq++) assert.match(lines[seq], PING_LINE(p, seq));
  assert.equal(lines[n + 1], `--- ${p} ping statistics ---`);
  assert.equal(lines[n + 2], `${n} requests, ${n} replies, 0% lost`);
  assert.match(lines[n + 3], /^rtt min\/p50\/p90\/p99\/max = [\d./]+ ms$/);
  await stop(server);
});

test('bench --seconds 1: pingpong, pipelined and flood against listen --quiet', T, async (t) => {
  const s = h.scope(t);
  const p = s.socketPath('clibn');
  const server = await listen(s, ['--path', p, '--quiet']);
  const r = await run(s, ['bench', '--path', p, '--seconds', '1', '--inflight', '8', '--size', '16']);
  assert.equal(r.stderr, '');
  assert.equal(r.code, 0);
  const lines = r.stdout.split('\n');
  assert.equal(lines.length, 6, r.stdout);
  assert.equal(lines[0], `bench ${p}: 1 s per scenario, 16-byte data, 8 in flight (pipelined)`);
  assert.match(lines[1], /^scenario +rate +p50 ms +p90 ms +p99 ms +max ms +count +seconds$/);
  const rows = {};
  for (const line of lines.slice(2, 5)) {
    const m = /^(\w+) +([\d,]+) (rt\/s|msg\/s) +([\d.]+|-) +([\d.]+|-) +([\d.]+|-) +([\d.]+|-) +([\d,]+) +(\d+\.\d{3})$/.exec(line);
    assert.ok(m, line);
    assert.equal(line.length, lines[1].length, 'aligned columns');
    rows[m[1]] = { rate: Number(m[2].replace(/,/g, '')), unit: m[3], p: m.slice(4, 8), count: Number(m[8].replace(/,/g, '')), seconds: Number(m[9]) };
  }
  assert.deepEqual(Object.keys(rows), ['pingpong', 'pipelined', 'flood']);
  assert.equal(rows.pingpong.unit, 'rt/s');
  assert.equal(rows.pipelined.unit, 'rt/s');
  assert.equal(rows.flood.unit, 'msg/s');
  for (const [name, row] of Object.entries(rows)) {
    assert.ok(row.count > 0 && row.rate > 0, name);
    assert.ok(row.seconds >= 1 && row.seconds < 10, `${name}: ${row.seconds} s`);
    const latency = row.p.map(Number);
    if (name === 'flood') assert.deepEqual(row.p, ['-', '-', '-', '-']);
    else assert.deepEqual(latency, [...latency].sort((a, b) => a - b), `${name}: p50 <= p90 <= p99 <= max`);
  }
  assert.equal(lines[5], '');
  await stop(server);
  // Every message reached the server: warm-ups, the measured ones and the barriers.
  const m = /^listening on .*\nstopped after (\d+) messages\n$/.exec(server.stderr);
  assert.ok(m, server.stderr);
  assert.ok(Number(m[1]) >= rows.pingpong.count + rows.pipelined.count + rows.flood.count + 200 + 1000 + 2000 + 2);
});

test('bench --json --only: one JSON document with the figures of the chosen scenarios', T, async (t) => {
  const s = h.scope(t);
  const port = await h.freePort();
  const server = await listen(s, ['--tcp', String(port), '--quiet']);
  const r = await run(s, ['bench', '--tcp', String(port), '--seconds', '1', '--only', 'flood,pingpong', '--json']);
  assert.equal(r.stderr, '');
  assert.equal(r.code, 0);
  assert.ok(r.stdout.endsWith('}\n') && r.stdout.split('\n').length === 2, r.stdout);
  const doc = JSON.parse(r.stdout);
  assert.deepEqual({ ...doc, results: undefined }, { target: `127.0.0.1:${port}`, seconds: 1, size: 56, inflight: 64, results: undefined });
  assert.deepEqual(doc.results.map((x) => [x.scenario, x.unit]), [['pingpong', 'rt/s'], ['flood', 'msg/s']]);
  for (const x of doc.results) {
    assert.deepEqual(Object.keys(x), ['scenario', 'unit', 'rate', 'count', 'seconds', 'p50Ms', 'p90Ms', 'p99Ms', 'maxMs']);
    assert.ok(x.count > 0 && x.rate > 0 && x.seconds >= 1);
  }
  assert.ok(doc.results[0].p50Ms > 0 && doc.results[0].p50Ms <= doc.results[0].maxMs);
  assert.equal(doc.results[1].p50Ms, null);
  await stop(server);
});

// ---------------------------------------------------------------------------------------
// TCP and UDP

test('TCP: listen --tcp, send, request; the peer is #N HOST:PORT', T, async (t) => {
  const s = h.scope(t);
  const port = await h.freePort();
  const server = await listen(s, ['--tcp', String(port)]);
  assert.equal(server.where, `127.0.0.1:${port}`);
  assertOk(await run(s, ['send', '--tcp', String(port), 'hi', '{"n":1}']));
  await server.waitLines(1);
  assertOk(await run(s, ['request', '--tcp', String(port), '--host', '127.0.0.1', 'ping', '"pong"']), '"pong"\n');
  await server.waitLines(2);
  const ports = [];
  const expected = [/^#1 127\.0\.0\.1:(\d+) hi \{"n":1\}$/, /^#2 127\.0\.0\.1:(\d+) ping \{"\$req":1,"data":"pong"\}$/];
  server.lines.forEach((line, i) => {
    const m = expected[i].exec(line);
    assert.ok(m, line);
    ports.push(m[1]);
  });
  await stop(server);
  assert.equal(server.stderr, [
    `listening on 127.0.0.1:${port}`,
    `#1 connected from 127.0.0.1:${ports[0]}`, '#1 disconnected',
    `#2 connected from 127.0.0.1:${ports[1]}`, '#2 disconnected',
  ].join('\n') + '\n');
});

test('TCP: listen --tcp 0 takes a free port and says which; --json carries address and port', T, async (t) => {
  const s = h.scope(t);
  const server = await listen(s, ['--tcp', '0', '--json']);
  const m = /^127\.0\.0\.1:(\d+)$/.exec(server.where);
  assert.ok(m && Number(m[1]) > 0, server.where);
  assertOk(await run(s, ['send', '--tcp', m[1], 'x', '[1]']));
  await server.waitLines(1);
  const line = JSON.parse(server.lines[0]);
  assert.deepEqual(Object.keys(line), ['type', 'data', 'conn', 'address', 'port']);
  assert.deepEqual({ ...line, port: 0 }, { type: 'x', data: [1], conn: 1, address: '127.0.0.1', port: 0 });
  assert.ok(line.port > 0);
  await stop(server);
});

test('UDP: listen --udp, send --udp; the peer is the sender HOST:PORT', T, async (t) => {
  const s = h.scope(t);
  const port = await freeUdpPort();
  const server = await listen(s, ['--udp', String(port)]);
  assert.equal(server.where, `127.0.0.1:${port} (UDP)`);
  assertOk(await run(s, ['send', '--udp', String(port), 'tick', '1']));
  await server.waitLines(1);
  assertOk(await run(s, ['send', '--udp', String(port), 'tock', 'ü ✓'], { input: '' }));
  await server.waitLines(2);
  assert.match(server.lines[0], /^127\.0\.0\.1:\d+ tick 1$/);
  assert.match(server.lines[1], /^127\.0\.0\.1:\d+ tock "ü ✓"$/);
  await stop(server);
  assert.equal(server.stderr, `listening on 127.0.0.1:${port} (UDP)\n`);
});

test('UDP: listen --udp --json', T, async (t) => {
  const s = h.scope(t);
  const server = await listen(s, ['--udp', '0', '--json']);
  const port = /^127\.0\.0\.1:(\d+) \(UDP\)$/.exec(server.where)[1];
  assertOk(await run(s, ['send', '--udp', port, 'u', '{"k":"v"}']));
  await server.waitLines(1);
  const line = JSON.parse(server.lines[0]);
  assert.deepEqual(Object.keys(line), ['type', 'data', 'address', 'port']);
  assert.deepEqual([line.type, line.data, line.address], ['u', { k: 'v' }, '127.0.0.1']);
  await stop(server);
});

// ---------------------------------------------------------------------------------------
// Help, version, usage errors

test('--help of the program and of every command: status 0, usage with options and an example', T, async (t) => {
  const s = h.scope(t);
  for (const r of await Promise.all([['--help'], ['-h'], ['help']].map((args) => run(s, args)))) {
    assert.equal(r.code, 0);
    assert.equal(r.stderr, '');
    assert.ok(r.stdout.startsWith('Usage: node-ipc-native <command> [options]\n'), r.stdout);
    for (const c of ['listen', 'send', 'request', 'ping', 'bench']) assert.match(r.stdout, new RegExp(`^  ${c} +\\S`, 'm'));
  }
  const OPTIONS = {
    listen: ['--json', '--timestamps', '--quiet', '--count', '--udp', '--tcp', '--path', '--id', '--appspace', '--socket-root', '--host', '--verbose'],
    send: ['--wait', '--udp', '--tcp', '--path', '--id', '--host', '--verbose'],
    request: ['--timeout', '--wait', '--tcp', '--path', '--verbose'],
    ping: ['--count', '--interval', '--size', '--timeout', '--json', '--wait'],
    bench: ['--seconds', '--inflight', '--size', '--only', '--timeout', '--json', '--wait'],
  };
  await Promise.all(Object.entries(OPTIONS).map(async ([command, options]) => {
    const variants = [[command, '--help'], [command, '-h'], ['help', command], [command, '--tcp', 'x', '-h']];
    const results = await Promise.all(variants.map((args) => run(s, args)));
    results.forEach((r, i) => {
      assert.equal(r.code, 0, variants[i].join(' '));
      assert.equal(r.stderr, '');
      assert.equal(r.stdout, results[0].stdout, 'the same help every way');
    });
    const r = results[0];
    assert.ok(r.stdout.startsWith(`Usage: node-ipc-native ${command} [options]`), r.stdout);
    for (const o of [...options, '--help']) assert.match(r.stdout, new RegExp(`^ +(-h, )?${o}\\b`, 'm'), `${command}: ${o}`);
    assert.match(r.stdout, new RegExp(`\nExamples:\n  node-ipc-native (listen|${command}) `));
  }));
  if (process.platform !== 'win32') assert.ok(fs.statSync(BIN).mode & 0o111, 'bin is executable');
});

test('--version prints the package version', T, async (t) => {
  const s = h.scope(t);
  assertOk(await run(s, ['--version']), `${VERSION}\n`);
});

test('usage errors: status 2 and one line', T, async (t) => {
  const s = h.scope(t);
  const cases = [
    [[], 'missing command (see node-ipc-native --help)'],
    [['serve'], 'unknown command "serve" (see node-ipc-native --help)'],
    [['--bogus'], 'unknown option --bogus (see node-ipc-native --help)'],
    [['listen', '--bogus'], 'unknown option --bogus (see node-ipc-native listen --help)'],
    [['send', '-x', 't'], 'unknown option -x (see node-ipc-native send --help)'],
    [['send'], 'missing TYPE (see node-ipc-native send --help)'],
    [['send', 'a', 'b', 'c'], 'unexpected argument "c" (see node-ipc-native send --help)'],
    [['listen', 'extra'], 'unexpected argument "extra" (see node-ipc-native listen --help)'],
    [['ping', '--count', 'five'], 'option --count: not a whole number: "five" (see node-ipc-native ping --help)'],
    [['ping', '--count', '0'], 'option --count: 0 is out of range (1 to 9007199254740991) (see node-ipc-native ping --help)'],
    [['listen', '--tcp', '70000'], 'option --tcp: 70000 is out of range (0 to 65535) (see node-ipc-native listen --help)'],
    [['bench', '--seconds'], 'option --seconds needs a value (S) (see node-ipc-native bench --help)'],
    [['listen', '--json=yes'], 'option --json takes no value (see node-ipc-native listen --help)'],
    [['send', '--tcp', '8000', '--path', '/tmp/x', 't'], '--path does not apply to --tcp (see node-ipc-native send --help)'],
    [['send', '--tcp', '1', '--udp', '2', 't'], '--tcp and --udp cannot be combined (see node-ipc-native send --help)'],
    [['send', '--host', 'localhost', 't'], '--host needs --tcp or --udp (see node-ipc-native send --help)'],
    [['send', '--tcp', '0', 't'], '--tcp: port 0 can only be listened on (see node-ipc-native send --help)'],
    [['ping', '--udp', '8000'], '--udp is only for listen and send (requests need a connection: use --tcp or a Unix socket) (see node-ipc-native ping --help)'],
    [['bench', '--only', 'flood,nope'], '--only: unknown scenario "nope" (pingpong, pipelined, flood) (see node-ipc-native bench --help)'],
  ];
  const results = await Promise.all(cases.map(([args]) => run(s, args)));
  results.forEach((r, i) => assertFails(r, 2, cases[i][1]));
});

test('arguments: --opt=value, negative numbers and -- as DATA', T, async (t) => {
  const s = h.scope(t);
  const p = s.socketPath('clia');
  const server = await listen(s, [`--path=${p}`]);
  assertOk(await run(s, ['send', `--path=${p}`, 'n', '-5']));
  await server.waitLines(1);
  assertOk(await run(s, ['send', '--path', p, '--', 'dash', '--not-an-option']));
  await server.waitLines(2);
  assert.deepEqual(server.lines, ['#1 n -5', '#2 dash "--not-an-option"']);
  await stop(server);
});

test('--verbose: node-ipc\'s log lines go to stderr, stdout keeps the results only', T, async (t) => {
  const s = h.scope(t);
  const p = s.socketPath('cliv');
  const server = await listen(s, ['--path', p, '--verbose']);
  assert.match(server.stderr, /starting server on {2}\S+/);
  const r = await run(s, ['request', '--path', p, '--verbose', 'ping', '1']);
  assert.equal(r.code, 0);
  assert.equal(r.stdout, '1\n');
  assert.match(r.stderr, /dispatching event to {2}/);
  await server.waitLines(1);
  assert.deepEqual(server.lines, ['#1 ping {"$req":1,"data":1}']);
  await stop(server);
});

test('listen: messages named like the package\'s events, odd types and invalid frames from a raw peer', T, async (t) => {
  const s = h.scope(t);
  const p = s.socketPath('cliraw');
  const server = await listen(s, ['--path', p]);
  const raw = await s.rawConnect(p);
  raw.write([
    '{"type":"connect","data":1}', '{"type":"start","data":2}', '{"type":"error","data":{"message":"x"}}',
    'not json', '{"type":"socket.disconnected","data":3}', '{"type":"a b\\nc","data":4}', '{"type":5}', '',
  ].join('\f'));
  await server.waitLines(6);
  raw.destroy();
  await server.waitStderr(/#1 disconnected\n/);
  assert.deepEqual(server.lines, ['#1 connect 1', '#1 start 2', '#1 error {"message":"x"}', '#1 socket.disconnected 3',
    '#1 "a b\\nc" 4', '#1 5']);
  await stop(server);
  assert.match(server.stderr, new RegExp(`^listening on ${p}\n#1 connected \\(pid \\d+\\)\n#1 invalid frame: "not json"\n#1 disconnected\n$`));
});

test('listen: a reader that closes stdout (| head -1) stops it, and the socket file goes', T, async (t) => {
  const s = h.scope(t);
  const p = s.socketPath('cliep');
  const server = await listen(s, ['--path', p]);
  assertOk(await run(s, ['send', '--path', p, 'one', '1']));
  await server.waitLines(1);
  server.child.stdout.destroy();
  assertOk(await run(s, ['send', '--path', p, 'two', '2']));
  assert.deepEqual(await server.exited, { code: 0, signal: null });
  assert.equal(exists(p), false, 'socket file removed');
  assertFails(await run(s, ['send', '--path', p, 'three', '3']), 1, `no server at ${p} (connect ENOENT)`);
});

test('node-ipc 9.2.1 peers: send, request, ping to its server; listen prints its client\'s message', T, async (t) => {
  const s = h.scope(t);
  const p = s.socketPath('cli921');
  const old = start(s, [JSON.stringify({ role: 'server', path: p })], { script: path.join(__dirname, 'fixtures', 'cli-node-ipc.js') });
  await old.waitUntil(() => old.stdout.includes('{"ev":"start"}'), 'node-ipc 9.2.1 server start');
  assertOk(await run(s, ['send', '--path', p, 'app.message', '{"text":"héllo","n":[1,2]}']));
  await old.waitUntil(() => old.lines.length >= 2, 'message at node-ipc 9.2.1');
  assert.deepEqual(JSON.parse(old.lines[1]), { ev: 'message', type: 'app.message', data: { text: 'héllo', n: [1, 2] } });
  assertOk(await run(s, ['request', '--path', p, 'ping', '{"a":"ü"}']), '{"a":"ü"}\n');
  const r = await run(s, ['ping', '--path', p, '--count', '2', '--interval', '0']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /\n2 requests, 2 replies, 0% lost\n/);

  const q = s.socketPath('cli921l');
  const server = await listen(s, ['--path', q, '--json']);
  const client = start(s, [JSON.stringify({ role: 'client', path: q, type: 'from.old', data: { id: 'old', v: [1, 'ü'] } })],
    { script: path.join(__dirname, 'fixtures', 'cli-node-ipc.js') });
  assert.deepEqual(await client.exited, { code: 0, signal: null });
  await server.waitLines(1);
  assert.deepEqual(server.lines, ['{"type":"from.old","data":{"id":"old","v":[1,"ü"]},"conn":1}']);
  await stop(server);
});
