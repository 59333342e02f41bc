'use strict';
/**
 * Entry point of the cross-process test harness.
 *
 *   const h = require('./helpers');
 *   test('...', async (t) => {
 *     const s = h.scope(t);                       // cleanup bound to this test
 *     const path = s.socketPath('srv');
 *     const server = s.spawnPeer('server.js', [{ path }], { impl: 'node-ipc' });
 *     await server.waitFor('start');
 *   });
 *
 * Cleanup (kill children, close raw handles, unlink socket paths) runs in t.after for scoped
 * resources and, for everything else, in a file-level after() hook and on process exit.
 */
const { after } = require('node:test');
const implementations = require('./impl');
const values = require('./values');
const paths = require('./paths');
const peer = require('./peer');
const raw = require('./raw');
const platform = require('./platform');

async function cleanupEverything() {
  await peer.killAllPeers();
  raw.closeAllRaw();
  paths.cleanupPaths();
}

// File-level safety net (runs once after all tests of the file, pass or fail).
after(cleanupEverything);
process.on('exit', () => {
  try {
    raw.closeAllRaw();
    paths.cleanupPaths();
  } catch (e) {
    /* ignore */
  }
});

/**
 * Resources bound to one test: everything created through the scope is released in t.after,
 * even when the test fails or times out.
 */
function scope(t) {
  const peers = new Set();
  const ownPaths = new Set();
  const closers = [];
  t.after(async () => {
    await Promise.all([...peers].map((p) => p.kill()));
    for (const c of closers.splice(0)) {
      try {
        await c();
      } catch (e) {
        /* ignore */
      }
    }
    paths.cleanupPaths(ownPaths);
  });
  return {
    spawnPeer(script, args, opts) {
      const p = peer.spawnPeer(script, args, opts);
      peers.add(p);
      return p;
    },
    socketPath(tag) {
      const p = paths.uniqueSocketPath(tag);
      ownPaths.add(p);
      return p;
    },
    trackPath(p) {
      paths.trackPath(p);
      ownPaths.add(p);
      return p;
    },
    async rawConnect(target, timeoutMs) {
      const c = await raw.rawConnect(target, timeoutMs);
      closers.push(() => c.destroy());
      return c;
    },
    async captureServer(listenPath) {
      const cap = await raw.captureServer(listenPath);
      closers.push(() => cap.close());
      return cap;
    },
    /** Register an extra cleanup function. */
    defer(fn) {
      closers.push(fn);
    },
  };
}

/** One JSON frame as node-ipc writes it. */
function frame(type, data, delimiter = '\f') {
  return JSON.stringify({ type, data }) + delimiter;
}

/** The server fixture (fixtures/server.js) of implementation `impl`, bound to scope `s`. */
function serverPeer(s, opts, impl, spawnOpts = {}) {
  return s.spawnPeer('server.js', [opts], { impl, name: `server[${implementations.implLabel(impl)}]`, ...spawnOpts });
}

/** The client fixture (fixtures/client.js) of `impl`, connecting to service id 'srv' unless `opts.id`. */
function clientPeer(s, opts, impl, spawnOpts = {}) {
  return s.spawnPeer('client.js', [{ id: 'srv', ...opts }], { impl, name: `client[${implementations.implLabel(impl)}]`, ...spawnOpts });
}

/** Sleep: only for asserting the *absence* of events (there is nothing to wait for). */
function quietPeriod(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

module.exports = {
  ...implementations,
  ...values,
  ...paths,
  ...raw,
  ...platform,
  spawnPeer: peer.spawnPeer,
  killAllPeers: peer.killAllPeers,
  toPredicate: peer.toPredicate,
  scope,
  quietPeriod,
  frame,
  serverPeer,
  clientPeer,
  cleanupEverything,
};
