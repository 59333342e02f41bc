'use strict';
// Installs the packed main package and one platform package into an empty project, from the
// tarballs, the way a user's `npm install node-ipc-native` would lay them out, with no Rust
// toolchain (and no shell) on PATH; then runs smoke.js there on that platform's Node. The
// install runs on this machine's npm with `--os`/`--cpu`/`--libc` naming the target, which
// only decides which platform packages are acceptable: nothing is built or run at install.

const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');
const { cache, TARGETS, BINARY_NAME, mkdirp, run } = require('./common');
const { runNode } = require('./runners');

/** A PATH holding only `node`: no cargo, rustc, cc or sh. */
function bareBin() {
  const dir = mkdirp(path.join(cache, 'bare-bin'));
  const node = path.join(dir, 'node');
  if (!fs.existsSync(node)) fs.symlinkSync(process.execPath, node);
  return dir;
}

/** npm's own CLI script, to run with this node and the bare PATH. */
function npmCli() {
  const found = spawnSync('npm', ['root', '-g'], { encoding: 'utf8' });
  const cli = path.join(found.stdout.trim(), 'npm', 'bin', 'npm-cli.js');
  if (!fs.existsSync(cli)) throw new Error(`npm-cli.js not found at ${cli}`);
  return cli;
}

/**
 * @param {string} suffix  the platform
 * @param {{main: string, platforms: Object<string,string>}} tarballs  from pack.js
 * @returns {Promise<{ok: boolean, detail: string}>}
 */
async function installCheck(suffix, tarballs) {
  const target = TARGETS[suffix];
  const dir = path.join(cache, 'install', suffix);
  fs.rmSync(dir, { recursive: true, force: true });
  mkdirp(dir);
  // The project depends on the main package only; npm picks the platform package from its
  // optionalDependencies by --os/--cpu/--libc. `overrides` point every platform package at
  // its local tarball, so nothing is fetched from the registry (they are not published).
  const overrides = Object.fromEntries(Object.entries(tarballs.platforms).map(([s, tgz]) => [`${BINARY_NAME}-${s}`, `file:${tgz}`]));
  const manifest = { name: 'nipc-install-check', version: '1.0.0', private: true, dependencies: { [BINARY_NAME]: `file:${tarballs.main}` }, overrides };
  fs.writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  const PATH = bareBin();
  const probe = spawnSync('cargo', ['--version'], { env: { PATH } });
  if (!probe.error || probe.error.code !== 'ENOENT') return { ok: false, detail: 'cargo is reachable on the bare PATH' };
  const flags = [`--os=${target.os}`, `--cpu=${target.cpu}`, ...(target.libc ? [`--libc=${target.libc}`] : [])];
  run(process.execPath, [npmCli(), 'install', '--no-audit', '--no-fund', ...flags], {
    cwd: dir,
    env: { PATH, npm_config_update_notifier: 'false' },
  });
  const platformPackages = fs.readdirSync(path.join(dir, 'node_modules')).filter((f) => f.startsWith(`${BINARY_NAME}-`));
  if (platformPackages.join() !== `${BINARY_NAME}-${suffix}`) {
    return { ok: false, detail: `npm installed the platform packages [${platformPackages}], not just ${BINARY_NAME}-${suffix}` };
  }
  const installed = JSON.parse(fs.readFileSync(path.join(dir, 'node_modules', BINARY_NAME, 'package.json'), 'utf8'));
  if (installed.scripts) return { ok: false, detail: `the installed package has scripts: ${Object.keys(installed.scripts)}` };
  const nodeFiles = fs.readdirSync(path.join(dir, 'node_modules', BINARY_NAME)).filter((f) => f.endsWith('.node'));
  if (nodeFiles.length) return { ok: false, detail: `the main package carries ${nodeFiles}` };
  fs.copyFileSync(path.join(__dirname, 'smoke.js'), path.join(dir, 'smoke.js'));
  const r = await runNode(suffix, ['smoke.js', BINARY_NAME], { cwd: dir, out: path.join(dir, 'smoke.out'), timeoutMs: 180000 });
  const ok = r.code === 0 && /^smoke: ok$/m.test(r.output);
  if (!ok) return { ok, detail: `smoke exit ${r.code}: ${r.output.slice(-800)}` };
  // The CLI (the package's "bin") is installed and runs there.
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'node_modules', BINARY_NAME, 'package.json'), 'utf8'));
  const bin = pkg.bin && pkg.bin[BINARY_NAME];
  if (!bin) return { ok: false, detail: 'the installed package has no "bin"' };
  const v = await runNode(suffix, [path.join('node_modules', BINARY_NAME, bin), '--version'], { cwd: dir, out: path.join(dir, 'cli.out'), timeoutMs: 60000 });
  const cliOk = v.code === 0 && v.output.includes(pkg.version);
  return {
    ok: cliOk,
    detail: cliOk ? 'installed from tarballs without Rust; smoke ok; the CLI runs' : `cli --version exit ${v.code}: ${v.output.slice(-400)}`,
  };
}

module.exports = { installCheck };
