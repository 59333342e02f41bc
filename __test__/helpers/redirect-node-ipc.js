'use strict';
/**
 * Makes third-party programs loaded UNCHANGED from node_modules use this package: while this
 * module is loaded (require it first, or `node -r`), `require('node-ipc')` and
 * `require('@achrinza/node-ipc')` (these exact ids, from any file; also `require.resolve`)
 * resolve to the implementation that 'native' means in helpers/impl.js: the repository root
 * (index.js), or node-ipc 9.2.1 with OUR_IMPL=node-ipc (the harness check).
 *
 * Nothing else is redirected: a deep import such as `<package dir>/entities/EventParser`
 * resolves on disk like any path, so a program that reaches into node-ipc's files finds
 * what this package really ships. The one exception is opt-in: with
 * NIPC_REDIRECT_EVENTPARSER=node-ipc-9.2.1 in the environment, `<target dir>/entities/EventParser`
 * (which this package does not ship) is served by node-ipc 9.2.1's own file from node_modules
 * (its message formatter, pure JavaScript), so that the rest of a program that deep-imports it
 * can still be run against the package; `report().shimmed` lists such resolutions.
 *
 * `report()` says what happened, so that a test can prove the redirect took place: the
 * redirected (request, requiring file) pairs (Node caches a resolution per directory, so a
 * second file of the same directory may not appear), `users`: every loaded module that has
 * the target among its children (each file that required it, cached or not), and `foreign`:
 * node-ipc files loaded from anywhere but the target (there must be none).
 *
 * Used by the fixtures of real-world.test.js. Must not require helpers/index.js (node:test hooks).
 */
const Module = require('module');
const path = require('path');
const { implPath, ROOT } = require('./impl');

const REDIRECTED_IDS = new Set(['node-ipc', '@achrinza/node-ipc']);
const TARGET = require.resolve(implPath('native'));

const EVENT_PARSER = path.join(path.dirname(TARGET), 'entities', 'EventParser');
const EVENT_PARSER_SHIM =
  process.env.NIPC_REDIRECT_EVENTPARSER === 'node-ipc-9.2.1'
    ? require.resolve(path.join(implPath('node-ipc'), 'entities', 'EventParser'))
    : null;

const redirects = [];
const shimmed = [];
const originalResolve = Module._resolveFilename;

Module._resolveFilename = function resolveWithRedirect(request, parent, isMain, options) {
  if (REDIRECTED_IDS.has(request)) {
    const from = parent && parent.filename ? parent.filename : null;
    if (!redirects.some((r) => r.request === request && r.from === from)) {
      redirects.push({ request, from, to: TARGET });
    }
    return TARGET;
  }
  if (EVENT_PARSER_SHIM && (request === EVENT_PARSER || request === `${EVENT_PARSER}.js`)) {
    const from = parent && parent.filename ? parent.filename : null;
    if (!shimmed.some((r) => r.request === request && r.from === from)) {
      shimmed.push({ request, from, to: EVENT_PARSER_SHIM });
    }
    return EVENT_PARSER_SHIM;
  }
  return originalResolve.call(this, request, parent, isMain, options);
};

/** Files of node-ipc / @achrinza/node-ipc loaded in this process that are not the target's. */
function foreignNodeIpcFiles() {
  const targetDir = path.dirname(TARGET) + path.sep;
  const NODE_IPC_FILE = /(^|[\\/])node_modules[\\/](node-ipc|@achrinza[\\/]node-ipc|@node-ipc[\\/][^\\/]+)[\\/]/;
  // Within the target's own directory only its node_modules count (the repository root holds
  // the reference node-ipc in node_modules).
  return Object.keys(require.cache).filter((f) => NODE_IPC_FILE.test(f.startsWith(targetDir) ? f.slice(targetDir.length) : f));
}

/** Paths relative to the repository root (stable across machines). */
function rel(f) {
  return f ? path.relative(ROOT, f).split(path.sep).join('/') : f;
}

function report() {
  const users = Object.values(require.cache)
    .filter((m) => m && m.children && m.children.some((c) => c.filename === TARGET))
    .map((m) => rel(m.filename))
    .sort();
  return {
    target: rel(TARGET),
    redirects: redirects.map((r) => ({ request: r.request, from: rel(r.from), to: rel(r.to) })),
    users,
    shimmed: shimmed.map((r) => ({ request: rel(r.request), from: rel(r.from), to: rel(r.to) })),
    foreign: foreignNodeIpcFiles().map(rel),
  };
}

module.exports = { TARGET, REDIRECTED_IDS, report };
