'use strict';
// Cross-builds the addon for other platforms on this Linux x64 machine, with Debian's
// rustc-web (toolchain.sh) instead of rustup's host-only toolchain:
//
//   node scripts/platforms/build.js win32-x64-msvc linux-arm64-gnu   # some
//   node scripts/platforms/build.js                                  # every target but the host
//   node scripts/platforms/build.js --lto win32-x64-msvc             # as released (slower)
//
// Results go to .platforms/out/node-ipc-native.<suffix>.node. The builds use their own
// target directory (.platforms/target) so that they and rustup's host builds do not
// invalidate each other. LTO is off unless --lto is given: it roughly halves the build time
// (CI builds every target on two cores) for code that is only tested here.
//
// Windows (x86_64-pc-windows-gnu): there is no prebuilt std for this rustc, so std is built
// from rust-web-src with -Zbuild-std; three things that nothing else provides are made here:
// rsbegin.o/rsend.o (the gnu target's startup objects, which build-std does not build), and
// an import library for node.exe with an empty libnode.dll beside it, which napi-build
// insists on for windows-gnu. napi's dyn-symbols feature makes the addon look the Node-API
// functions up in node.exe when it loads, so the import library is never used for them.

const fs = require('fs');
const path = require('path');
const { root, cache, TARGETS, BINARY_NAME, run, mkdirp, artifact, since } = require('./common');

const SYSROOT_BIN = '/usr/bin';

/** std's sources, as rust-web-src installs them (/usr/src/rustc-<version>/library). */
function stdSources() {
  const src = fs.readdirSync('/usr/src').filter((d) => /^rustc-\d/.test(d)).sort().pop();
  if (!src) throw new Error('std sources not found in /usr/src (run scripts/platforms/toolchain.sh)');
  return path.join('/usr/src', src, 'library');
}

/** rsbegin.o and rsend.o for x86_64-pc-windows-gnu, compiled once into `dir`. */
function windowsStartupObjects(dir) {
  mkdirp(dir);
  for (const name of ['rsbegin', 'rsend']) {
    const obj = path.join(dir, `${name}.o`);
    if (fs.existsSync(obj)) continue;
    run(`${SYSROOT_BIN}/rustc`, [
      '--target', 'x86_64-pc-windows-gnu', '--emit=obj', '-C', 'panic=abort', '-C', 'opt-level=3',
      '-o', obj, path.join(stdSources(), 'rtstartup', `${name}.rs`),
    ], { env: { RUSTC_BOOTSTRAP: '1' } });
  }
  return dir;
}

/** A folder with libnode.dll (empty) and libnode.dll.a (an import library for node.exe). */
function nodeImportLibrary(dir) {
  mkdirp(dir);
  const lib = path.join(dir, 'libnode.dll.a');
  if (!fs.existsSync(lib)) {
    const def = path.join(dir, 'node.def');
    fs.writeFileSync(def, 'LIBRARY node.exe\nEXPORTS\n  napi_module_register\n');
    run('x86_64-w64-mingw32-dlltool', ['-d', def, '-l', lib, '-D', 'node.exe']);
    fs.writeFileSync(path.join(dir, 'libnode.dll'), '');
  }
  return dir;
}

/** A folder where `-lgcc_s` finds the host's libgcc_s.so.1, for the musl link. */
function muslGccSearchDir(dir) {
  mkdirp(dir);
  const link = path.join(dir, 'libgcc_s.so');
  if (!fs.existsSync(link)) {
    const candidates = ['/lib/x86_64-linux-gnu/libgcc_s.so.1', '/usr/lib/x86_64-linux-gnu/libgcc_s.so.1'];
    const found = candidates.find((c) => fs.existsSync(c));
    if (!found) throw new Error('libgcc_s.so.1 not found');
    fs.symlinkSync(found, link);
  }
  return dir;
}

/** What cargo needs for one target: extra arguments and environment. */
function recipe(suffix) {
  const { triple } = TARGETS[suffix];
  const key = triple.toUpperCase().replace(/-/g, '_');
  const ccKey = triple.replace(/-/g, '_');
  switch (suffix) {
    case 'win32-x64-msvc':
      return {
        args: ['-Zbuild-std', '--features', 'napi/dyn-symbols'],
        env: {
          RUSTC_BOOTSTRAP: '1',
          [`CARGO_TARGET_${key}_LINKER`]: 'x86_64-w64-mingw32-gcc',
          [`CARGO_TARGET_${key}_RUSTFLAGS`]: `-L native=${windowsStartupObjects(path.join(cache, 'win-startup'))}`,
          [`CC_${ccKey}`]: 'x86_64-w64-mingw32-gcc',
          [`AR_${ccKey}`]: 'x86_64-w64-mingw32-ar',
          LIBNODE_PATH: nodeImportLibrary(path.join(cache, 'win-libnode')),
        },
        output: 'node_ipc_native.dll',
      };
    case 'linux-arm64-gnu':
      return {
        args: [],
        env: {
          [`CARGO_TARGET_${key}_LINKER`]: 'aarch64-linux-gnu-gcc',
          [`CC_${ccKey}`]: 'aarch64-linux-gnu-gcc',
          [`AR_${ccKey}`]: 'aarch64-linux-gnu-ar',
        },
        output: 'libnode_ipc_native.so',
      };
    case 'linux-x64-musl':
      return {
        args: ['-Zbuild-std'],
        env: {
          RUSTC_BOOTSTRAP: '1',
          [`CARGO_TARGET_${key}_LINKER`]: 'musl-gcc',
          [`CARGO_TARGET_${key}_RUSTFLAGS`]: `-C target-feature=-crt-static -L native=${muslGccSearchDir(path.join(cache, 'musl-gcc'))}`,
          [`CC_${ccKey}`]: 'musl-gcc',
        },
        output: 'libnode_ipc_native.so',
      };
    default:
      throw new Error(`no cross recipe for ${suffix}`);
  }
}

/** Builds one target and copies the result to artifact(suffix); returns that path. */
function build(suffix, { lto = false } = {}) {
  const target = TARGETS[suffix];
  if (!target) throw new Error(`unknown target ${suffix} (${Object.keys(TARGETS).join(', ')})`);
  const { args, env, output } = recipe(suffix);
  const targetDir = path.join(cache, 'target');
  const start = Date.now();
  run(`${SYSROOT_BIN}/cargo`, ['build', '--release', '--lib', '-p', BINARY_NAME, '--target', target.triple, ...args], {
    env: {
      ...env,
      PATH: `${SYSROOT_BIN}:${process.env.PATH}`,
      RUSTC: `${SYSROOT_BIN}/rustc`,
      RUSTDOC: `${SYSROOT_BIN}/rustdoc`,
      CARGO_TARGET_DIR: targetDir,
      CARGO_PROFILE_RELEASE_LTO: lto ? 'true' : 'false',
      CARGO_PROFILE_RELEASE_CODEGEN_UNITS: lto ? '1' : '16',
      // What ships carries no symbol tables (the Windows DLL was 'stripped to external PDB'
      // anyway; the Linux ones were not).
      CARGO_PROFILE_RELEASE_STRIP: 'symbols',
    },
  });
  const out = artifact(suffix);
  mkdirp(path.dirname(out));
  fs.copyFileSync(path.join(targetDir, target.triple, 'release', output), out);
  if (suffix.endsWith('-musl')) {
    // musl-gcc links against `libc.so`, which musl distributions ship only in their -dev
    // package; name the library as Alpine's own binaries do.
    run('patchelf', ['--replace-needed', 'libc.so', 'libc.musl-x86_64.so.1', out]);
  }
  console.log(`built ${suffix} in ${since(start)}: ${path.relative(root, out)}`);
  return out;
}

module.exports = { build };

if (require.main === module) {
  const argv = process.argv.slice(2);
  const lto = argv.includes('--lto');
  const names = argv.filter((a) => !a.startsWith('--'));
  const wanted = names.length ? names : Object.keys(TARGETS).filter((s) => TARGETS[s].triple !== 'x86_64-unknown-linux-gnu');
  for (const suffix of wanted) build(suffix, { lto });
}
