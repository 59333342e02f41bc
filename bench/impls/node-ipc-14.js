'use strict';
// node-ipc 14 (the current pure-JS release; ESM only), installed as the devDependency
// alias `node-ipc-14` (npm:node-ipc@14.0.0). Loaded with import(); its default export is
// the singleton, used exactly like the 9.x one.
//
// Configuration, so that it runs the same scenarios over the same endpoints:
// * Unix sockets: 14 keeps its socket files in an owner-only `socketRoot` (by default a
//   per-user directory, $XDG_RUNTIME_DIR/node-ipc or os.tmpdir()/node-ipc-<uid>) and, for
//   a path inside that root, creates/verifies it (and chmods it to 0700). The bench puts
//   every implementation's sockets in its own 0700 directory, os.tmpdir()/nipc-bench-<pid>
//   (bench/lib/transports.js), and sets socketRoot to that directory: same path as the
//   other implementations, and 14's ownership check passes instead of being disabled.
// * parser 'fast' (14's default: JSON {type, data} + '\f', the same bytes as 9.x) and
//   identifyPeer false (14's default; 9.x read data.id of every payload).
// * 14 calls setNoDelay(true) on its TCP sockets (both sides), like node-ipc-native and
//   unlike 9.2.1 and the net floor.
// * 14 declares engines node >= 22.13; whether it runs on the Node running the bench is
//   checked per scenario by the runs themselves (a failure shows in the table).

const path = require('path');
const { makeIpcAdapter } = require('./ipc-api');

// Its exports map does not expose package.json: read it next to the resolved entry point.
function packageJson() {
  try {
    const fs = require('fs');
    const entry = require.resolve('node-ipc-14');
    return JSON.parse(fs.readFileSync(path.join(path.dirname(entry), 'package.json'), 'utf8'));
  } catch (_) {
    return null;
  }
}

function installedVersion() {
  const pkg = packageJson();
  return pkg ? pkg.version : null;
}

function declaredEngines() {
  const pkg = packageJson();
  return pkg && pkg.engines ? pkg.engines.node : null;
}

const version = installedVersion();

module.exports = {
  key: 'node-ipc-14',
  label: `node-ipc ${version || '14 (missing)'}`,
  short: `node-ipc ${version || '14'}`,
  version,
  engines: declaredEngines(),
  transports: ['unix', 'tcp', 'udp'],
  unavailable: version ? null : 'node-ipc-14 is not installed (npm install)',
  ...makeIpcAdapter(
    async () => (await import('node-ipc-14')).default,
    (ipc, endpoint) => {
      ipc.config.parser = 'fast';
      ipc.config.identifyPeer = false;
      if (endpoint.kind === 'unix') ipc.config.socketRoot = path.dirname(endpoint.path) + path.sep;
    },
  ),
};
