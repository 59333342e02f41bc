'use strict';
/**
 * Child-process peers speaking a JSON-line protocol.
 *
 * A fixture prints one JSON object per line on stdout (what it observes, e.g.
 * {"ev":"message","type":"hello","data":{...}}) and reads JSON commands, one per line, on stdin.
 * spawnPeer() starts `node <script>` and returns a Peer that collects those lines and lets a
 * test wait for them with hard timeouts. Every spawned child is tracked and killed by cleanup,
 * whether the test passed or not.
 */
const path = require('path');
const util = require('util');
const { spawn } = require('child_process');
const { implPath } = require('./impl');
const { WAIT_SCALE } = require('./platform');

const FIXTURES = path.join(__dirname, '..', 'fixtures');
const DEFAULT_TIMEOUT = 5000;

const livePeers = new Set();
let nextRid = 1;

/**
 * A line predicate: a function, an event name (matches line.ev), or an object whose every key
 * must deep-equal the line's value for that key.
 */
function toPredicate(p) {
  if (typeof p === 'function') return p;
  if (typeof p === 'string') return (l) => l.ev === p;
  if (p && typeof p === 'object') {
    return (l) => Object.keys(p).every((k) => util.isDeepStrictEqual(l[k], p[k]));
  }
  throw new TypeError('predicate must be a function, an event name or an object pattern');
}

function describePredicate(p) {
  if (typeof p === 'function') return p.name ? `fn ${p.name}` : String(p).slice(0, 120);
  return JSON.stringify(p);
}

class Peer {
  constructor(child, name) {
    this.child = child;
    this.name = name;
    this.lines = [];
    this.stderr = '';
    this.exitInfo = null;
    this._waiters = new Set();
    this._partial = '';
    this.exited = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        this._push({ ev: '$exit', code, signal });
        livePeers.delete(this);
        for (const w of this._waiters) w.onExit();
        resolve(this.exitInfo);
      });
    });
    child.on('error', (err) => {
      this._push({ ev: '$spawn-error', message: err.message });
    });
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      const text = this._partial + chunk;
      const parts = text.split('\n');
      this._partial = parts.pop();
      for (const line of parts) {
        if (line === '') continue;
        let obj;
        try {
          obj = JSON.parse(line);
        } catch (e) {
          obj = { ev: '$raw', line };
        }
        if (obj === null || typeof obj !== 'object') obj = { ev: '$raw', line };
        this._push(obj);
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk) => {
      // Keep the tail only; enough for diagnostics.
      this.stderr = (this.stderr + chunk).slice(-20000);
    });
    if (child.stdin) child.stdin.on('error', () => {}); // EPIPE after the child exited
  }

  get pid() {
    return this.child.pid;
  }

  _push(obj) {
    this.lines.push(obj);
    for (const w of [...this._waiters]) w.check();
  }

  /** Index to pass as {from} so that only lines arriving after now are considered. */
  mark() {
    return this.lines.length;
  }

  /** Lines (optionally only those matching p, from index `from`). */
  events(p, from = 0) {
    const pred = p === undefined ? () => true : toPredicate(p);
    return this.lines.slice(from).filter(pred);
  }

  /** Send a command object (or a raw string) as one line on the child's stdin. */
  send(cmd) {
    const line = typeof cmd === 'string' ? cmd : JSON.stringify(cmd);
    if (!this.child.stdin || this.child.stdin.destroyed) {
      throw new Error(`${this.name}: stdin is not available`);
    }
    this.child.stdin.write(line + '\n');
  }

  /**
   * Send a command tagged with a fresh request id and wait for the reply line carrying the
   * same rid (fixtures echo `rid` on the line that completes the command).
   */
  async request(cmd, timeoutMs = DEFAULT_TIMEOUT) {
    const rid = nextRid++;
    const from = this.mark();
    this.send({ ...cmd, rid });
    return this.waitFor((l) => l.rid === rid, timeoutMs, { from });
  }

  /** Resolve with the first line matching p at index >= from (already received lines count). */
  waitFor(p, timeoutMs = DEFAULT_TIMEOUT, { from = 0 } = {}) {
    return this.waitForCount(p, 1, timeoutMs, { from }).then((ls) => ls[0]);
  }

  /** Resolve with the first n lines matching p at index >= from. */
  waitForCount(p, n, timeoutMs = DEFAULT_TIMEOUT, { from = 0 } = {}) {
    const pred = toPredicate(p);
    const what = `${n} x ${describePredicate(p)}`;
    return new Promise((resolve, reject) => {
      const w = {
        check: () => {
          const found = [];
          for (let i = from; i < this.lines.length && found.length < n; i++) {
            if (pred(this.lines[i])) found.push(this.lines[i]);
          }
          if (found.length >= n) {
            done();
            resolve(found);
          }
        },
        onExit: () => {
          w.check();
          if (this._waiters.has(w)) {
            done();
            reject(this._failure(`exited (${JSON.stringify(this.exitInfo)}) while waiting for ${what}`));
          }
        },
      };
      const timer = setTimeout(() => {
        done();
        reject(this._failure(`timed out after ${timeoutMs * WAIT_SCALE} ms waiting for ${what}`));
      }, timeoutMs * WAIT_SCALE);
      const done = () => {
        clearTimeout(timer);
        this._waiters.delete(w);
      };
      this._waiters.add(w);
      w.check();
      if (this.exitInfo && this._waiters.has(w)) w.onExit();
    });
  }

  /** Wait for the child to exit by itself. */
  waitExit(timeoutMs = DEFAULT_TIMEOUT) {
    if (this.exitInfo) return Promise.resolve(this.exitInfo);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(this._failure(`did not exit within ${timeoutMs * WAIT_SCALE} ms`)),
        timeoutMs * WAIT_SCALE
      );
      this.exited.then((info) => {
        clearTimeout(timer);
        resolve(info);
      });
    });
  }

  _failure(message) {
    const tail = this.lines
      .slice(-25)
      .map((l) => '    ' + JSON.stringify(l).slice(0, 400))
      .join('\n');
    const err = new Error(
      `${this.name} (pid ${this.pid}): ${message}\n  last lines:\n${tail}\n  stderr tail:\n${this.stderr.slice(-3000)}`
    );
    return err;
  }

  /** Kill the child (SIGKILL by default) and wait until it is gone. */
  async kill(signal = 'SIGKILL') {
    if (!this.exitInfo) {
      try {
        this.child.kill(signal);
      } catch (e) {
        /* already gone */
      }
    }
    await Promise.race([this.exited, new Promise((r) => setTimeout(r, 3000).unref())]);
    return this.exitInfo;
  }
}

/**
 * Start `node <script> [...args]` as a peer.
 * @param {string} script absolute path, or a file name inside __test__/fixtures
 * @param {Array<string|object>} args objects are passed as JSON strings
 * @param {object} [opts]
 * @param {string} [opts.impl] 'native' | 'node-ipc' -> IPC_IMPL for the fixture
 * @param {object} [opts.env] extra environment
 * @param {boolean} [opts.stdin=true] false: the child gets no stdin (lifetime tests)
 * @param {string} [opts.name] label in diagnostics
 * @param {string} [opts.cwd]
 */
function spawnPeer(script, args = [], opts = {}) {
  const file = path.isAbsolute(script) ? script : path.join(FIXTURES, script);
  const env = { ...process.env, ...(opts.env || {}) };
  if (opts.impl) {
    implPath(opts.impl); // validate early (and enforce the reference version)
    env.IPC_IMPL = opts.impl;
  }
  const argv = args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a)));
  // `prefix` runs node through another command that execs it (e.g. `ip netns exec ns`),
  // so the child's pid is still node's.
  // `exec` runs a program instead of a node fixture (the Rust peers): `script` is its path.
  const [command, ...before] = opts.exec ? [file] : opts.prefix ? [...opts.prefix, process.execPath] : [process.execPath];
  const child = spawn(command, opts.exec ? argv : [...before, file, ...argv], {
    env,
    cwd: opts.cwd,
    stdio: [opts.stdin === false ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  const peer = new Peer(child, opts.name || `${path.basename(file)}[${opts.impl || env.IPC_IMPL || 'native'}]`);
  livePeers.add(peer);
  return peer;
}

async function killAllPeers() {
  await Promise.all([...livePeers].map((p) => p.kill()));
}

// Last resort: never leave children behind if the test process itself goes away.
process.on('exit', () => {
  for (const p of livePeers) {
    try {
      p.child.kill('SIGKILL');
    } catch (e) {
      /* ignore */
    }
  }
});

module.exports = { spawnPeer, killAllPeers, Peer, toPredicate, livePeers, DEFAULT_TIMEOUT };
