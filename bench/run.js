'use strict';
// `npm run bench`: node-ipc-native against node-ipc 9.2.1 and a raw node:net/node:dgram
// floor, each scenario with the server and the client in separate child processes.
// See bench/README.md and `node bench/run.js --help`.

const os = require('os');
const { parseArgs, USAGE } = require('./lib/cli');
const { runOnce, installExitHandlers } = require('./lib/orchestrator');
const { summarize, ratios, formatText } = require('./lib/report');
const { transports, STREAM_TRANSPORTS } = require('./lib/transports');
const { IMPLS, BASELINE } = require('./impls');
const { SCENARIOS } = require('./scenarios');

function progress(text) {
  process.stderr.write(`${text}\n`);
}

function fmtRun(scenario, run) {
  if (!run.ok) return `FAILED: ${run.error}`;
  if (scenario.name === 'udploss') {
    return `sent ${run.sent.toLocaleString('en-US')}, received ${run.received.toLocaleString('en-US')} ` +
      `(loss ${run.lossPct.toFixed(2)} %), ${Math.round(run.rate).toLocaleString('en-US')} msg/s delivered` +
      `${run.ms != null ? ` (${(run.ms / 1000).toFixed(2)} s)` : ''}`;
  }
  const unit = scenario.name === 'flood' ? 'msg/s' : 'rt/s';
  const lat = run.p50 != null ? `, p50 ${run.p50.toFixed(1)} us, p99 ${run.p99.toFixed(1)} us` : '';
  return `${Math.round(run.rate).toLocaleString('en-US')} ${unit}${lat} (${(run.ms / 1000).toFixed(2)} s)`;
}

async function main() {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2), {
      scenarios: SCENARIOS.map((s) => s.name),
      impls: IMPLS.map((i) => i.key),
      transports: STREAM_TRANSPORTS,
    });
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
  // udploss brings its own transport (udp); flood and pingpong run over --transport.
  const transportsOf = (scenario) => scenario.transports || opts.transports;

  // Rows in table order; runs interleaved across implementations (scenario, run, impl)
  // so that drift on the machine affects every implementation alike.
  const rows = [];
  for (const scenario of scenarios) {
    for (const t of transportsOf(scenario)) {
      for (const impl of impls) {
        rows.push({ scenario: scenario.name, transport: t, impl: impl.key, label: impl.label, short: impl.short, version: impl.version, runs: [] });
      }
    }
  }
  const skip = new Set(); // rows not worth running again (timed out, unsupported)
  const total = rows.length * opts.runs;
  let n = 0;
  const started = Date.now();
  for (const scenario of scenarios) {
    const params = sizes[scenario.name];
    for (let run = 1; run <= opts.runs; run++) {
      for (const t of transportsOf(scenario)) {
        for (const impl of impls) {
          const row = rows.find((r) => r.scenario === scenario.name && r.transport === t && r.impl === impl.key);
          n++;
          const tag = `[${n}/${total}] ${scenario.name}/${t} ${impl.label} run ${run}/${opts.runs}:`;
          if (skip.has(row)) {
            progress(`${tag} skipped`);
            continue;
          }
          let result;
          if (impl.unavailable) {
            result = { ok: false, error: impl.unavailable };
          } else if (!impl.transports.includes(t)) {
            result = { ok: false, error: `transport ${t} not supported` };
          } else {
            const outcome = await runOnce({ impl, scenario, transport: transports[t], params, timeoutMs: opts.timeoutMs });
            result = outcome.ok
              ? {
                ok: true,
                ...scenario.measure(params, outcome.server, outcome.client),
                serverRss: outcome.server.maxRss,
                clientRss: outcome.client.maxRss,
              }
              : { ok: false, error: outcome.error, timeout: Boolean(outcome.timeout) };
            if (result.ok && result.error) result = { ok: false, error: result.error };
          }
          if (!result.ok && (result.timeout || impl.unavailable || !impl.transports.includes(t))) skip.add(row);
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
      quick: opts.quick,
      transports: [...new Set(scenarios.flatMap(transportsOf))],
      sizes,
      baseline: BASELINE,
      elapsedS: (Date.now() - started) / 1000,
    },
    results,
    ratios: ratios(results, BASELINE),
  };
  progress(`done in ${doc.meta.elapsedS.toFixed(1)} s\n`);
  process.stdout.write(opts.json ? `${JSON.stringify(doc, null, 2)}\n` : `${formatText(doc)}\n`);
  if (results.some((r) => !r.ok)) process.exitCode = 1;
}

main().catch((err) => {
  process.stderr.write(`${err.stack || err}\n`);
  process.exit(1);
});
