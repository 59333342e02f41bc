'use strict';
// Summaries (medians over the runs), ratios against the baseline implementation and
// the text output: one table, every figure of every row plus its ratios.

const { median } = require('./stats');

/** Metrics of a run that are summarised; `better` says which direction is good. */
const METRICS = {
  rate: { better: 'higher' },
  ms: { better: 'lower' },
  p50: { better: 'lower' },
  p99: { better: 'lower' },
  serverRss: { better: 'lower' },
  clientRss: { better: 'lower' },
  // scenario-specific (null elsewhere, so no ratio):
  mibps: { better: 'higher' }, // large
  deliveries: { better: 'higher' }, // broadcast: messages delivered per second, all clients
  sent: { better: 'higher' }, // udploss
  received: { better: 'higher' },
  lossPct: { better: 'lower' },
  delivered: { better: 'higher' },
  emitRate: { better: 'higher' },
};

/** Metrics that get a ratio (in --json; the table shows the first five). */
const RATIO_METRICS = ['rate', 'p50', 'p99', 'serverRss', 'clientRss', 'ms', 'mibps', 'deliveries', 'delivered', 'emitRate'];

/**
 * One row: an (scenario, transport, impl) with all its runs. ok if every run was;
 * status: 'ok' | 'timeout' | 'n/a' | 'failed'.
 */
function summarize(row) {
  const okRuns = row.runs.filter((r) => r.ok);
  const failed = row.runs.filter((r) => !r.ok);
  let status = 'ok';
  if (row.runs.length === 0) status = 'failed';
  else if (failed.some((r) => r.na)) status = 'n/a';
  else if (failed.some((r) => r.timeout)) status = 'timeout';
  else if (failed.length) status = 'failed';
  const out = {
    ...row,
    ok: status === 'ok',
    status,
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
          otherReduced: other.reduced || null,
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
const compact = (n) => (n >= 1e6 ? `${fixed(n / 1e6, 2)}M` : n >= 1e3 ? `${fixed(n / 1e3, 1)}k` : fixed(n, n >= 100 ? 0 : 1));
const ratioCell = (x) => (x == null ? '-' : `${fixed(x, 2)}x`);

function table(headers, rows, align) {
  const widths = headers.map((h, c) => Math.max(h.length, ...rows.map((r) => (r === null ? 0 : r[c].length))));
  const fmt = (cells) => cells.map((cell, c) => (align[c] === 'r' ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  ').trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [fmt(headers), rule, ...rows.map((r) => (r === null ? '' : fmt(r)))].join('\n');
}

/** Scenario-specific figures of a row ("other" column). */
function extra(r) {
  const m = r.median;
  switch (r.scenario) {
    case 'large': return m.mibps == null ? '' : `${fixed(m.mibps, 1)} MiB/s`;
    case 'broadcast': return m.deliveries == null ? '' : `${compact(m.deliveries)} deliveries/s`;
    case 'udploss':
      return `recv ${int(m.received)}/${int(m.sent)}, loss ${fixed(m.lossPct, 1)} % ` +
        `(${fixed(r.range.lossMin, 1)}..${fixed(r.range.lossMax, 1)}), emit ${compact(m.emitRate)}/s`;
    default: return '';
  }
}

function statusCell(r, meta) {
  if (r.status === 'ok') return 'ok';
  const reason = String(r.error || '').replace(/\s+/g, ' ');
  if (r.status === 'timeout') return `timeout (${reason.replace(/^timed out after /, '')})`;
  if (r.status === 'n/a') return `n/a (${reason})`;
  return `FAILED: ${reason.length > 90 ? `${reason.slice(0, 87)}...` : reason}`;
}

function mainTable(doc) {
  const { results, ratios: rs, meta } = doc;
  const headers = ['scenario', 'via', 'implementation', 'runs', 'throughput', 'min..max', 'p50 us', 'p99 us', 'time ms', 'other figures',
    'server RSS', 'client RSS', '|', 'thr', 'p50', 'p99', 'srv RSS', 'cli RSS', 'status'];
  const align = ['l', 'l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'l', 'r', 'r', 'l', 'r', 'r', 'r', 'r', 'r', 'l'];
  const rows = [];
  let previous = null;
  for (const r of results) {
    const group = `${r.scenario}/${r.transport}`;
    if (previous !== null && group !== previous) rows.push(null);
    previous = group;
    const okCount = r.runs.filter((x) => x.ok).length;
    const label = r.reduced ? `${r.label} [${r.reduced} only]` : r.label;
    const base = [r.scenario, r.transport, label, `${okCount}/${r.runs.length}`];
    const ratio = (metric) => {
      if (r.impl === meta.baseline) return null;
      const x = rs.find((q) => q.scenario === r.scenario && q.transport === r.transport && q.other === r.impl && q.metric === metric);
      return x ? x.value : null;
    };
    const ratios5 = r.impl === meta.baseline
      ? ['|', 'base', '', '', '', '']
      : ['|', ratioCell(ratio('rate')), ratioCell(ratio('p50')), ratioCell(ratio('p99')), ratioCell(ratio('serverRss')), ratioCell(ratio('clientRss'))];
    if (!r.ok) {
      rows.push([...base, '-', '-', '-', '-', '-', '', '-', '-', ...(r.impl === meta.baseline ? ratios5 : ['|', '-', '-', '-', '-', '-']), statusCell(r, meta)]);
      continue;
    }
    const m = r.median;
    rows.push([
      ...base,
      `${int(m.rate)} ${meta.units[r.scenario]}`,
      `${compact(r.range.rateMin)}..${compact(r.range.rateMax)}`,
      m.p50 == null ? '-' : fixed(m.p50, 1),
      m.p99 == null ? '-' : fixed(m.p99, 1),
      m.ms == null ? '-' : int(m.ms),
      extra(r),
      mb(m.serverRss),
      mb(m.clientRss),
      ...ratios5,
      statusCell(r, meta),
    ]);
  }
  return table(headers, rows, align);
}

function formatText(doc) {
  const { meta, results } = doc;
  const lines = [];
  lines.push(`node-ipc-native bench - ${meta.date} - ${fixed(meta.elapsedS, 0)} s`);
  lines.push(`node ${meta.node} on ${meta.platform}/${meta.arch}, ${meta.cpus} x ${meta.cpuModel}`);
  lines.push(`sizes${meta.quick ? ' (--quick)' : ''}:`);
  const names = Object.keys(meta.sizes);
  for (let k = 0; k < names.length; k += 3) lines.push(`  ${names.slice(k, k + 3).map((name) => meta.describe[name]).join('; ')}`);
  lines.push(`${meta.runs} run(s) per row, median shown${meta.fewerRuns.length ? `; fewer runs: ${meta.fewerRuns.join('; ')}` : ''}. ` +
    'Server and every client in separate processes, public node-ipc API only (raw node:net/dgram for the floor).');
  for (const impl of meta.impls) lines.push(`  ${impl.label}: ${impl.note}`);
  for (const note of meta.notes) lines.push(`  ${note}`);
  lines.push('');
  lines.push(mainTable(doc));

  const problems = results.filter((r) => !r.ok && r.status !== 'n/a');
  if (problems.length) {
    lines.push('');
    for (const r of problems) lines.push(`${r.status.toUpperCase()} ${r.scenario}/${r.transport} ${r.label}: ${r.error}`);
  }
  lines.push('');
  lines.push('thr, p50, p99, srv RSS, cli RSS (right of |): node-ipc-native / this implementation, ratio of the medians of the same run');
  lines.push('  (same scenario and transport).');
  lines.push('  thr > 1: native has the higher throughput; p50, p99, srv RSS, cli RSS < 1: native is faster / smaller.');
  lines.push('throughput: flood, large = messages / (server receipt of the last - client\'s first emit); pingpong, pipelined =');
  lines.push('  round trips / time; broadcast = broadcast messages / (last client\'s receipt of the last - first broadcast call), each one');
  lines.push('  delivered to every client (deliveries/s = that x the 8 clients); churn = cycles / time; udploss = distinct messages received /');
  lines.push('  (last receipt - first emit). min..max: throughput over the runs. time ms: the measured interval (median).');
  lines.push('p50/p99: pingpong round trip, pipelined request -> its reply (with the window in flight), churn whole cycle; client clock.');
  lines.push('RSS: peak resident set size (getrusage maxrss) of the server and the client process (broadcast: largest of the clients;');
  lines.push('  udploss: receiver and sender); it includes start-up and warm-up.');
  lines.push('Integrity, every run: each message exactly once, in order, content checked (flood, pingpong, pipelined, broadcast:');
  lines.push('  every message/reply {i, s} in sequence plus a checksum of all; large: CRC-32 of every 1 MiB payload; churn: every');
  lines.push('  cycle\'s reply, one request per connection, every disconnection seen by the server). udploss: loss is reported, not');
  lines.push('  failed, but every received datagram must be well-formed and not a duplicate. recv: distinct messages received / sent;');
  lines.push('  emit: sent / duration of the emit loop (how soon emit() returns). Median and min..max of the loss over the runs.');
  lines.push('UDP applies to pingpong, pipelined and udploss (flood over UDP is udploss; broadcast and churn need connections;');
  lines.push('  1 MiB does not fit in a datagram).');
  return lines.join('\n');
}

module.exports = { summarize, ratios, formatText };
