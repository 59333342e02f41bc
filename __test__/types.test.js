'use strict';
// Type tests (CONTRACT §10): compiles __test__/types/ with the local TypeScript (no emit) and
// checks that the compile really exercises our declarations and can fail:
//  * the type tests compile cleanly (module node16, and again with commonjs/node10);
//  * 'node-ipc-native' resolves to our index.d.ts / index.d.mts, never to @types/node-ipc;
//  * a deliberate type error, and an unused @ts-expect-error, make the compile fail (so a
//    green run cannot come from a compile that checks nothing);
//  * the @types-era programs (legacy-programs.ts) also compile against @types/node-ipc
//    itself, so they really are code written for those declarations.

const test = require('node:test');
const assert = require('node:assert/strict');
const { spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.join(__dirname, '..');
const typesDir = path.join(__dirname, 'types');
const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const typeRoots = path.join(root, 'node_modules', '@types');

/** At most this many compilers at once (each one is CPU-bound). */
const PARALLEL = Math.max(1, Math.min(2, os.cpus().length));
let active = 0;
const waiting = [];

/** Runs the local tsc; resolves to {status, output} (stdout + stderr). */
async function runTsc(args) {
  if (active >= PARALLEL) await new Promise((resolve) => waiting.push(resolve));
  active++;
  try {
    return await spawnTsc(args);
  } finally {
    active--;
    if (waiting.length > 0) waiting.shift()();
  }
}

function spawnTsc(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [tsc, ...args], { cwd: root });
    let output = '';
    child.stdout.on('data', (chunk) => { output += chunk; });
    child.stderr.on('data', (chunk) => { output += chunk; });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, output }));
  });
}

/** A scratch project outside the repository; `config` is written as its tsconfig.json. */
function scratch(files, config) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'node-ipc-native-types-'));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify(config, null, 2));
  return dir;
}

/** Compiles a scratch project, then removes it. */
async function compileScratch(files, config, extraArgs = []) {
  const dir = scratch(files, config);
  try {
    return await runTsc(['-p', dir, ...extraArgs]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const main = path.join(typesDir, 'tsconfig.json');
const node10 = path.join(typesDir, 'tsconfig.node10.json');

const GOOD = "import ipc = require('node-ipc-native');\nipc.connectTo('world', () => ipc.of.world.emit('message', 1));\n";

/** A project inheriting the type tests' settings, with two files that must fail. */
function deliberateErrors() {
  const files = {
    'good.ts': GOOD,
    'bad-error.ts': `${GOOD}ipc.of.world.emit('a').emit('b');\nipc.config.maxMessageSize = 'big';\n`,
    'bad-expect.ts': `${GOOD}// @ts-expect-error\nipc.config.maxMessageSize = 1;\n`,
  };
  return compileScratch(files, {
    extends: main,
    compilerOptions: { typeRoots: [typeRoots] },
    include: [],
    files: Object.keys(files),
  });
}

/** legacy-programs.ts with its import switched to 'node-ipc', compiled against @types/node-ipc. */
function legacyAgainstTypes() {
  const source = fs.readFileSync(path.join(typesDir, 'legacy-programs.ts'), 'utf8');
  const forTypes = source.replace("import ipc = require('node-ipc-native');", "import ipc = require('node-ipc');");
  if (forTypes === source || /node-ipc-native'/.test(forTypes)) {
    return Promise.reject(new Error("legacy-programs.ts must import 'node-ipc-native' exactly once, as `import ipc = require('node-ipc-native');`"));
  }
  return compileScratch({ 'legacy.ts': forTypes }, {
    compilerOptions: {
      strict: true,
      noEmit: true,
      module: 'node16',
      moduleResolution: 'node16',
      target: 'es2022',
      types: ['node'],
      typeRoots: [typeRoots],
      paths: { 'node-ipc': [path.join(typeRoots, 'node-ipc', 'index.d.ts')] },
    },
    files: ['legacy.ts'],
  }, ['--listFiles']);
}

/**
 * The files each module specifier resolved to, from a --traceResolution output, as this
 * platform's paths (tsc prints forward slashes on Windows too).
 */
function resolvedTo(output, name) {
  const re = new RegExp(`^======== Module name '${name}' was (successfully resolved to '([^']+)'|not resolved)`, 'gm');
  return [...output.matchAll(re)].map((m) => (m[2] ? path.normalize(m[2]) : '(not resolved)'));
}

function assertResolution(r, config) {
  assert.equal(r.status, 0, r.output.slice(-3000));
  assert.doesNotMatch(r.output, /error TS\d+/);
  const ours = new Set([path.join(root, 'index.d.ts'), path.join(root, 'index.d.mts')]);
  const native = resolvedTo(r.output, 'node-ipc-native');
  assert.ok(native.length >= 5, `${config}: 'node-ipc-native' imports were resolved (${native.length})`);
  for (const file of native) assert.ok(ours.has(file), `${config}: 'node-ipc-native' resolved to ${file}`);
  assert.deepEqual(resolvedTo(r.output, 'node-ipc'), [path.join(typeRoots, 'node-ipc', 'index.d.ts')],
    `${config}: 'node-ipc' (compat.ts only) resolves to @types/node-ipc`);
}

// Each compile takes seconds: start them all now (they overlap), the tests await them.
const runs = {
  main: runTsc(['-p', main]),
  mainTrace: runTsc(['-p', main, '--traceResolution']),
  node10Trace: runTsc(['-p', node10, '--traceResolution']),
  deliberateErrors: deliberateErrors(),
  legacyAgainstTypes: legacyAgainstTypes(),
};
// Failures are reported by the test that awaits the run.
for (const run of Object.values(runs)) run.catch(() => {});

test('the type tests compile with no errors and no output (module node16)', async () => {
  const r = await runs.main;
  assert.equal(r.output, '');
  assert.equal(r.status, 0);
});

test("node16: 'node-ipc-native' resolves to our index.d.ts / index.d.mts, 'node-ipc' to @types/node-ipc", async () => {
  assertResolution(await runs.mainTrace, 'tsconfig.json');
});

test('the CommonJS type tests also compile with module commonjs / moduleResolution node10', async () => {
  assertResolution(await runs.node10Trace, 'tsconfig.node10.json');
});

test('a deliberate type error, or an unused @ts-expect-error, fails the compile', async () => {
  const r = await runs.deliberateErrors;
  assert.notEqual(r.status, 0);
  assert.match(r.output, /bad-error\.ts\(3,\d+\): error TS2339: Property 'emit' does not exist on type 'void'/);
  assert.match(r.output, /bad-error\.ts\(4,\d+\): error TS2322/);
  assert.match(r.output, /bad-expect\.ts\(3,\d+\): error TS2578: Unused '@ts-expect-error' directive/);
  // The same lines without the mistakes compile: nothing else is reported.
  assert.doesNotMatch(r.output, /good\.ts/);
  assert.equal(r.output.match(/error TS\d+/g).length, 3, r.output);
});

test('legacy-programs.ts is valid code for @types/node-ipc 9.2.3 itself', async () => {
  const r = await runs.legacyAgainstTypes;
  assert.equal(r.status, 0, r.output);
  const files = r.output.split('\n').filter(Boolean).map((f) => path.normalize(f));
  assert.ok(files.includes(path.join(typeRoots, 'node-ipc', 'index.d.ts')), 'compiled against @types/node-ipc');
  assert.ok(!files.includes(path.join(root, 'index.d.ts')), 'not against our declarations');
});
