'use strict';
// Builds the libFuzzer targets of fuzz/ (frame decoder, message parsing) with the stable
// toolchain and runs each for a while. `npm test` runs it briefly; longer runs:
//
//   node scripts/fuzz.js --seconds 600            # each target for 10 minutes
//   node scripts/fuzz.js --seconds 600 --save     # ... and merge what they found into fuzz/corpus
//   node scripts/fuzz.js --target frames          # one target
//
// Coverage comes from rustc's sanitizer-coverage pass (-Cpasses=sancov-module), which
// stable rustc has; libfuzzer-sys builds libFuzzer itself with the C++ compiler. New
// inputs go to a temporary directory unless --save is given; a crash fails the run and
// leaves its input (and the command to replay it) in the output.

const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.join(__dirname, '..');
const fuzzDir = path.join(root, 'fuzz');
const TARGETS = ['frames', 'messages'];

function option(name, fallback) {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? fallback : process.argv[at + 1];
}

const seconds = Number(option('seconds', 20));
const only = option('target', null);
const save = process.argv.includes('--save');
const targets = only ? [only] : TARGETS;
if (!Number.isFinite(seconds) || seconds <= 0) throw new Error('--seconds must be a positive number');
for (const t of targets) if (!TARGETS.includes(t)) throw new Error(`unknown target ${t} (${TARGETS.join(', ')})`);

function run(cmd, args, opts = {}) {
  console.log(`$ ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  return r.status === 0;
}

function hostTriple() {
  const r = spawnSync('rustc', ['-vV'], { encoding: 'utf8' });
  const m = /^host: (\S+)$/m.exec(r.stdout || '');
  if (!m) throw new Error('rustc -vV did not name the host');
  return m[1];
}

// The flags cargo-fuzz passes, without a sanitizer (ipc-core's decoding has no unsafe
// code: a panic is what the fuzzer looks for). Building for an explicit --target keeps
// them away from build scripts.
const triple = hostTriple();
const env = {
  ...process.env,
  CARGO_TARGET_DIR: path.join(fuzzDir, 'target'),
  RUSTFLAGS: [
    '-Cpasses=sancov-module',
    '-Cllvm-args=-sanitizer-coverage-level=4',
    '-Cllvm-args=-sanitizer-coverage-inline-8bit-counters',
    '-Cllvm-args=-sanitizer-coverage-pc-table',
    '-Cllvm-args=-sanitizer-coverage-trace-compares',
    '--cfg', 'fuzzing',
    '-Cdebug-assertions',
    '-Coverflow-checks',
  ].join(' '),
};
if (!run('cargo', ['build', '--release', '--target', triple, '--bins'], { cwd: fuzzDir, env })) {
  process.exit(1);
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ipc-fuzz-'));
let failed = false;
for (const target of targets) {
  const binary = path.join(fuzzDir, 'target', triple, 'release', target);
  const corpus = path.join(fuzzDir, 'corpus', target);
  const found = path.join(work, target);
  fs.mkdirSync(found, { recursive: true });
  fs.mkdirSync(corpus, { recursive: true });
  const ok = run(binary, [
    `-max_total_time=${seconds}`,
    '-max_len=4096',
    '-timeout=10',
    '-rss_limit_mb=2048',
    '-print_final_stats=1',
    `-artifact_prefix=${work}${path.sep}${target}-`,
    found,
    corpus,
  ]);
  if (!ok) {
    failed = true;
    console.error(`\nfuzz target ${target} failed; inputs: ${work}${path.sep}${target}-*`);
    console.error(`replay: ${binary} <input>`);
    continue;
  }
  if (save) {
    // Keep only the inputs that add coverage.
    const merged = path.join(work, `${target}-merged`);
    fs.mkdirSync(merged);
    run(binary, ['-merge=1', merged, corpus, found]);
    fs.rmSync(corpus, { recursive: true, force: true });
    fs.renameSync(merged, corpus);
    console.log(`${target}: corpus now ${fs.readdirSync(corpus).length} inputs`);
  }
}
if (!failed) fs.rmSync(work, { recursive: true, force: true });
process.exit(failed ? 1 : 0);
