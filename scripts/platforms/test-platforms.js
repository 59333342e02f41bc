'use strict';
// `npm run test:platforms`: everything the other platforms need, from a fresh clone, on this
// Linux x64 machine. Ends with `platforms: N passed, M failed` (exit 1 if M > 0).
//
//   1. the toolchain (toolchain.sh, Debian's packages) and the official Node binaries;
//   2. cross builds: win32-x64, linux-arm64-gnu, linux-x64-musl (build only: nothing runs it);
//   3. Windows under wine: smoke, `npm run demo`, and the connection suites over named pipes;
//   4. Linux arm64 under qemu-user: smoke (load + named round trip) and `npm run demo`;
//   5. packages: pack the main and platform packages, install them into an empty project from
//      the tarballs with no Rust on PATH, and run a server/client pair there on each platform.
//
// Options:  --skip-build (use what .platforms/out has)   --qemu-suites (also the suites under
// qemu, ~25 min: `npm run test:qemu`)   --only wine|qemu|pack (one part; implies the builds).
// The host addon must be built (npm install / npm run build): it provides binding.js.

const fs = require('fs');
const path = require('path');
const { root, cache, TARGETS, run, mkdirp, artifact, since } = require('./common');
const { nodeBinary } = require('./node-bins');
const { build } = require('./build');
const { runNode } = require('./runners');
const wine = require('./wine');

/** The suites run on Windows (under wine) and, with --qemu-suites, on arm64. */
const SUITES = ['server', 'client-state', 'wire-bytes', 'interop', 'tcp', 'tls', 'udp', 'sync', 'raw-buffer',
  'limits', 'examples', 'platform', 'fixes', 'fixes-net', 'hostile-frames', 'backpressure', 'faults', 'event-bus',
  'esm', 'module-shape', 'config', 'frame', 'jasmine-behaviours', 'server-facade', 'unit-log', 'session-log'];

const argv = process.argv.slice(2);
const only = argv.includes('--only') ? argv[argv.indexOf('--only') + 1] : null;
const skipBuild = argv.includes('--skip-build');
const qemuSuites = argv.includes('--qemu-suites');
const wants = (part) => !only || only === part;

const results = [];
function record(name, ok, detail = '') {
  results.push({ name, ok, detail });
  console.log(`${ok ? 'PASS' : 'FAIL'}  ${name}${detail ? `  (${detail})` : ''}`);
}

async function step(name, fn) {
  const start = Date.now();
  try {
    const detail = await fn();
    record(name, true, [detail, since(start)].filter(Boolean).join('; '));
    return true;
  } catch (e) {
    record(name, false, `${e.message.split('\n').slice(0, 12).join('\n')}; ${since(start)}`);
    return false;
  }
}

/** The addon for `suffix` as Node on that platform sees the path (wine: a Z: path). */
function addonPathFor(suffix) {
  const file = artifact(suffix);
  return suffix.startsWith('win32') ? `Z:${file.replace(/\//g, '\\')}` : file;
}

/** Runs a script of the checkout on `suffix`'s Node, loading that platform's build. */
async function runScript(suffix, args, name, timeoutMs) {
  const out = path.join(mkdirp(path.join(cache, 'logs')), `${suffix}-${name}.log`);
  const r = await runNode(suffix, args, { cwd: root, out, timeoutMs, env: { NAPI_RS_NATIVE_LIBRARY_PATH: addonPathFor(suffix) } });
  return { ...r, log: out };
}

async function smokeAndDemo(suffix) {
  await step(`${suffix}: load, named round trips over the local socket and TCP (smoke.js)`, async () => {
    const r = await runScript(suffix, ['scripts/platforms/smoke.js'], 'smoke', 180000);
    if (r.code !== 0 || !/^smoke: ok$/m.test(r.output)) throw new Error(`exit ${r.code}: ${r.output.slice(-1500)}`);
    return `log ${path.relative(root, r.log)}`;
  });
  await step(`${suffix}: npm run demo`, async () => {
    const r = await runScript(suffix, ['examples/demo.js'], 'demo', 240000);
    if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.output.slice(-1500)}`);
    return `${r.output.trim().split('\n').length} lines`;
  });
}

/** Runs the suites with node:test on `suffix`; each test counts as one result. */
async function suites(suffix, timeoutMs) {
  const files = SUITES.map((s) => path.join('__test__', `${s}.test.js`));
  const start = Date.now();
  const r = await runScript(suffix, ['--test', '--test-concurrency=2', '--test-reporter=tap', ...files], 'suites', timeoutMs);
  const count = (label) => {
    const m = new RegExp(`^# ${label} (\\d+)$`, 'm').exec(r.output);
    return m ? Number(m[1]) : null;
  };
  const pass = count('pass');
  const fail = count('fail');
  const skipped = count('skipped');
  if (pass === null || fail === null) {
    record(`${suffix}: suites`, false, `no summary (exit ${r.code}); log ${r.log}`);
    return;
  }
  // A test file that dies or hangs without reporting its tests shows up as one test named
  // after the file (node:test counts it as passed when it was killed): each is a failure.
  const silent = [...r.output.matchAll(/^# Subtest: (.*\.test\.js)$/gm)].map((m) => m[1]);
  for (const file of silent) record(`${suffix}: ${file} reported no tests`, false);
  for (let i = 0; i < pass - silent.length; i++) results.push({ name: `${suffix} test`, ok: true });
  const failing = r.output.split('\n').filter((l) => /^\s*not ok \d+ - /.test(l) && !/# (SKIP|TODO)/.test(l)).map((l) => l.trim());
  for (let i = 0; i < fail; i++) results.push({ name: `${suffix} test`, ok: false, detail: failing[i] || '' });
  console.log(`${fail ? 'FAIL' : 'PASS'}  ${suffix}: ${SUITES.length} suites: ${pass} passed, ${fail} failed, ${skipped} skipped (${since(start)}; log ${path.relative(root, r.log)})`);
  for (const f of failing) console.log(`        ${f}`);
}

async function main() {
  const start = Date.now();
  await step('toolchain (Debian packages)', () => {
    run('bash', [path.join(__dirname, 'toolchain.sh')]);
  });
  await step('official Node binaries (npm registry, sha512-pinned)', () => {
    nodeBinary('win32-x64-msvc');
    nodeBinary('linux-arm64-gnu');
  });
  if (!fs.existsSync(path.join(root, 'binding.js'))) {
    record('host build (binding.js)', false, 'run npm install or npm run build first');
  }
  const crossTargets = Object.keys(TARGETS).filter((s) => TARGETS[s].triple !== 'x86_64-unknown-linux-gnu');
  for (const suffix of crossTargets) {
    if (skipBuild && fs.existsSync(artifact(suffix))) continue;
    await step(`build ${suffix}`, () => {
      build(suffix);
    });
  }
  const built = (s) => fs.existsSync(artifact(s));

  if (wants('wine') && built('win32-x64-msvc')) {
    await step('wine prefix', () => {
      wine.setup();
    });
    await smokeAndDemo('win32-x64-msvc');
    await suites('win32-x64-msvc', 50 * 60 * 1000);
    wine.stop();
  }
  if (wants('qemu') && built('linux-arm64-gnu')) {
    await smokeAndDemo('linux-arm64-gnu');
    if (qemuSuites) await suites('linux-arm64-gnu', 90 * 60 * 1000);
  }
  if (wants('pack')) {
    const { pack, SHIPPED } = require('./pack');
    const { installCheck } = require('./install-check');
    let tarballs = null;
    await step('npm pack: the main package and each platform package', () => {
      tarballs = pack(SHIPPED.filter((s) => TARGETS[s].run === 'native' || built(s)));
      return Object.keys(tarballs.platforms).join(', ');
    });
    if (tarballs) {
      for (const suffix of ['linux-x64-gnu', 'win32-x64-msvc', 'linux-arm64-gnu']) {
        if (!tarballs.platforms[suffix]) continue;
        await step(`${suffix}: install from the tarballs without Rust, then a server/client pair`, async () => {
          const r = await installCheck(suffix, tarballs);
          if (!r.ok) throw new Error(r.detail);
          return r.detail;
        });
      }
    }
    wine.stop();
  }

  const passed = results.filter((r) => r.ok).length;
  const failed = results.length - passed;
  console.log(`\nfailed:\n${results.filter((r) => !r.ok).map((r) => `  ${r.name} ${r.detail || ''}`).join('\n') || '  none'}`);
  console.log(`platforms: ${passed} passed, ${failed} failed (${since(start)})`);
  process.exit(failed ? 1 : 0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
