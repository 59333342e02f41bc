'use strict';
// Command line of `npm run bench` / `node bench/run.js`.

const USAGE = `Usage: node bench/run.js [options]   (npm run bench -- [options])

  --runs N            runs per (scenario, transport, implementation); the median is reported (default 3)
  --quick             10x fewer messages in every scenario, for a fast check
  --only LIST         scenarios, comma separated (default all):
                      flood,pingpong,pipelined,broadcast,large,churn,udploss
  --impl LIST         implementations, comma separated (default all): native,native-data,node-ipc,node-ipc-14,net
                      (native is the baseline of the ratios; node-ipc = 9.2.1, node-ipc-14 = 14.0.0)
  --transport LIST    transports, comma separated: unix,tcp,udp (default all); each scenario runs over
                      those it applies to (udp: pingpong, pipelined, udploss)
  --no-reduce         run node-ipc 9.2.1 with the full large size too (it times out)
  --no-rust           skip the Rust-to-Rust benchmark (ipc-core vs a bare tokio loop, via cargo)
  --timeout SECONDS   hard limit for one run, all its processes included (default 60)
  --json              machine-readable JSON on stdout (progress still goes to stderr)
  --svg PATH          write the chart of the throughput ratios (SVG) to PATH; default: the full default
                      run refreshes docs/bench-ratios.svg, any other run writes a file in the temp directory
  --no-svg            no chart
  -h, --help          this text
`;

function list(value, known, what) {
  const items = String(value).split(',').map((s) => s.trim()).filter(Boolean);
  if (items.length === 0) throw new Error(`--${what} needs a value`);
  for (const item of items) {
    if (!known.includes(item)) throw new Error(`unknown ${what} "${item}" (known: ${known.join(', ')})`);
  }
  return known.filter((k) => items.includes(k)); // canonical order
}

function positive(value, flag, integer) {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    throw new Error(`${flag} needs a positive ${integer ? 'integer' : 'number'}, got "${value}"`);
  }
  return n;
}

/**
 * @param {string[]} argv  process.argv.slice(2)
 * @param {{scenarios: string[], impls: string[], transports: string[]}} known
 */
function parseArgs(argv, known) {
  const opts = {
    runs: 3,
    quick: false,
    scenarios: known.scenarios,
    impls: known.impls,
    transports: known.transports,
    timeoutMs: null, // per scenario (scenario.timeoutS, default 60 s) unless given
    reduce: true,
    rust: true,
    json: false,
    svg: null, // null: the default path (lib/chart.js svgPath), false: --no-svg, else a path
    help: false,
  };
  for (let k = 0; k < argv.length; k++) {
    let arg = argv[k];
    let value;
    const eq = arg.indexOf('=');
    if (arg.startsWith('--') && eq !== -1) {
      value = arg.slice(eq + 1);
      arg = arg.slice(0, eq);
    }
    const takeValue = () => {
      if (value !== undefined) return value;
      if (k + 1 >= argv.length) throw new Error(`${arg} needs a value`);
      return argv[++k];
    };
    switch (arg) {
      case '--runs': opts.runs = positive(takeValue(), arg, true); break;
      case '--quick': opts.quick = true; break;
      case '--only': opts.scenarios = list(takeValue(), known.scenarios, 'scenario'); break;
      case '--impl': opts.impls = list(takeValue(), known.impls, 'impl'); break;
      case '--transport': opts.transports = list(takeValue(), known.transports, 'transport'); break;
      case '--timeout': opts.timeoutMs = positive(takeValue(), arg, false) * 1000; break;
      case '--json': opts.json = true; break;
      case '--no-reduce': opts.reduce = false; break;
      case '--no-rust': opts.rust = false; break;
      case '--svg': opts.svg = takeValue(); if (!opts.svg) throw new Error('--svg needs a path'); break;
      case '--no-svg': opts.svg = false; break;
      case '-h':
      case '--help': opts.help = true; break;
      default: throw new Error(`unknown option "${argv[k]}"`);
    }
  }
  return opts;
}

module.exports = { parseArgs, USAGE };
