'use strict';
// `npm run bench`: node-ipc-native against node-ipc 9.2.1, node-ipc 14 and a raw
// node:net/node:dgram floor, each scenario with the server and every client in separate
// child processes.
// See bench/README.md and `node bench/run.js --help`.

const os = require('os');
const path = require('path');
const { parseArgs, USAGE } = require('./lib/cli');
const { runOnce, installExitHandlers } = require('./lib/orchestrator');
const { summarize, ratios, formatText } = require('./lib/report');
const { transports, STREAM_TRANSPORTS, ALL_TRANSPORTS } = require('./lib/transports');
const { IMPLS, BASELINE } = require('./impls');
const { SCENARIOS } = require('./scenarios');
const { runRustBench, formatRustBench } = require('./lib/rust-bench');
const { writeChart } = require('./lib/chart');

function progress(text) {
  process.stderr.write(`${text}\n`);
}

const DEFAULT_TIMEOUT_S = 60;

function fmtRun(scenario, run) {
  if (!run.ok) return `${run.timeout ? 'TIMEOUT' : run.na ? 'n/a' : 'FAILED'}: ${run.error}`;
  if (scenario.name === 'udploss') {
    return `sent ${run.sent.toLocaleString('en-US')}, received ${run.received.toLocaleString('en-US')} ` +
      `(loss ${run.lossPct.toFixed(2)} %), ${Math.round(run.rate).toLocaleString('en-US')} msg/s delivered` +
      `${run.ms != null ? ` (${(run.ms / 1000).toFixed(2)} s)` : ''}`;
  }
  const unit = scenario.unit;
  const lat = run.p50 != null ? `, p50 ${run.p50.toFixed(1)} us, p99 ${run.p99.toFixed(1)} us` : '';
  return `${Math.round(run.rate).toLocaleString('en-US')} ${unit}${lat} (${(run.ms / 1000).toFixed(2)} s)`;
}

async function main() {
  let opts;
  const known = {
    scenarios: SCENARIOS.map((s) => s.name),
    impls: IMPLS.map((i) => i.key),
    transports: ALL_TRANSPORTS,
  };
  try {
    opts = parseArgs(process.argv.slice(2), known);
  } catch (err) {
    process.stderr.write(`${err.message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (opts.help) {
    process.stdout.write(USAGE);
    return;
  }
  installExitHandlers();

  const scenarios = SCENARIOS.filter((s) => opts.scenarios.includes(s.name));
  const impls = IMPLS.filter((i) => opts.impls.includes(i.key));
  const sizes = {};
  for (const s of scenarios) sizes[s.name] = { ...(opts.quick ? s.quick : s.defaults) };
  // Each scenario runs over the transports it applies to that --transport selects.
  const transportsOf = (scenario) => (scenario.transports || STREAM_TRANSPORTS).filter((t) => opts.transports.includes(t));
  // Smaller sizes for an implementation that cannot do the full ones in reasonable time
  // (labelled in the table): scenario.reduced[implKey](params) -> params.
  const paramsOf = (scenario, impl) => {
    const params = sizes[scenario.name];
    const reduce = opts.reduce && scenario.reduced && scenario.reduced[impl.key];
    return reduce ? reduce(params, opts) : params;
  };
  const timeoutOf = (scenario) => opts.timeoutMs || (scenario.timeoutS || DEFAULT_TIMEOUT_S) * 1000;

  // Rows in table order; runs interleaved across implementations (scenario, run, impl)
  // so that drift on the machine affects every implementation alike.
  const rows = [];
  for (const scenario of scenarios) {
    for (const t of transportsOf(scenario)) {
      for (const impl of impls) {
        const params = paramsOf(scenario, impl);
        rows.push({
          scenario: scenario.name,
          transport: t,
          impl: impl.key,
          label: impl.label,
          short: impl.short,
          version: impl.version,
          params,
          reduced: params !== sizes[scenario.name] ? (scenario.describeReduced || scenario.describe)(params) : null,
          runs: [],
        });
      }
    }
  }
  const skip = new Set(); // rows not worth running again (timed out, unsupported)
  const total = rows.length * opts.runs;
  let n = 0;
  const started = Date.now();
  for (const scenario of scenarios) {
    for (let run = 1; run <= opts.runs; run++) {
      for (const t of transportsOf(scenario)) {
        for (const impl of impls) {
          const row = rows.find((r) => r.scenario === scenario.name && r.transport === t && r.impl === impl.key);
          const params = row.params;
          n++;
          const tag = `[${n}/${total}] ${scenario.name}/${t} ${impl.label}${row.reduced ? ` (${row.reduced})` : ''} run ${run}/${opts.runs}:`;
          if (skip.has(row)) {
            progress(`${tag} skipped`);
            continue;
          }
          let result;
          if (impl.unavailable) {
            result = { ok: false, na: true, error: impl.unavailable };
          } else if (!impl.transports.includes(t)) {
            result = { ok: false, na: true, error: `transport ${t} not supported` };
          } else {
            const runStarted = Date.now();
            const outcome = await runOnce({ impl, scenario, transport: transports[t], params, timeoutMs: timeoutOf(scenario) });
            result = outcome.ok
              ? {
                ok: true,
                ...scenario.measure(params, outcome.server, outcome.client, outcome.clients),
                serverRss: outcome.server.maxRss,
                clientRss: Math.max(...outcome.clients.map((c) => c.maxRss)),
              }
              : { ok: false, error: outcome.error, timeout: Boolean(outcome.timeout) };
            if (result.ok && result.error) result = { ok: false, error: result.error };
            result.wallMs = Date.now() - runStarted;
          }
          if (!result.ok && (result.timeout || result.na)) skip.add(row);
          row.runs.push(result);
          progress(`${tag} ${fmtRun(scenario, result)}`);
        }
      }
    }
  }

  const results = rows.map(summarize);
  const doc = {
    meta: {
      date: new Date().toISOString(),
      node: process.version,
      platform: process.platform,
      arch: process.arch,
      cpus: os.cpus().length,
      cpuModel: (os.cpus()[0] || {}).model || 'unknown CPU',
      runs: opts.runs,
      fewerRuns: [],
      quick: opts.quick,
      transports: [...new Set(scenarios.flatMap(transportsOf))],
      sizes,
      describe: Object.fromEntries(scenarios.map((s) => [s.name, s.describe(sizes[s.name])])),
      units: Object.fromEntries(scenarios.map((s) => [s.name, s.unit])),
      impls: impls.map((impl) => ({ key: impl.key, label: impl.label, version: impl.version, note: implNote(impl, results) })),
      notes: [
        `Unix sockets: ${path.join(os.tmpdir(), `nipc-bench-${process.pid}`)}/<n>.sock (mode 0700 directory), the same path for every implementation;`,
        '  TCP/UDP: 127.0.0.1, a fresh port per run. Hard timeout per run (both processes): ' +
          `${opts.timeoutMs ? `${opts.timeoutMs / 1000} s` : scenarios.map((sc) => `${sc.name} ${sc.timeoutS || DEFAULT_TIMEOUT_S} s`).join(', ')}.`,
      ],
      baseline: BASELINE,
      elapsedS: (Date.now() - started) / 1000,
    },
    results,
    ratios: ratios(results, BASELINE),
  };
  // The SVG chart of the throughput ratios (bench/lib/chart.js); its data goes into --json.
  doc.chart = writeChart(doc, opts, known, progress);
  let rustText = '';
  if (opts.rust) {
    progress('Rust<->Rust benchmark (cargo, release build)...\n');
    const rust = runRustBench(opts);
    doc.rust = rust.ok ? rust.doc : { notRun: rust.reason };
    rustText = `\n${formatRustBench(rust)}`;
  }
  progress(`done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  process.stdout.write(opts.json ? `${JSON.stringify(doc, null, 2)}\n` : `${formatText(doc)}\n${rustText}`);
  // The bench fails if node-ipc-native (or the floor, i.e. the bench itself) failed a row;
  // timeouts and failures of the other implementations are results, shown in the table.
  if (results.some((r) => !r.ok && r.status !== 'n/a' && (r.impl === BASELINE || r.impl === 'net'))) process.exitCode = 1;
}

/** One line per implementation for the output header. */
function implNote(impl, results) {
  const mine = results.filter((r) => r.impl === impl.key);
  const bad = mine.filter((r) => !r.ok);
  switch (impl.key) {
    case 'native':
      return `this repository (${impl.version}, require('../..'), the built .node addon as it is); sets TCP_NODELAY.`;
    case 'node-ipc':
      return 'devDependency (require(\'node-ipc\')); Nagle on (Node\'s default), as its users get it.';
    case 'node-ipc-14': {
      const runs = bad.length === 0
        ? `it ran every selected scenario on Node ${process.version}`
        : `on Node ${process.version}: ${bad.map((r) => `${r.scenario}/${r.transport} ${r.status}`).join(', ')}`;
      return `devDependency alias node-ipc-14, loaded with import() (ESM, default export); declares engines node ${impl.engines || '?'}; ` +
        `${runs}. Configured: parser 'fast', identifyPeer false, socketRoot = the bench's socket directory; sets TCP_NODELAY.`;
    }
    case 'net':
      return 'written in the bench (bench/impls/net.js): node:net / node:dgram, same framing (JSON {type, data} + \'\\f\'), no library; Nagle on.';
    default:
      return '';
  }
}

main().catch((err) => {
  process.stderr.write(`${err.stack || err}\n`);
  process.exit(1);
});
