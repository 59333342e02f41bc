'use strict';
// Runs one (implementation, scenario) measurement: a server child, then the client
// child(ren) (scenario.clients, default 1) connecting to the endpoint the server
// reports, every result collected from stdout,
// everything killed and the endpoint released afterwards, a hard timeout over it all.
// Every child and endpoint ever created is also cleaned up if the parent exits early.

const { spawn } = require('child_process');
const path = require('path');
const { createLineReader } = require('./protocol');
const { removeSocketDir } = require('./transports');

const CHILD = path.join(__dirname, '..', 'child.js');
const STDERR_KEEP = 4000;
const EXIT_GRACE_MS = 2000;
const BIND_ATTEMPTS = 3;

const live = new Set(); // children not yet exited
const endpoints = new Set(); // [transport, endpoint] not yet released

class Child {
  constructor(spec, onMessage, onExit) {
    this.role = spec.role;
    this.stderr = '';
    this.exited = false;
    this.proc = spawn(process.execPath, [CHILD, JSON.stringify(spec)], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    live.add(this);
    this.proc.stdout.setEncoding('utf8');
    this.proc.stdout.on('data', createLineReader(onMessage));
    this.proc.stderr.setEncoding('utf8');
    this.proc.stderr.on('data', (chunk) => {
      this.stderr = (this.stderr + chunk).slice(-STDERR_KEEP);
    });
    this.proc.stdin.on('error', () => {}); // EPIPE once the child is gone
    this.exitedPromise = new Promise((resolve) => {
      this.proc.on('exit', (code, signal) => {
        this.exited = true;
        live.delete(this);
        onExit(code, signal);
        resolve();
      });
    });
  }

  /** Asks the child to exit (closes its stdin), kills it if it has not within the grace. */
  async stop() {
    if (this.exited) return;
    this.proc.stdin.end();
    const timer = setTimeout(() => this.kill(), EXIT_GRACE_MS);
    await this.exitedPromise;
    clearTimeout(timer);
  }

  kill() {
    if (!this.exited) {
      try { this.proc.kill('SIGKILL'); } catch (_) { /* gone */ }
    }
  }
}

/**
 * One run. Resolves to { ok, error?, timeout?, server, client, clients } where server is
 * the server child's result message, clients the client children's (client = clients[0]);
 * never rejects.
 */
async function runOnce(args) {
  // A port probed free by the parent can still be taken by someone else before the
  // server child binds it (other processes on the machine): draw another one.
  for (let attempt = 1; ; attempt++) {
    const outcome = await runAttempt(args); // eslint-disable-line no-await-in-loop
    if (outcome.ok || attempt >= BIND_ATTEMPTS || !/EADDRINUSE/.test(`${outcome.error} ${outcome.detail || ''}`)) return outcome;
    process.stderr.write(`  (port taken between probe and bind, retrying with another one: ${outcome.error})\n`);
  }
}

async function runAttempt({ impl, scenario, transport, params, timeoutMs }) {
  let endpoint;
  try {
    endpoint = await transport.allocate();
  } catch (err) {
    return { ok: false, error: `no endpoint: ${err.message}` };
  }
  const entry = [transport, endpoint];
  endpoints.add(entry);
  const children = [];
  let timer = null;
  let outcome = null;
  try {
    outcome = await new Promise((resolve) => {
      const nClients = scenario.clients || 1;
      const results = { server: null, clients: new Array(nClients).fill(null) };
      let clientResults = 0;
      let done = false;
      const settle = (value) => {
        if (done) return;
        done = true;
        resolve(value);
      };
      timer = setTimeout(() => settle({ ok: false, timeout: true, error: `timed out after ${timeoutMs / 1000} s` }), timeoutMs);

      const base = { impl: impl.key, scenario: scenario.name, params, clients: nClients };
      const name = (child) => (child.role === 'client' && nClients > 1 ? `client ${child.index}` : child.role);
      const haveResult = (child) => (child.role === 'server' ? results.server !== null : results.clients[child.index] !== null);
      const onMessage = (child) => (msg) => {
        if (msg.kind === 'error') {
          settle({ ok: false, error: `${name(child)}: ${firstLine(msg.message)}`, detail: msg.message });
        } else if (msg.kind === 'ready' && child.role === 'server') {
          for (let k = 0; k < nClients; k++) startClient(msg.endpoint, k);
        } else if (msg.kind === 'result' && !haveResult(child)) {
          if (!msg.ok) {
            // A side that gave up already (integrity error): no point waiting for the others.
            settle({ ok: false, error: `${name(child)}: ${msg.error}` });
            return;
          }
          if (child.role === 'server') results.server = msg;
          else {
            results.clients[child.index] = msg;
            clientResults++;
          }
          if (results.server && clientResults === nClients) {
            settle({ ok: true, server: results.server, client: results.clients[0], clients: results.clients });
          }
        }
      };
      const onExit = (child) => (code, signal) => {
        if (!haveResult(child)) {
          const tail = child.stderr.trim().split('\n').slice(-3).join(' | ');
          settle({ ok: false, error: `${name(child)} exited (${signal || code}) without a result${tail ? `: ${tail}` : ''}` });
        }
      };
      const make = (spec) => {
        const child = new Child(spec, (msg) => onMessage(child)(msg), (c, s) => onExit(child)(c, s));
        child.index = spec.clientIndex || 0;
        children.push(child);
        return child;
      };
      function startClient(actual, index) {
        if (done) return;
        make({ ...base, role: 'client', clientIndex: index, endpoint: actual });
      }
      make({ ...base, role: 'server', endpoint });
    });
    if (!outcome.ok) return outcome;
    const errors = [outcome.server, ...outcome.clients].filter((r) => !r.ok)
      .map((r) => `${r.role}${outcome.clients.length > 1 && r.role === 'client' ? ` ${r.index}` : ''}: ${r.error}`);
    if (errors.length) return { ok: false, error: errors.join('; '), server: outcome.server, client: outcome.client, clients: outcome.clients };
    return outcome;
  } finally {
    clearTimeout(timer);
    if (!outcome || outcome.timeout) children.forEach((c) => c.kill());
    await Promise.all(children.map((c) => c.stop()));
    transport.release(endpoint);
    endpoints.delete(entry);
  }
}

/** The first line of an error's stack; for a "file:line" header (SyntaxError), the error line. */
function firstLine(text) {
  const lines = String(text).split('\n');
  if (/^\S+:\d+$/.test(lines[0])) {
    const error = lines.find((l) => /^\w*Error\b/.test(l));
    if (error) return `${error} (${lines[0]})`;
  }
  return lines[0];
}

/** Synchronous last-resort cleanup: kill every live child, release every endpoint. */
function cleanupAll() {
  for (const child of live) child.kill();
  for (const [transport, endpoint] of endpoints) transport.release(endpoint);
  endpoints.clear();
  removeSocketDir();
}

let installed = false;
function installExitHandlers() {
  if (installed) return;
  installed = true;
  process.on('exit', cleanupAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      cleanupAll();
      process.exit(128 + ({ SIGHUP: 1, SIGINT: 2, SIGTERM: 15 })[signal]);
    });
  }
}

module.exports = { runOnce, cleanupAll, installExitHandlers };
