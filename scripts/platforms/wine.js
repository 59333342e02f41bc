'use strict';
// Runs the official Windows node.exe under wine 8 (Debian's wine64), in a prefix of the
// project's own (.platforms/wine). Setting the prefix up once:
//   - `winecfg -v win10`: a new prefix reports Windows 7, which Node 20 refuses;
//   - bcryptprimitives.dll: wine 8 has none, and Rust's std imports ProcessPrng from it
//     (processprng.c is a stand-in, built here with mingw-w64, copied into system32).
// node.exe dies with `open EBADF` when its stdout is a Unix pipe, so its output goes to files.

const fs = require('fs');
const path = require('path');
const { spawn, spawnSync } = require('child_process');
const { cache, run, mkdirp } = require('./common');
const { nodeBinary } = require('./node-bins');

const WINE = '/usr/lib/wine/wine64';
const prefix = path.join(cache, 'wine');

function env(extra = {}) {
  return {
    ...process.env,
    WINEPREFIX: prefix,
    WINEDEBUG: '-all',
    WINEDLLOVERRIDES: 'mscoree,mshtml=',
    ...extra,
  };
}

/** Creates and prepares the prefix if it is not ready; returns the path of node.exe. */
function setup() {
  const exe = nodeBinary('win32-x64-msvc');
  const ready = path.join(prefix, '.nipc-ready');
  if (fs.existsSync(ready)) return exe;
  if (!fs.existsSync(WINE)) throw new Error(`${WINE} not found (run scripts/platforms/toolchain.sh)`);
  mkdirp(prefix);
  run(WINE, ['winecfg', '-v', 'win10'], { env: env() });
  const dll = path.join(cache, 'bcryptprimitives.dll');
  run('x86_64-w64-mingw32-gcc', ['-shared', '-O2', '-o', dll,
    path.join(__dirname, 'processprng.c'), path.join(__dirname, 'processprng.def'), '-lbcrypt']);
  fs.copyFileSync(dll, path.join(prefix, 'drive_c', 'windows', 'system32', 'bcryptprimitives.dll'));
  run('/usr/lib/wine/wineserver', ['-w'], { env: env() });
  fs.writeFileSync(ready, '');
  return exe;
}

/**
 * Runs node.exe with `args` under wine; stdout and stderr go to `out` (a file path).
 * Resolves with { code, output }.
 */
function runNode(args, { cwd, out, extraEnv = {}, timeoutMs = 0 } = {}) {
  const exe = setup();
  const fd = fs.openSync(out, 'w');
  return new Promise((resolve) => {
    const child = spawn(WINE, [exe, ...args], { cwd, env: env(extraEnv), stdio: ['ignore', fd, fd] });
    fs.closeSync(fd);
    let timer = null;
    if (timeoutMs) timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code: code === null ? signal : code, output: fs.readFileSync(out, 'utf8') });
    });
  });
}

/** Ends the prefix's wineserver and every Windows process left in it (none running: fine). */
function stop() {
  if (fs.existsSync(prefix)) spawnSync('/usr/lib/wine/wineserver', ['-k'], { env: env(), stdio: 'ignore' });
}

module.exports = { setup, runNode, stop, prefix };

if (require.main === module) {
  console.log(`node.exe: ${setup()}`);
}
