'use strict';
// `npm test`: builds the addon if needed, then runs the Rust tests, a short fuzzing run,
// every node:test suite in __test__/, and the connection-level suites again on the tokio
// driver. Fails on the first failing step.

const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');

function run(cmd, args, env = {}) {
  const prefix = Object.entries(env).map(([k, v]) => `${k}=${v} `).join('');
  console.log(`\n$ ${prefix}${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  if (r.status !== 0) {
    console.error(`\n${cmd} ${args.join(' ')} failed (${r.signal || r.status})`);
    process.exit(r.status || 1);
  }
}

const addonBuilt = fs.readdirSync(root).some((f) => f.endsWith('.node')) &&
  fs.existsSync(path.join(root, 'binding.js'));
if (!addonBuilt) run('npm', ['run', 'build']);

run('cargo', ['test', '--workspace']);
// The crate as Rust users build it: every feature (the workspace run above has the
// addon's set: embed, tls, udp — not codec).
run('cargo', ['test', '-p', 'node-ipc-tokio', '--all-features']);

// The frame decoder and message parsing under libFuzzer, briefly (20 s per target; the
// committed corpus in fuzz/corpus is replayed first). `npm run fuzz -- --seconds 600`
// runs longer.
run(process.execPath, [path.join('scripts', 'fuzz.js'), '--seconds', '20']);

const suites = fs.readdirSync(path.join(root, '__test__'))
  .filter((f) => f.endsWith('.test.js'))
  .sort()
  .map((f) => path.join('__test__', f));
run(process.execPath, ['--test', '--test-concurrency=2', ...suites]);

// Plain connections are driven on the JavaScript thread by default; hosts without libuv
// (and TLS connections everywhere) use the tokio driver. These suites run again on it.
const TOKIO_SUITES = ['interop', 'request', 'wire-bytes', 'limits', 'fixes', 'client-state', 'raw-buffer', 'sync', 'udp', 'backpressure', 'hostile-frames', 'peer-credentials', 'faults', 'socket-parity', 'real-world', 'error-shape']
  .map((name) => path.join('__test__', `${name}.test.js`));
run(process.execPath, ['--test', '--test-concurrency=2', ...TOKIO_SUITES], { NODE_IPC_NATIVE_DRIVER: 'tokio' });
