'use strict';
// `npm test`: builds the addon if needed, then runs the Rust tests and every node:test
// suite in __test__/. Fails on the first failing step.

const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');

function run(cmd, args) {
  console.log(`\n$ ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`\n${cmd} ${args.join(' ')} failed (${r.signal || r.status})`);
    process.exit(r.status || 1);
  }
}

const addonBuilt = fs.readdirSync(root).some((f) => f.endsWith('.node')) &&
  fs.existsSync(path.join(root, 'binding.js'));
if (!addonBuilt) run('npm', ['run', 'build']);

run('cargo', ['test', '--workspace']);

const suites = fs.readdirSync(path.join(root, '__test__'))
  .filter((f) => f.endsWith('.test.js'))
  .sort()
  .map((f) => path.join('__test__', f));
run(process.execPath, ['--test', '--test-concurrency=2', ...suites]);
