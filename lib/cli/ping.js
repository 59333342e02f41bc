'use strict';
// `node-ipc-native ping`: round trips of requests of type `ping` (ipc.of[id].request)
// whose data is a string of --size bytes, which the server must send back unchanged
// (listen does; so does any server with ipc.server.handle('ping', (d) => d)). One line per
// round trip with its time, then min / p50 / p90 / p99 / max, as ping(8) prints them.
// Runs --count times, or until Ctrl-C; status 1 if any request got no correct reply.

const { COMMON_OPTIONS, WAIT_OPTION, COMMON_HELP, WAIT_HELP } = require('./common');
const { TARGET_OPTIONS, targetHelp, resolveTarget, describeTarget } = require('./target');
const { requestFailure } = require('./describe-error');
const { connect, disconnect } = require('./connect');
const { payload } = require('./data');
const { setupIpc } = require('./ipc');
const { onStopSignal } = require('./signals');
const { summarize, ms, elapsedUs } = require('./stats');
const output = require('./output');

const DEFAULTS = { interval: 1000, size: 56, timeout: 2000 };

const options = {
  ...COMMON_OPTIONS,
  ...TARGET_OPTIONS,
  ...WAIT_OPTION,
  count: { type: 'integer', min: 1, value: 'N' },
  interval: { type: 'integer', value: 'MS' },
  size: { type: 'integer', max: 64 * 1024 * 1024, value: 'BYTES' },
  timeout: { type: 'integer', min: 1, max: 0x7fffffff, value: 'MS' },
  json: { type: 'boolean' },
};

const help = [
  'Usage: node-ipc-native ping [options]',
  '',
  'Sends requests of type "ping" whose data is a string of BYTES characters, one at a',
  'time, and prints the round-trip time of each reply, then min/p50/p90/p99/max in ms.',
  'The server must answer "ping" requests with their data (listen does). Runs until',
  'Ctrl-C unless --count is given. Status 1 if a request got no reply, a wrong one or an',
  'error.',
  '',
  ...targetHelp({ udp: false, server: false }),
  '',
  'Options:',
  '  --count N             N round trips, then the summary (default: until Ctrl-C)',
  `  --interval MS         pause between a reply and the next request (default: ${DEFAULTS.interval})`,
  `  --size BYTES          the length of the data string (default: ${DEFAULTS.size})`,
  `  --timeout MS          how long to wait for each reply (default: ${DEFAULTS.timeout})`,
  '  --json                one JSON object per round trip ({"seq","bytes","ms"} or',
  '                        {"seq","error"}), then {"requests","replies","lost","minMs",',
  '                        "p50Ms","p90Ms","p99Ms","maxMs"}',
  ...WAIT_HELP,
  ...COMMON_HELP,
  '',
  'Examples:',
  '  node-ipc-native ping --id world --count 5',
  '  node-ipc-native ping --tcp 8000 --interval 100 --size 1024',
].join('\n');

/** Resolves after `ms`, or at once when `stopped` resolves. */
function pause(msDelay, stopped) {
  let timer;
  return Promise.race([new Promise((r) => { timer = setTimeout(r, msDelay); }), stopped])
    .finally(() => clearTimeout(timer));
}

function summaryLines(where, sent, rtts, json) {
  const s = summarize(rtts);
  const lost = sent - rtts.length;
  if (json) {
    const f = (us) => (us === null ? null : Number(ms(us)));
    return [JSON.stringify({
      requests: sent, replies: rtts.length, lost,
      minMs: f(s.min), p50Ms: f(s.p50), p90Ms: f(s.p90), p99Ms: f(s.p99), maxMs: f(s.max),
    })];
  }
  const share = sent === 0 ? 0 : Math.round((lost / sent) * 1000) / 10;
  return [
    `--- ${where} ping statistics ---`,
    `${sent} requests, ${rtts.length} replies, ${share}% lost`,
    `rtt min/p50/p90/p99/max = ${ms(s.min)}/${ms(s.p50)}/${ms(s.p90)}/${ms(s.p99)}/${ms(s.max)} ms`,
  ];
}

async function run(opts) {
  const target = resolveTarget(opts, { server: false, udp: false });
  const interval = opts.interval === undefined ? DEFAULTS.interval : opts.interval;
  const size = opts.size === undefined ? DEFAULTS.size : opts.size;
  const timeout = opts.timeout === undefined ? DEFAULTS.timeout : opts.timeout;
  const json = Boolean(opts.json);
  const ipc = setupIpc(opts);
  let stop;
  const stopped = new Promise((resolve) => { stop = resolve; });
  onStopSignal(() => stop('signal'));
  output.handleClosedStdout();
  const client = await connect(ipc, target, opts.wait);
  const where = describeTarget(target);
  const data = payload(size);
  const rtts = [];
  let sent = 0;
  let closed = false;
  if (!json) output.out(`PING ${where}: ${size} bytes of data`);
  for (let seq = 1; opts.count === undefined || seq <= opts.count; seq++) {
    if (seq > 1 && await pause(interval, stopped) === 'signal') break;
    const t0 = process.hrtime.bigint();
    const reply = client.request('ping', data, { timeout }).then(
      (value) => ({ value }),
      (err) => ({ err }),
    );
    const outcome = await Promise.race([reply, stopped]);
    if (outcome === 'signal') break;
    const us = elapsedUs(t0);
    sent++;
    let problem = null;
    if (outcome.err) problem = requestFailure(outcome.err, 'ping', target, timeout);
    else if (outcome.value !== data) problem = 'the reply\'s data differs from the request\'s';
    if (problem === null) {
      rtts.push(us);
      output.out(json
        ? JSON.stringify({ seq, bytes: size, ms: Number(ms(us)) })
        : `${size} bytes from ${where}: seq=${seq} time=${ms(us)} ms`);
    } else {
      output.out(json ? JSON.stringify({ seq, error: problem }) : `seq=${seq}: ${problem}`);
    }
    if (outcome.err && outcome.err.code === 'ERR_IPC_DISCONNECTED') {
      closed = true;
      break;
    }
  }
  disconnect(ipc, client);
  for (const line of summaryLines(where, sent, rtts, json)) output.out(line);
  return rtts.length === sent && !closed ? 0 : 1;
}

module.exports = {
  name: 'ping',
  summary: 'measure round trips of "ping" requests',
  options,
  positionals: [],
  help,
  run,
};
