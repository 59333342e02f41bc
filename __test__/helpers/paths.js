'use strict';
/**
 * Unique unix socket paths and free TCP ports for tests. Every path handed out is recorded so
 * that cleanup can unlink it even when a test fails.
 */
const fs = require('fs');
const os = require('os');
const net = require('net');
const path = require('path');
const crypto = require('crypto');
const { IS_WINDOWS } = require('./platform');

const created = new Set();
let counter = 0;

// sun_path is 108 bytes on Linux and 104 on macOS; keep far below both.
const MAX_SOCKET_PATH = 90;

/**
 * Short unique socket path under os.tmpdir(), e.g. /tmp/nipc-srv-1234-3-9f2a.sock. On Windows
 * a path as node-ipc users write it there (`/tmp/...`, node-ipc's default socketRoot), which
 * the package turns into a pipe name.
 */
function uniqueSocketPath(tag = 's') {
  const safe = String(tag).replace(/[^A-Za-z0-9_-]/g, '').slice(0, 10) || 's';
  counter += 1;
  const rnd = crypto.randomBytes(3).toString('hex');
  const name = `nipc-${safe}-${process.pid}-${counter}-${rnd}.sock`;
  const p = IS_WINDOWS ? path.posix.join('/tmp', name) : path.join(os.tmpdir(), name);
  if (Buffer.byteLength(p) > MAX_SOCKET_PATH) {
    throw new Error(`socket path too long (${Buffer.byteLength(p)} bytes): ${p}`);
  }
  created.add(p);
  return p;
}

/** Record an externally computed path (e.g. serve()'s default path) for cleanup. */
function trackPath(p) {
  created.add(p);
  return p;
}

function unlinkQuiet(p) {
  try {
    fs.unlinkSync(p);
  } catch (e) {
    if (e.code !== 'ENOENT') throw e;
  }
}

function cleanupPaths(paths = created) {
  for (const p of [...paths]) {
    unlinkQuiet(p);
    created.delete(p);
  }
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

module.exports = { uniqueSocketPath, trackPath, cleanupPaths, unlinkQuiet, freePort, createdPaths: created };
