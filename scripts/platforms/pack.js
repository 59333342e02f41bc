'use strict';
// Packs what users install, napi-rs style, into .platforms/tarballs/:
//   - the main package `node-ipc-native`: lib/, the entry points, the generated loader
//     (binding.js), no .node file, and `optionalDependencies` on every platform package at
//     exactly this version; its package.json has no scripts at all (the repository's
//     `prepare`, which builds from source for contributors, is not in it) and no
//     devDependencies;
//   - one package per platform, `node-ipc-native-<suffix>` (npm/<suffix>/package.json with
//     its `os`/`cpu`/`libc`), holding `node-ipc-native.<suffix>.node`.
// The repository's own package.json stays as it is: contributors build from source.
//
//   node scripts/platforms/pack.js [suffix ...]   # default: every shipped platform
//
// A platform's .node comes from .platforms/out (build.js), or for the host from the
// repository root (npm run build).

const fs = require('fs');
const path = require('path');
const { root, cache, BINARY_NAME, capture, mkdirp, artifact } = require('./common');

/** The platform packages the main package depends on (npm/<suffix>/ exists for each). */
const SHIPPED = ['linux-x64-gnu', 'linux-arm64-gnu', 'linux-x64-musl', 'win32-x64-msvc'];

const rootPkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

/** The fields of the repository's package.json that the published one keeps. */
function publishedManifest() {
  const keep = ['name', 'version', 'description', 'main', 'types', 'exports', 'license', 'files', 'engines', 'repository', 'keywords', 'bin'];
  const pkg = {};
  for (const k of keep) if (rootPkg[k] !== undefined) pkg[k] = rootPkg[k];
  pkg.files = pkg.files.filter((f) => !f.endsWith('.node'));
  pkg.optionalDependencies = Object.fromEntries(SHIPPED.map((s) => [`${BINARY_NAME}-${s}`, rootPkg.version]));
  return pkg;
}

function copyInto(from, to) {
  const stat = fs.statSync(from);
  if (stat.isDirectory()) fs.cpSync(from, to, { recursive: true });
  else fs.copyFileSync(from, to);
}

/** Runs `npm pack` in `dir`; returns the tarball's path in `dest`. */
function npmPack(dir, dest) {
  const out = JSON.parse(capture('npm', ['pack', '--json', '--pack-destination', dest], { cwd: dir }));
  return path.join(dest, out[0].filename);
}

/** Stages and packs the main package; returns its tarball. */
function packMain(dest) {
  const stage = path.join(cache, 'pack', 'main');
  fs.rmSync(stage, { recursive: true, force: true });
  mkdirp(stage);
  const pkg = publishedManifest();
  for (const f of pkg.files) {
    const from = path.join(root, f.replace(/\/$/, ''));
    if (!fs.existsSync(from)) throw new Error(`${f} is missing (run npm run build first: binding.js is generated)`);
    copyInto(from, path.join(stage, f.replace(/\/$/, '')));
  }
  copyInto(path.join(root, 'README.md'), path.join(stage, 'README.md'));
  fs.writeFileSync(path.join(stage, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  return npmPack(stage, dest);
}

/** Stages and packs the package of one platform; returns its tarball. */
function packPlatform(suffix, dest) {
  const dir = path.join(root, 'npm', suffix);
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  if (pkg.version !== rootPkg.version) throw new Error(`npm/${suffix}: version ${pkg.version}, not ${rootPkg.version}`);
  const file = `${BINARY_NAME}.${suffix}.node`;
  const built = [artifact(suffix), path.join(root, file)].find((f) => fs.existsSync(f));
  if (!built) throw new Error(`${file} has not been built (scripts/platforms/build.js ${suffix})`);
  const stage = path.join(cache, 'pack', suffix);
  fs.rmSync(stage, { recursive: true, force: true });
  mkdirp(stage);
  fs.copyFileSync(path.join(dir, 'package.json'), path.join(stage, 'package.json'));
  fs.copyFileSync(path.join(dir, 'README.md'), path.join(stage, 'README.md'));
  fs.copyFileSync(built, path.join(stage, file));
  return npmPack(stage, dest);
}

/** Packs the main package and the given platforms; returns { main, platforms: {suffix: tgz} }. */
function pack(suffixes = SHIPPED) {
  const dest = mkdirp(path.join(cache, 'tarballs'));
  const platforms = {};
  for (const s of suffixes) platforms[s] = packPlatform(s, dest);
  return { main: packMain(dest), platforms };
}

module.exports = { pack, SHIPPED, publishedManifest };

if (require.main === module) {
  const out = pack(process.argv.length > 2 ? process.argv.slice(2) : SHIPPED);
  console.log(JSON.stringify(out, null, 2));
}
