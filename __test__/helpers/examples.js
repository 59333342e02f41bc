'use strict';
/**
 * Running node-ipc 9.2.x's own examples (the `example/` folder of the devDependency
 * `@node-ipc/compat@9.2.5`) UNCHANGED against this package (CONTRACT §8.1/§8.2).
 *
 * The examples are never copied into this repository: layoutExamples() copies them, at test
 * time, into a fresh temporary folder laid out the way they expect (§8.1):
 *
 *   <tmp>/node-ipc/example/...                 the examples, byte for byte
 *   <tmp>/node-ipc/node-ipc.js                 module.exports = require('<this package>')
 *   <tmp>/node-ipc/package.json                {"main": "node-ipc.js"}: the 2-level-deep files
 *                                              (example/rawBuffer/*.js) require
 *                                              '../../../node-ipc', i.e. the folder <tmp>/node-ipc
 *   <tmp>/node-ipc/local-node-ipc-certs        copy of this repository's test certificates
 *
 * "This package" is implPath('native'): the repository root, or what OUR_IMPL names
 * (OUR_IMPL=node-ipc runs the examples against the reference 9.2.1, to check the harness).
 *
 * Example processes are started with the harness's spawnPeer (absolute script, cwd = the
 * example's folder, no stdin), so they are tracked and killed like any other peer. Their
 * output is plain text: every stdout line arrives as {ev: '$raw', line}; text(l) returns it
 * without ANSI colour codes (logInColor is on by default). Each line also gets `rx`, the
 * Date.now() at which the test process received it (used for ordering across processes).
 *
 * Only one run of the examples at a time on a machine: acquireExamplesLock() (a lock file in
 * os.tmpdir() holding the owner's pid; a dead owner's lock is taken over).
 *
 * Readiness (instead of sleeping): waitListening() polls /proc/net/{tcp,tcp6,udp,udp6,unix}
 * until the port / socket path is listening (Linux); elsewhere it only checks that the unix
 * socket file exists or, for ports, returns at once (the example clients retry anyway).
 */
const fs = require('fs');
const os = require('os');
const net = require('net');
const path = require('path');
const { implPath, ROOT } = require('./impl');
const { waitUntil } = require('./raw');
const { unlinkQuiet } = require('./paths');
const { IS_WINDOWS } = require('./platform');

const COMPAT_DIR = path.join(ROOT, 'node_modules', '@node-ipc', 'compat');
const COMPAT_EXAMPLES = path.join(COMPAT_DIR, 'example');
const CERTS = path.join(ROOT, 'local-node-ipc-certs');

// Fixed endpoints used by the examples (§8.1).
const UNIX_WORLD = '/tmp/app.world';
const PORTS = [8000, 8001, 8002];

const ANSI = /\x1b\[[0-9;]*[A-Za-z]/g;

function stripAnsi(s) {
  return String(s).replace(ANSI, '');
}

/** The text of a peer line, ANSI codes removed ('' for harness pseudo-lines such as $exit). */
function text(l) {
  if (l.ev === '$raw') return stripAnsi(l.line);
  if (typeof l.ev === 'string' && l.ev.startsWith('$')) return '';
  // A stdout line that happened to be valid JSON (an example never prints one on purpose).
  const { rx, ...rest } = l;
  return JSON.stringify(rest);
}

/** A line predicate: substring (string) or RegExp, tested on text(l). */
function says(what) {
  if (what instanceof RegExp) {
    const re = new RegExp(what.source, what.flags.replace('g', ''));
    const pred = (l) => re.test(text(l));
    Object.defineProperty(pred, 'name', { value: `says ${re}` });
    return pred;
  }
  const pred = (l) => text(l).includes(what);
  Object.defineProperty(pred, 'name', { value: `says ${JSON.stringify(what)}` });
  return pred;
}

function compatVersion() {
  return JSON.parse(fs.readFileSync(path.join(COMPAT_DIR, 'package.json'), 'utf8')).version;
}

/**
 * Lay the examples out in a fresh temporary folder. Returns {base, repo, example, cleanup}:
 * `repo` is <tmp>/node-ipc, `example` is <tmp>/node-ipc/example.
 */
function layoutExamples() {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'nipc-examples-'));
  const repo = path.join(base, 'node-ipc');
  const example = path.join(repo, 'example');
  fs.mkdirSync(repo);
  fs.cpSync(COMPAT_EXAMPLES, example, { recursive: true });
  fs.writeFileSync(
    path.join(repo, 'node-ipc.js'),
    `'use strict';\nmodule.exports = require(${JSON.stringify(implPath('native'))});\n`
  );
  fs.writeFileSync(
    path.join(repo, 'package.json'),
    JSON.stringify({ name: 'node-ipc', private: true, main: 'node-ipc.js' }, null, 2) + '\n'
  );
  // A copy, not a symlink: directory links need privileges on Windows and fail under wine.
  fs.cpSync(CERTS, path.join(repo, 'local-node-ipc-certs'), { recursive: true });
  return {
    base,
    repo,
    example,
    cleanup() {
      fs.rmSync(base, { recursive: true, force: true });
    },
  };
}

/**
 * Write a copy of an example with one textual change next to the original (in the temporary
 * layout only) and return its path. `from` must occur in the file (the change is checked).
 */
function variantOf(file, suffix, from, to) {
  const src = fs.readFileSync(file, 'utf8');
  const out = src.replace(from, to);
  if (out === src) throw new Error(`variantOf: pattern ${from} not found in ${file}`);
  const dest = file.replace(/\.js$/, `.${suffix}.js`);
  fs.writeFileSync(dest, out);
  return dest;
}

/**
 * Start one example file: `node <file>` with cwd = its folder. `s` is a harness scope (the
 * process is killed in t.after). Lines get `rx` (receive time in this process).
 */
function runExample(s, file, name) {
  const p = s.spawnPeer(file, [], { cwd: path.dirname(file), stdin: false, name: name || path.basename(file) });
  const push = p._push.bind(p);
  p._push = (obj) => {
    obj.rx = Date.now();
    push(obj);
  };
  return p;
}

// ---------------------------------------------------------------------------------------------
// /proc/net readiness

function readProc(file) {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(1).filter(Boolean);
  } catch (e) {
    return null;
  }
}

const HAVE_PROC = readProc('/proc/net/tcp') !== null;

/** Local ports in state `st` (hex) in /proc/net/<kind> and <kind>6. */
function procPorts(kind, st) {
  const ports = new Set();
  for (const f of [`/proc/net/${kind}`, `/proc/net/${kind}6`]) {
    for (const line of readProc(f) || []) {
      const cols = line.trim().split(/\s+/);
      const local = cols[1];
      if (!local || cols[3] !== st) continue;
      ports.add(parseInt(local.split(':').pop(), 16));
    }
  }
  return ports;
}

function tcpListening(port) {
  return procPorts('tcp', '0A').has(port); // TCP_LISTEN
}

function udpBound(port) {
  return procPorts('udp', '07').has(port); // unconnected bound datagram socket
}

function unixListening(p) {
  for (const line of readProc('/proc/net/unix') || []) {
    const cols = line.trim().split(/\s+/);
    // Num RefCount Protocol Flags Type St Inode Path; Flags 00010000 = __SO_ACCEPTCON
    if (cols[7] === p && (parseInt(cols[3], 16) & 0x10000) !== 0) return true;
  }
  return false;
}

/**
 * Wait until the endpoint listens: {tcp: port} | {udp: port} | {unix: path}.
 */
async function waitListening(what, timeoutMs = 10000) {
  if (what.unix) {
    // A Windows pipe cannot be looked at without connecting to it; the examples' clients retry.
    if (IS_WINDOWS) return;
    const check = HAVE_PROC ? () => unixListening(what.unix) : () => fs.existsSync(what.unix);
    await waitUntil(check, timeoutMs, `unix socket ${what.unix} listening`, 20);
    return;
  }
  if (!HAVE_PROC) return;
  if (what.tcp) await waitUntil(() => tcpListening(what.tcp), timeoutMs, `TCP port ${what.tcp} listening`, 20);
  if (what.udp) await waitUntil(() => udpBound(what.udp), timeoutMs, `UDP port ${what.udp} bound`, 20);
}

/** Is something live (accepting) at a unix socket path? */
function unixAlive(p) {
  return new Promise((resolve) => {
    const c = net.connect(p);
    c.on('connect', () => {
      c.destroy();
      resolve(true);
    });
    c.on('error', () => resolve(false));
  });
}

/**
 * Before an example: the fixed ports must be free and /tmp/app.world must not belong to a live
 * server (a stale file from a killed server is removed). Waits a little for processes of the
 * previous example to be gone.
 */
async function ensureFixedEndpointsFree(timeoutMs = 10000) {
  if (HAVE_PROC) {
    try {
      await waitUntil(() => PORTS.every((p) => !tcpListening(p) && !udpBound(p)), timeoutMs, 'ports 8000-8002 free', 50);
    } catch (e) {
      throw new Error(
        `the examples need ports ${PORTS.join('/')} (TCP and UDP), but one is in use by another process: ` +
          `TCP listening ${PORTS.filter(tcpListening)}, UDP bound ${PORTS.filter(udpBound)}`
      );
    }
  }
  if (fs.existsSync(UNIX_WORLD)) {
    if (await unixAlive(UNIX_WORLD)) {
      throw new Error(`${UNIX_WORLD} belongs to a live server of another process; the examples need this path`);
    }
    fs.unlinkSync(UNIX_WORLD);
  }
}

// ---------------------------------------------------------------------------------------------
// Cross-process lock: two runs of the examples (e.g. `npm test` and a single-file run started by
// someone else) would fight over the fixed ports and /tmp/app.world; the second one waits.

const LOCK = path.join(os.tmpdir(), 'node-ipc-native-examples.lock');

function pidAlive(pid) {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

function lockOwner() {
  try {
    return Number(fs.readFileSync(LOCK, 'utf8'));
  } catch (e) {
    return null;
  }
}

/**
 * Take the examples lock (waiting while another live process holds it). Resolves with a
 * release function (also run on process exit).
 */
async function acquireExamplesLock(timeoutMs = 240000) {
  const started = Date.now();
  const mine = `${LOCK}.${process.pid}`;
  fs.writeFileSync(mine, String(process.pid)); // complete content before the atomic link
  try {
    for (;;) {
      try {
        fs.linkSync(mine, LOCK);
        break;
      } catch (e) {
        if (e.code !== 'EEXIST') throw e;
      }
      const owner = lockOwner();
      if (owner !== null && !pidAlive(owner)) {
        unlinkQuiet(LOCK); // left by a process that died
        continue;
      }
      if (Date.now() - started > timeoutMs) {
        throw new Error(`another run of the examples (pid ${owner}, lock ${LOCK}) did not finish within ${timeoutMs} ms`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  } finally {
    unlinkQuiet(mine);
  }
  const release = () => {
    if (lockOwner() === process.pid) unlinkQuiet(LOCK);
    process.removeListener('exit', release);
  };
  process.on('exit', release);
  return release;
}

/** Parse `<Buffer 68 65 ...>` occurrences of a line into one Buffer (concatenated). */
function buffersIn(line) {
  const out = [];
  for (const m of line.matchAll(/<Buffer((?: [0-9a-f]{2})*)>/g)) {
    out.push(Buffer.from(m[1].trim().split(' ').filter(Boolean).map((x) => parseInt(x, 16))));
  }
  return out;
}

module.exports = {
  COMPAT_EXAMPLES,
  UNIX_WORLD,
  PORTS,
  HAVE_PROC,
  stripAnsi,
  text,
  says,
  compatVersion,
  layoutExamples,
  variantOf,
  runExample,
  waitListening,
  ensureFixedEndpointsFree,
  acquireExamplesLock,
  LOCK,
  tcpListening,
  udpBound,
  unixListening,
  buffersIn,
};
