'use strict';
// `node-ipc-native bench`: the scenarios of bench-scenarios.js (pingpong, pipelined,
// flood) against a running server that answers `ping` requests (listen --quiet), each for
// --seconds, and a report of msg/s (or round trips/s) and latency percentiles.

const { COMMON_OPTIONS, WAIT_OPTION, COMMON_HELP, WAIT_HELP } = require('./common');
const { TARGET_OPTIONS, targetHelp, resolveTarget, describeTarget } = require('./target');
const { CliError, UsageError } = require('./errors');
const { requestFailure } = require('./describe-error');
const { connect, disconnect } = require('./connect');
const { payload } = require('./data');
const { setupIpc } = require('./ipc');
const { SCENARIOS, FLOOD_TYPE, WARMUP } = require('./bench-scenarios');
const { ms, grouped } = require('./stats');
const output = require('./output');

const DEFAULTS = { seconds: 5, inflight: 64, size: 56, timeout: 10000 };

const NAMES = Object.keys(SCENARIOS);

const options = {
  ...COMMON_OPTIONS,
  ...TARGET_OPTIONS,
  ...WAIT_OPTION,
  seconds: { type: 'integer', min: 1, max: 3600, value: 'S' },
  inflight: { type: 'integer', min: 1, max: 100000, value: 'N' },
  size: { type: 'integer', max: 16 * 1024 * 1024, value: 'BYTES' },
  only: { type: 'string', value: 'LIST' },
  timeout: { type: 'integer', min: 1, max: 0x7fffffff, value: 'MS' },
  json: { type: 'boolean' },
};

const help = [
  'Usage: node-ipc-native bench [options]',
  '',
  'Measures a running server that answers requests of type "ping" with their data',
  '(start one with: node-ipc-native listen --quiet). Each scenario runs for S seconds',
  'after a short warm-up, over one connection; the names are those of npm run bench:',
  `  pingpong   sequential round trips (ping requests; ${WARMUP.pingpong} warm-up)`,
  `  pipelined  round trips with N requests in flight (${WARMUP.pipelined} warm-up)`,
  `  flood      one-way messages of type "${FLOOD_TYPE}", then one ping request as a`,
  `             barrier; the time runs until its reply (${WARMUP.flood} warm-up)`,
  'Reports messages (or round trips) per second and, for the round trips, the',
  'p50/p90/p99/max latency in ms.',
  '',
  ...targetHelp({ udp: false, server: false }),
  '',
  'Options:',
  `  --seconds S           how long each scenario runs (default: ${DEFAULTS.seconds})`,
  `  --inflight N          requests in flight in pipelined (default: ${DEFAULTS.inflight})`,
  `  --size BYTES          the length of each message's data string (default: ${DEFAULTS.size})`,
  `  --only LIST           some of ${NAMES.join(',')} (default: all)`,
  `  --timeout MS          how long to wait for any one reply (default: ${DEFAULTS.timeout})`,
  '  --json                one JSON object with every figure instead of the table',
  ...WAIT_HELP,
  ...COMMON_HELP,
  '',
  'Examples:',
  '  node-ipc-native listen --id world --quiet &',
  '  node-ipc-native bench --id world --seconds 2',
  '  node-ipc-native bench --tcp 8000 --only pipelined --inflight 256 --size 1024',
].join('\n');

function selected(only) {
  if (only === undefined) return NAMES;
  const names = only.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = names.find((n) => !NAMES.includes(n));
  if (unknown !== undefined) throw new UsageError(`--only: unknown scenario ${JSON.stringify(unknown)} (${NAMES.join(', ')})`);
  if (names.length === 0) throw new UsageError('--only: no scenario given');
  return NAMES.filter((n) => names.includes(n));
}

function table(results) {
  const rows = [['scenario', 'rate', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'count', 'seconds']];
  for (const r of results) {
    const l = r.latency || { p50: null, p90: null, p99: null, max: null };
    rows.push([r.scenario, `${grouped(r.count / (r.us / 1e6))} ${r.unit}`, ms(l.p50), ms(l.p90), ms(l.p99), ms(l.max),
      grouped(r.count), (r.us / 1e6).toFixed(3)]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  return rows.map((row) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  '));
}

function jsonReport(where, params, results) {
  const f = (us) => (us === null ? null : Number(ms(us)));
  return JSON.stringify({
    target: where,
    seconds: params.seconds,
    size: params.size,
    inflight: params.inflight,
    results: results.map((r) => ({
      scenario: r.scenario,
      unit: r.unit,
      rate: Math.round(r.count / (r.us / 1e6)),
      count: r.count,
      seconds: Number((r.us / 1e6).toFixed(3)),
      p50Ms: r.latency ? f(r.latency.p50) : null,
      p90Ms: r.latency ? f(r.latency.p90) : null,
      p99Ms: r.latency ? f(r.latency.p99) : null,
      maxMs: r.latency ? f(r.latency.max) : null,
    })),
  });
}

async function run(opts) {
  const target = resolveTarget(opts, { server: false, udp: false });
  const names = selected(opts.only);
  const params = {
    seconds: opts.seconds === undefined ? DEFAULTS.seconds : opts.seconds,
    inflight: opts.inflight === undefined ? DEFAULTS.inflight : opts.inflight,
    size: opts.size === undefined ? DEFAULTS.size : opts.size,
    timeout: opts.timeout === undefined ? DEFAULTS.timeout : opts.timeout,
  };
  params.data = payload(params.size);
  const ipc = setupIpc(opts);
  output.handleClosedStdout();
  const client = await connect(ipc, target, opts.wait);
  const where = describeTarget(target);
  const results = [];
  try {
    for (const name of names) {
      if (process.stderr.isTTY) output.info(`${name}: ${params.seconds} s...`);
      results.push(await SCENARIOS[name](client, params));
    }
  } catch (err) {
    throw new CliError(`bench: ${requestFailure(err, 'ping', target, params.timeout)}`);
  } finally {
    disconnect(ipc, client);
  }
  if (opts.json) {
    output.out(jsonReport(where, params, results));
  } else {
    output.out(`bench ${where}: ${params.seconds} s per scenario, ${params.size}-byte data, ${params.inflight} in flight (pipelined)`);
    for (const line of table(results)) output.out(line);
  }
  return 0;
}

module.exports = {
  name: 'bench',
  summary: 'measure a running server: round trips and one-way throughput',
  options,
  positionals: [],
  help,
  run,
};
