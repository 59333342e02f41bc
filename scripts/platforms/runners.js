'use strict';
// Runs a JS file on a platform's own Node: natively (linux-x64), under wine (win32-x64), or
// under qemu-user (linux-arm64). Output goes to a file (wine's node.exe cannot write to a
// Unix pipe) and is returned with the exit code.
//
// qemu: binfmt_misc is not registered (doing so would change the whole host), so an arm64
// process cannot exec another arm64 binary by itself. A preload (qemu-preload.js, through
// NODE_OPTIONS, inherited by every child) points process.execPath at a shell wrapper that
// runs `qemu-aarch64 node`; the kernel runs the wrapper natively. The arm64 libraries node
// needs (glibc, libstdc++) come from Debian's multiarch packages (toolchain.sh); qemu's -L
// with the cross sysroot instead made node spin at start.

const fs = require('fs');
const path = require('path');
const { spawn } = require('child_process');
const { cache, mkdirp } = require('./common');
const { nodeBinary } = require('./node-bins');
const wine = require('./wine');

/** The wrapper that runs the arm64 node under qemu; created once. */
function qemuWrapper() {
  const exe = nodeBinary('linux-arm64-gnu');
  const wrapper = path.join(mkdirp(path.join(cache, 'qemu')), 'node');
  const text = `#!/bin/sh\nexec qemu-aarch64 ${exe} "$@"\n`;
  if (!fs.existsSync(wrapper) || fs.readFileSync(wrapper, 'utf8') !== text) {
    fs.writeFileSync(wrapper, text, { mode: 0o755 });
  }
  return wrapper;
}

function spawnToFile(cmd, args, { cwd, out, env, timeoutMs }) {
  const fd = fs.openSync(out, 'w');
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', fd, fd] });
    fs.closeSync(fd);
    const timer = timeoutMs ? setTimeout(() => child.kill('SIGKILL'), timeoutMs) : null;
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code: code === null ? signal : code, output: fs.readFileSync(out, 'utf8') });
    });
  });
}

/**
 * Runs node with `args` for platform `suffix`; resolves with { code, output }.
 * @param {string} suffix  'linux-x64-gnu' | 'win32-x64-msvc' | 'linux-arm64-gnu'
 */
function runNode(suffix, args, { cwd, out, env = {}, timeoutMs = 0 }) {
  switch (suffix) {
    case 'linux-x64-gnu':
      return spawnToFile(process.execPath, args, { cwd, out, env, timeoutMs });
    case 'win32-x64-msvc':
      return wine.runNode(args, { cwd, out, extraEnv: env, timeoutMs });
    case 'linux-arm64-gnu': {
      const wrapper = qemuWrapper();
      const preload = path.join(__dirname, 'qemu-preload.js');
      return spawnToFile(wrapper, args, {
        cwd,
        out,
        timeoutMs,
        // The tests' waits are written for native speed; emulated node is several times slower.
        env: { NIPC_TEST_WAIT_SCALE: '4', ...env, NIPC_QEMU_NODE: wrapper, NODE_OPTIONS: `-r ${preload}` },
      });
    }
    default:
      throw new Error(`${suffix} cannot be run on this machine`);
  }
}

module.exports = { runNode };
