'use strict';
// Summaries (medians over the runs), ratios against the baseline implementation and
// the text table.

const { median } = require('./stats');

/** Metrics of a run that are summarised; `better` says which direction is good. */
const METRICS = {
  rate: { better: 'higher' },
  ms: { better: 'lower' },
  p50: { better: 'lower' },
  p99: { better: 'lower' },
  serverRss: { better: 'lower' },
  clientRss: { better: 'lower' },
  // udploss only (null elsewhere, so no ratio):
  sent: { better: 'higher' },
  received: { better: 'higher' },
  lossPct: { better: 'lower' },
  delivered: { better: 'higher' },
  emitRate: { better: 'higher' },
};

/** Metrics that get a ratio line (the others are in the table only). */
const RATIO_METRICS = ['rate', 'ms', 'p50', 'p99', 'serverRss', 'clientRss', 'delivered', 'emitRate'];

/** One row: an (scenario, transport, impl) with all its runs. Failed if any run failed. */
function summarize(row) {
  const okRuns = row.runs.filter((r) => r.ok);
  const failed = row.runs.filter((r) => !r.ok);
  const out = {
    ...row,
    ok: row.runs.length > 0 && failed.length === 0,
    error: failed.length ? failed.map((r) => r.error).find(Boolean) : null,
    median: null,
    range: null,
  };
  if (out.ok) {
    out.median = {};
    for (const key of Object.keys(METRICS)) out.median[key] = median(okRuns.map((r) => r[key]));
    const rates = okRuns.map((r) => r.rate);
    out.range = { rateMin: Math.min(...rates), rateMax: Math.max(...rates) };
    const losses = okRuns.map((r) => r.lossPct).filter((x) => typeof x === 'number');
    if (losses.length) Object.assign(out.range, { lossMin: Math.min(...losses), lossMax: Math.max(...losses) });
  }
  return out;
}

/** Ratios baseline/other of every metric, for each other implementation of the same group. */
function ratios(rows, baselineKey) {
  const out = [];
  const groups = new Map();
  for (const row of rows) {
    const key = `${row.scenario}/${row.transport}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(row);
  }
  for (const group of groups.values()) {
    const base = group.find((r) => r.impl === baselineKey);
    if (!base || !base.ok) continue;
    for (const other of group) {
      if (other === base || !other.ok) continue;
      for (const metric of RATIO_METRICS) {
        const { better } = METRICS[metric];
        const a = base.median[metric];
        const b = other.median[metric];
        if (a == null || b == null || b === 0) continue;
        out.push({
          scenario: base.scenario,
          transport: base.transport,
          baseline: base.impl,
          other: other.impl,
          otherLabel: other.short,
          metric,
          value: a / b,
          better,
        });
      }
    }
  }
  return out;
}

// ---- text output --------------------------------------------------------------------

const int = (n) => Math.round(n).toLocaleString('en-US');
const fixed = (n, d) => n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
const mb = (bytes) => `${fixed(bytes / (1024 * 1024), 1)} MB`;
const compact = (n) => (n >= 1e6 ? `${fixed(n / 1e6, 2)}M` : n >= 1e3 ? `${fixed(n / 1e3, 1)}k` : fixed(n, 0));

function table(headers, rows, align) {
  const widths = headers.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const fmt = (cells) => cells.map((cell, c) => (align[c] === 'r' ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  ').trimEnd();
  return [fmt(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(fmt)].join('\n');
}

// Ratio lines per scenario: the line's name, or null for no line.
const RATIO_LINES = [
  { metric: 'rate', flood: 'throughput', pingpong: 'round trips/s', udploss: 'delivered msg/s', note: 'higher = native faster' },
  { metric: 'delivered', flood: null, pingpong: null, udploss: 'delivered share', note: 'higher = native loses less' },
  { metric: 'emitRate', flood: null, pingpong: null, udploss: 'emit loop msg/s', note: 'higher = native emit() returns sooner' },
  { metric: 'p50', flood: null, pingpong: 'p50 latency', udploss: null, note: 'lower = native faster' },
  { metric: 'p99', flood: null, pingpong: 'p99 latency', udploss: null, note: 'lower = native faster' },
  { metric: 'serverRss', flood: 'server peak RSS', pingpong: 'server peak RSS', udploss: 'receiver peak RSS', note: 'lower = native smaller' },
  { metric: 'clientRss', flood: 'client peak RSS', pingpong: 'client peak RSS', udploss: 'sender peak RSS', note: 'lower = native smaller' },
];

function describeSizes(sizes) {
  return Object.entries(sizes).map(([name, s]) => {
    if (name === 'udploss') return `udploss ${int(s.count)} datagrams (${int(s.settleMs)} ms settle)`;
    return `${name} ${int(s.count)} ${name === 'flood' ? 'messages' : 'round trips'} (+${int(s.warmup)} warm-up)`;
  }).join(', ');
}

function streamTable(results) {
  const headers = ['scenario', 'via', 'implementation', 'throughput', 'min..max', 'p50 us', 'p99 us', 'time ms', 'server RSS', 'client RSS', 'runs ok', 'status'];
  const align = ['l', 'l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'l'];
  const rows = results.map((r) => {
    const okCount = r.runs.filter((x) => x.ok).length;
    const base = [r.scenario, r.transport, r.label];
    const runsOk = `${okCount}/${r.runs.length}`;
    if (!r.ok) return [...base, '-', '-', '-', '-', '-', '-', '-', runsOk, 'FAILED'];
    const m = r.median;
    const unit = r.scenario === 'flood' ? 'msg/s' : 'rt/s';
    return [
      ...base,
      `${int(m.rate)} ${unit}`,
      `${compact(r.range.rateMin)}..${compact(r.range.rateMax)}`,
      m.p50 == null ? '-' : fixed(m.p50, 1),
      m.p99 == null ? '-' : fixed(m.p99, 1),
      int(m.ms),
      mb(m.serverRss),
      mb(m.clientRss),
      runsOk,
      'ok',
    ];
  });
  return table(headers, rows, align);
}

function udpTable(results) {
  const headers = ['scenario', 'via', 'implementation', 'sent', 'received', 'loss %', 'loss min..max', 'delivered msg/s', 'emit msg/s', 'time ms', 'recv RSS', 'send RSS', 'runs ok', 'status'];
  const align = ['l', 'l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'l'];
  const rows = results.map((r) => {
    const okCount = r.runs.filter((x) => x.ok).length;
    const base = [r.scenario, r.transport, r.label];
    const runsOk = `${okCount}/${r.runs.length}`;
    if (!r.ok) return [...base, '-', '-', '-', '-', '-', '-', '-', '-', '-', runsOk, 'FAILED'];
    const m = r.median;
    return [
      ...base,
      int(m.sent),
      int(m.received),
      fixed(m.lossPct, 2),
      `${fixed(r.range.lossMin, 1)}..${fixed(r.range.lossMax, 1)}`,
      int(m.rate),
      m.emitRate == null ? '-' : int(m.emitRate),
      m.ms == null ? '-' : int(m.ms),
      mb(m.serverRss),
      mb(m.clientRss),
      runsOk,
      'ok',
    ];
  });
  return table(headers, rows, align);
}

function formatText(doc) {
  const { meta, results } = doc;
  const lines = [];
  lines.push(`node-ipc-native bench - ${meta.date}`);
  lines.push(`node ${meta.node} on ${meta.platform}/${meta.arch}, ${meta.cpus} x ${meta.cpuModel}`);
  lines.push(`${describeSizes(meta.sizes)}; ${meta.runs} run(s) each, median shown; server and client in separate processes${meta.quick ? '; --quick' : ''}`);

  const stream = results.filter((r) => r.scenario !== 'udploss');
  const udp = results.filter((r) => r.scenario === 'udploss');
  if (stream.length) {
    lines.push('');
    lines.push(streamTable(stream));
  }
  if (udp.length) {
    lines.push('');
    lines.push(udpTable(udp));
  }

  const failures = results.filter((r) => !r.ok);
  if (failures.length) {
    lines.push('');
    for (const r of failures) lines.push(`FAILED ${r.scenario}/${r.transport} ${r.label}: ${r.error}`);
  }

  if (doc.ratios.length) {
    lines.push('');
    lines.push('node-ipc-native / other, same run, ratio of the medians:');
    const groups = [...new Set(doc.ratios.map((x) => `${x.scenario}/${x.transport}`))];
    const labelWidth = Math.max(...groups.map((g) => g.length));
    for (const group of groups) {
      const items = doc.ratios.filter((x) => `${x.scenario}/${x.transport}` === group);
      const scenario = items[0].scenario;
      let first = true;
      const specs = RATIO_LINES.filter((spec) => spec[scenario] != null);
      const nameWidth = Math.max(...specs.map((spec) => spec[scenario].length));
      for (const spec of specs) {
        const cells = items.filter((x) => x.metric === spec.metric)
          .map((x) => `native/${x.otherLabel}: ${fixed(x.value, 2)}x`);
        if (!cells.length) continue;
        const name = spec[scenario].padEnd(nameWidth);
        lines.push(`  ${(first ? group : '').padEnd(labelWidth)}  ${name}  ${cells.join('   ')}   (${spec.note})`);
        first = false;
      }
    }
  }
  lines.push('');
  if (stream.length) {
    lines.push('throughput: flood = messages / (server receipt of the last - client\'s first emit), pingpong = round trips / time;');
    lines.push('p50/p99: round-trip latency seen by the client; RSS: peak resident set size (getrusage maxrss) of each process.');
  }
  if (udp.length) {
    lines.push('udploss: one emit per datagram in a synchronous loop, no flow control; received = distinct well-formed messages counted');
    lines.push('by the receiver until settle time after the sender\'s "done"; delivered msg/s = received / (last receipt - first emit);');
    lines.push('emit msg/s = sent / duration of the emit loop; net (raw floor) is node:dgram there. Loss is reported, not failed.');
  }
  return lines.join('\n');
}

module.exports = { summarize, ratios, formatText };
