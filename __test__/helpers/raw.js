'use strict';
/**
 * Plain `net` endpoints living in the test process: a byte-capturing server (wire comparison)
 * and a raw client (hand-written frames, malformed input). Both are tracked for cleanup.
 */
const net = require('net');
const { localName, WAIT_SCALE } = require('./platform');

const DEFAULT_TIMEOUT = 5000;
const liveHandles = new Set();

/** Poll `fn` until it returns truthy; reject after timeoutMs. */
function waitUntil(fn, timeoutMs = DEFAULT_TIMEOUT, what = 'condition', intervalMs = 10) {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const tick = () => {
      let v;
      try {
        v = fn();
      } catch (e) {
        reject(e);
        return;
      }
      if (v) {
        resolve(v);
        return;
      }
      if (Date.now() - started > timeoutMs * WAIT_SCALE) {
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
        return;
      }
      setTimeout(tick, intervalMs);
    };
    tick();
  });
}

/** Wait for an event on an emitter with a hard timeout. */
function onceWithin(emitter, event, timeoutMs = DEFAULT_TIMEOUT) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      emitter.removeListener(event, handler);
      reject(new Error(`timed out after ${timeoutMs * WAIT_SCALE} ms waiting for '${event}'`));
    }, timeoutMs * WAIT_SCALE);
    function handler(...args) {
      clearTimeout(timer);
      resolve(args);
    }
    emitter.once(event, handler);
  });
}

/** Raw connection record shared by the client and the capture server. */
class RawConn {
  constructor(socket) {
    this.socket = socket;
    this.chunks = [];
    this.closed = false;
    this.hadError = null;
    this.errors = [];
    /** Whether the peer ended its side ('end' came) before the connection closed. */
    this.ended = false;
    socket.on('data', (b) => this.chunks.push(b));
    socket.on('end', () => {
      this.ended = !this.closed;
    });
    socket.on('error', (e) => this.errors.push(e));
    this.closedPromise = new Promise((resolve) => {
      socket.on('close', (hadError) => {
        this.closed = true;
        this.hadError = hadError;
        resolve(hadError);
      });
    });
  }

  get bytes() {
    return Buffer.concat(this.chunks);
  }

  get text() {
    return this.bytes.toString('utf8');
  }

  write(data) {
    return new Promise((resolve, reject) => {
      this.socket.write(data, (err) => (err ? reject(err) : resolve()));
    });
  }

  /** Wait until the captured bytes satisfy pred(bytes) (or contain n bytes when given a number). */
  waitBytes(pred, timeoutMs = DEFAULT_TIMEOUT) {
    const test = typeof pred === 'number' ? (b) => b.length >= pred : pred;
    return waitUntil(() => test(this.bytes) && this.bytes, timeoutMs, `bytes (have ${this.bytes.length})`, 5).catch(
      (e) => {
        e.message += `; captured so far (${this.bytes.length} bytes): ${JSON.stringify(this.text.slice(0, 500))}`;
        throw e;
      }
    );
  }

  /** Wait for the connection to close. Resolves with hadError. */
  waitClose(timeoutMs = DEFAULT_TIMEOUT) {
    return Promise.race([
      this.closedPromise,
      new Promise((_, reject) =>
        setTimeout(() => reject(new Error(`connection did not close within ${timeoutMs * WAIT_SCALE} ms`)), timeoutMs * WAIT_SCALE).unref()
      ),
    ]);
  }

  end() {
    this.socket.end();
  }

  destroy() {
    this.socket.destroy();
  }
}

/** Connect a raw client to a unix socket path (or {port, host}). */
async function rawConnect(target, timeoutMs = DEFAULT_TIMEOUT) {
  const opts = typeof target === 'string' ? { path: localName(target) } : target;
  const socket = net.connect(opts);
  const conn = new RawConn(socket);
  liveHandles.add(socket);
  socket.on('close', () => liveHandles.delete(socket));
  await Promise.race([
    onceWithin(socket, 'connect', timeoutMs),
    onceWithin(socket, 'error', timeoutMs).then(([e]) => {
      throw e;
    }),
  ]);
  return conn;
}

/**
 * A plain net server capturing every connection's bytes.
 * @param {string|{port:number, host?:string}} listenPath unix path or TCP listen options
 */
async function captureServer(listenPath) {
  const conns = [];
  const waiters = [];
  const server = net.createServer((socket) => {
    const c = new RawConn(socket);
    liveHandles.add(socket);
    socket.on('close', () => liveHandles.delete(socket));
    conns.push(c);
    for (const w of waiters.splice(0)) w();
  });
  liveHandles.add(server);
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(typeof listenPath === 'string' ? localName(listenPath) : listenPath, resolve);
  });
  return {
    server,
    conns,
    /** Resolve with the n-th accepted connection (0-based). */
    connection(n = 0, timeoutMs = DEFAULT_TIMEOUT) {
      return waitUntil(() => conns[n], timeoutMs, `connection #${n}`);
    },
    close() {
      for (const c of conns) c.destroy();
      liveHandles.delete(server);
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

function closeAllRaw() {
  for (const h of [...liveHandles]) {
    try {
      if (typeof h.destroy === 'function') h.destroy();
      else if (typeof h.close === 'function') h.close();
    } catch (e) {
      /* ignore */
    }
    liveHandles.delete(h);
  }
}

/** Hex dump "7b 22 ..." for comparisons against CONTRACT's worked examples. */
function hexSpaced(buf) {
  return Buffer.from(buf).toString('hex').replace(/(..)(?!$)/g, '$1 ');
}

/** Parse a CONTRACT-style hex dump (whitespace separated) to a Buffer. */
function fromHexDump(text) {
  return Buffer.from(text.replace(/\s+/g, ''), 'hex');
}

module.exports = { waitUntil, onceWithin, rawConnect, captureServer, closeAllRaw, RawConn, hexSpaced, fromHexDump };
