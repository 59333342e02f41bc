'use strict';
// The SVG chart of `npm run bench`: for every (scenario, transport), node-ipc-native's
// throughput divided by node-ipc 9.2.1's, node-ipc 14's and the raw net floor's, as a
// horizontal grouped bar chart. chartData(doc) picks the ratios out of the bench document
// (they also go into --json), renderSvg(data) writes the SVG by hand: no dependency, no
// script, no external font, so GitHub shows it in its markdown preview.

const os = require('os');
const path = require('path');

/** The three implementations every group compares node-ipc-native with, in bar order. */
const SERIES = [
  { key: 'node-ipc', label: 'node-ipc 9.2.1' },
  { key: 'node-ipc-14', label: 'node-ipc 14' },
  { key: 'net', label: 'raw net' },
];

/** Where the full default run writes its chart (committed; docs/PERFORMANCE.md embeds it). */
const DEFAULT_SVG = path.join(__dirname, '..', '..', 'docs', 'bench-ratios.svg');

/** Log scale once the ratios (and 1x) span more than this factor. */
const LOG_SPAN = 10;

// ---- which run this is, where its chart goes -----------------------------------------

/**
 * The flags that make a run differ from the full default `npm run bench`.
 * @param {object} opts    parseArgs() result
 * @param {{scenarios: string[], impls: string[], transports: string[]}} known
 * @returns {{partial: boolean, flags: string[]}}  partial: anything but the full default
 *   set of rows at full size (--runs and --timeout keep a run full)
 */
function describeRun(opts, known) {
  const flags = [];
  const subset = (selected, all, flag) => {
    if (selected.length !== all.length) flags.push(`${flag} ${selected.join(',')}`);
  };
  if (opts.quick) flags.push('--quick');
  subset(opts.scenarios, known.scenarios, '--only');
  subset(opts.impls, known.impls, '--impl');
  subset(opts.transports, known.transports, '--transport');
  if (!opts.reduce) flags.push('--no-reduce');
  const partial = flags.length > 0;
  if (opts.runs !== 3) flags.push(`--runs ${opts.runs}`);
  if (opts.timeoutMs) flags.push(`--timeout ${opts.timeoutMs / 1000}`);
  return { partial, flags };
}

/**
 * Where to write the chart: null with --no-svg; --svg PATH if given; the committed
 * docs/bench-ratios.svg for the full default run; else a file in os.tmpdir(), so that a
 * quick or partial run never overwrites the committed chart.
 */
function svgPath(opts, run, date) {
  if (opts.svg === false) return null;
  if (typeof opts.svg === 'string') return path.resolve(opts.svg);
  if (!run.partial) return DEFAULT_SVG;
  const stamp = date.toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
  return path.join(os.tmpdir(), `node-ipc-native-bench-ratios-${stamp}.svg`);
}

// ---- data ---------------------------------------------------------------------------

const MISSING_TEXT = { timeout: 'timeout', failed: 'failed', 'n/a': 'n/a' };

/**
 * The data the chart shows, from the bench document ({meta, results, ratios}).
 * @param {object} doc
 * @param {{flags?: string[]}} [run]  describeRun() of the run (for the title)
 * @returns {{title, run, series, groups}}  groups[]: {scenario, transport, unit,
 *   describe (the sizes), rate (node-ipc-native's median), status, bars[]: {key, label,
 *   value (the ratio or null), status, text (shown when no value), reason, note (reduced)}}
 */
function chartData(doc, run = {}) {
  const { meta, results } = doc;
  const baseline = meta.baseline || 'native';
  const labelOf = (key, fallback) => {
    const impl = (meta.impls || []).find((i) => i.key === key);
    return impl ? impl.label.replace(/ \(raw floor\)$/, '') : fallback;
  };
  const series = SERIES.map((s) => ({
    key: s.key,
    label: s.key === 'net' ? 'raw net' : labelOf(s.key, s.label),
  }));
  const groups = [];
  const seen = new Set();
  for (const r of results) {
    const id = `${r.scenario}/${r.transport}`;
    if (seen.has(id)) continue;
    seen.add(id);
    const rows = results.filter((x) => x.scenario === r.scenario && x.transport === r.transport);
    const base = rows.find((x) => x.impl === baseline);
    const baseOk = Boolean(base && base.ok);
    const bars = series.map((s) => {
      const other = rows.find((x) => x.impl === s.key);
      const bar = { key: s.key, label: s.label, value: null, status: other ? other.status : 'not run', text: null, reason: null, note: null };
      if (other && other.reduced) bar.note = `${other.reduced} only`;
      if (other && !other.ok) {
        bar.text = MISSING_TEXT[other.status] || other.status;
        bar.reason = other.error || null;
      } else if (!other) {
        bar.text = 'not run';
      } else if (!baseOk) {
        bar.text = 'no ratio';
        bar.reason = base ? `node-ipc-native: ${base.status}${base.error ? ` (${base.error})` : ''}` : 'node-ipc-native not run';
      } else {
        const q = (doc.ratios || []).find((x) => x.scenario === r.scenario && x.transport === r.transport && x.other === s.key && x.metric === 'rate');
        if (q && Number.isFinite(q.value) && q.value > 0) bar.value = q.value;
        else bar.text = 'n/a';
      }
      return bar;
    });
    groups.push({
      scenario: r.scenario,
      transport: r.transport,
      unit: (meta.units && meta.units[r.scenario]) || '',
      describe: (meta.describe && meta.describe[r.scenario]) || null,
      rate: baseOk ? base.median.rate : null,
      status: base ? base.status : 'not run',
      bars,
    });
  }
  return {
    title: 'node-ipc-native throughput ÷ each alternative\'s throughput',
    run: {
      date: meta.date,
      node: meta.node,
      platform: meta.platform,
      arch: meta.arch,
      cpus: meta.cpus,
      cpuModel: meta.cpuModel,
      quick: Boolean(meta.quick),
      runs: meta.runs,
      flags: run.flags || [],
    },
    series,
    groups,
  };
}

// ---- scale --------------------------------------------------------------------------

/** 0.30000000000000004 -> 0.3 */
const clean = (x) => Number(x.toPrecision(12));

function niceStep(span, targetTicks) {
  const raw = span / targetTicks;
  const mag = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * mag >= raw) return m * mag;
  return 10 * mag;
}

/**
 * The axis for these ratios: log (bars grow from 1x, left of it = slower) when they span
 * more than LOG_SPAN, otherwise linear from 0. pos(v): 0..1 across the axis.
 * @param {number[]} values
 * @param {'log'|'linear'} [force]
 */
function chooseScale(values, force) {
  const all = [1, ...values];
  const lo = Math.min(...all);
  const hi = Math.max(...all);
  const kind = force || (hi / lo > LOG_SPAN ? 'log' : 'linear');
  if (kind === 'log') {
    // from the largest 1-2-5 step at or below the smallest ratio to the smallest at or
    // above the largest one: 0.74..10.1 -> 0.5..20
    const steps = [];
    for (let d = Math.floor(Math.log10(lo)) - 1; d <= Math.ceil(Math.log10(hi)); d++) {
      for (const m of [1, 2, 5]) steps.push(clean(m * 10 ** d));
    }
    const min = steps.filter((t) => t <= lo * (1 + 1e-9)).pop();
    let max = steps.find((t) => t >= hi * (1 - 1e-9));
    if (max === min) max = 2; // every ratio is exactly 1
    const ticks = steps.filter((t) => t >= min && t <= max);
    const a = Math.log10(min);
    const b = Math.log10(max);
    return { kind, min, max, origin: 1, ticks, pos: (v) => (Math.log10(v) - a) / (b - a) };
  }
  const step = niceStep(hi, 6);
  const max = clean(Math.ceil((hi * 1.02) / step) * step);
  const ticks = [];
  for (let k = 0; k * step <= max + 1e-9; k++) ticks.push(clean(k * step));
  if (!ticks.includes(1)) ticks.push(1);
  ticks.sort((x, y) => x - y);
  return { kind, min: 0, max, origin: 0, ticks, pos: (v) => v / max };
}

// ---- text ---------------------------------------------------------------------------

/** XML text/attribute escaping; drops the characters XML 1.0 does not allow. */
function esc(value) {
  let out = '';
  for (const ch of String(value)) {
    const c = ch.codePointAt(0);
    if (ch === '&') out += '&amp;';
    else if (ch === '<') out += '&lt;';
    else if (ch === '>') out += '&gt;';
    else if (ch === '"') out += '&quot;';
    else if (ch === '\'') out += '&apos;';
    else if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) out += ' ';
    else if ((c >= 0xd800 && c <= 0xdfff) || c === 0xfffe || c === 0xffff) out += '\ufffd';
    else out += ch;
  }
  return out;
}

/** "0.47×", "3.24×", "21.4×", "123×". */
function formatRatio(v) {
  const digits = v < 10 ? 2 : v < 100 ? 1 : 0;
  return `${v.toFixed(digits)}×`;
}

const formatTick = (v) => `${clean(v)}×`;

function compact(n) {
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e4) return `${Math.round(n / 1e3)}k`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}k`;
  return n >= 100 ? String(Math.round(n)) : n.toFixed(1);
}

/** Rough width of a text in the sans-serif stack (no font metrics without a renderer). */
const textWidth = (s, size) => String(s).length * size * 0.6;

function runLine(run) {
  const kind = run.quick ? 'quick run (--quick)' : 'full run';
  const flags = run.flags.filter((f) => f !== '--quick' && !f.startsWith('--runs '));
  return `${kind}, ${run.runs} run${run.runs === 1 ? '' : 's'} per row (median)${flags.length ? `, ${flags.join(' ')}` : ''}`;
}

function machineLine(run) {
  const cpu = String(run.cpuModel || 'unknown CPU').replace(/\s+/g, ' ').trim();
  const shortCpu = cpu.length > 60 ? `${cpu.slice(0, 57)}...` : cpu;
  return `${String(run.date || '').slice(0, 10)} · Node ${run.node} · ${run.platform}/${run.arch} · ${run.cpus} × ${shortCpu}`;
}

// ---- SVG ----------------------------------------------------------------------------

const PALETTE = {
  light: { bg: '#ffffff', fg: '#1f2328', mu: '#59636e', grid: '#d1d9e0', stripe: '#f6f8fa' },
  dark: { bg: '#0d1117', fg: '#e6edf3', mu: '#9198a1', grid: '#3d444d', stripe: '#151b23' },
};
/** Bar colours, one per series: mid-luminance, distinguishable, readable on both backgrounds. */
const BAR_COLOURS = ['#d9822b', '#3b82c4', '#2a9d8f'];

const L = {
  width: 960,
  margin: 24,
  barH: 14,
  barGap: 4,
  groupPad: 18,
  labelSize: 13,
  valueSize: 12,
  padValues: 64, // room for a value label beyond the last tick
};

/**
 * The chart as an SVG document.
 * @param {ReturnType<typeof chartData>} data
 * @param {{scale?: 'log'|'linear'}} [options]
 * @returns {string}
 */
function renderSvg(data, options = {}) {
  const values = data.groups.flatMap((g) => g.bars.map((b) => b.value)).filter((v) => v != null);
  const scale = chooseScale(values, options.scale);
  const notes = [];
  const noteMark = (note, label, g) => {
    const text = `${label} ran ${g.scenario} with ${note}${g.describe ? ` (the others: ${g.describe})` : ''}: a shorter burst, which flatters it.`;
    let k = notes.indexOf(text);
    if (k === -1) k = notes.push(text) - 1;
    return '*'.repeat(k + 1);
  };

  const W = L.width;
  const m = L.margin;
  const groupLabels = data.groups.map((g) => `${g.scenario} · ${g.transport}`);
  const labelW = Math.max(140, ...groupLabels.map((s) => textWidth(s, 14) + 16));
  const plotX0 = m + labelW;
  const plotX1 = W - m;
  const anyBelow = scale.kind === 'log' && values.some((v) => v < 1);
  const axisX0 = plotX0 + (anyBelow ? L.padValues : 8);
  const axisX1 = plotX1 - L.padValues;
  const X = (v) => round(axisX0 + scale.pos(v) * (axisX1 - axisX0));

  const headerH = 154;
  const groupH = 3 * L.barH + 2 * L.barGap + L.groupPad;
  const plotY0 = headerH;
  const plotY1 = plotY0 + data.groups.length * groupH;

  const out = [];
  const sub = data.series.map((s) => s.label).join(', ');
  const title = data.title;
  const descLines = [
    'Horizontal grouped bar chart. For each scenario and transport, three bars: ' +
    `node-ipc-native's throughput divided by that of ${sub}. A ratio above 1 means node-ipc-native is faster. ` +
    `${scale.kind === 'log' ? 'Logarithmic' : 'Linear'} axis. ${runLine(data.run)}; ${machineLine(data.run)}.`,
  ];
  for (const g of data.groups) {
    const parts = g.bars.map((b) => `${b.label} ${b.value != null ? formatRatio(b.value) : b.text}${noteText(b)}`);
    descLines.push(`${g.scenario} over ${g.transport}: ${parts.join(', ')}.`);
  }

  out.push(`<title id="chart-title">${esc(`${title} (${String(data.run.date || '').slice(0, 10)})`)}</title>`);
  out.push(`<desc id="chart-desc">${esc(descLines.join(' '))}</desc>`);
  const p = PALETTE;
  // CSS overrides the presentation attributes (the light look) when the viewer is dark
  const css = (c) => `.bg{fill:${c.bg}}.fg{fill:${c.fg}}.mu{fill:${c.mu}}.grid{stroke:${c.grid}}.stripe{fill:${c.stripe}}.one{stroke:${c.fg}}`;
  out.push(`<style>${css(p.light)}@media (prefers-color-scheme: dark){${css(p.dark)}}</style>`);
  /** A <text>; class "fg ..." or "mu ..." (muted); content already escaped. */
  const text = (cls, x, y, size, content, attrs = '') =>
    `<text class="${cls}" x="${x}" y="${y}" font-size="${size}"${attrs} fill="${cls.startsWith('fg') ? p.light.fg : p.light.mu}">${content}</text>`;

  // header: title, what the ratio is, the run, the machine, the legend
  out.push(text('fg', m, 34, 19, esc(title), ' font-weight="600"'));
  out.push(text('mu', m, 56, 13, esc('Same run, same scenario and transport; > 1× = node-ipc-native faster, < 1× = slower. ' +
    (scale.kind === 'log' ? 'Log scale, bars grow from 1×.' : 'Linear scale.'))));
  out.push(text('mu run', m, 75, 13, esc(runLine(data.run))));
  out.push(text('mu machine', m, 93, 13, esc(machineLine(data.run))));
  let lx = m;
  out.push('<g class="legend">');
  data.series.forEach((s, k) => {
    out.push(`<rect x="${lx}" y="108" width="14" height="14" rx="2" fill="${BAR_COLOURS[k]}"/>`);
    out.push(text('fg', lx + 20, 120, 13, esc(`vs ${s.label}`)));
    lx = round(lx + 20 + textWidth(`vs ${s.label}`, 13) + 24);
  });
  out.push('</g>');

  // stripes and group labels
  data.groups.forEach((g, gi) => {
    const y = plotY0 + gi * groupH;
    if (gi % 2 === 1) out.push(`<rect class="stripe" x="${m}" y="${y}" width="${W - 2 * m}" height="${groupH}" fill="${p.light.stripe}"/>`);
    const cy = y + L.groupPad / 2 + (3 * L.barH + 2 * L.barGap) / 2;
    out.push(text('fg group-label', m + 4, cy - 3, 14, esc(groupLabels[gi]), ' font-weight="600"'));
    const second = g.rate != null ? `native ${compact(g.rate)} ${g.unit}` : `node-ipc-native: ${g.status}`;
    out.push(text('mu', m + 4, cy + 13, 12, esc(second)));
  });

  // grid and axis labels (top and bottom)
  out.push('<g class="axis">');
  const labelAll = (axisX1 - axisX0) / Math.max(1, scale.ticks.length - 1) >= 34;
  for (const t of scale.ticks) {
    const x = X(t);
    const major = scale.kind === 'linear' || Math.abs(Math.log10(t) - Math.round(Math.log10(t))) < 1e-9;
    if (t !== scale.origin || scale.kind === 'linear') {
      out.push(`<line class="grid" x1="${x}" y1="${plotY0 - 6}" x2="${x}" y2="${plotY1}" stroke="${p.light.grid}" stroke-width="1"` +
        `${major ? '' : ' stroke-dasharray="2 3"'}/>`);
    }
    if (major || labelAll) {
      for (const y of [plotY0 - 10, plotY1 + 16]) out.push(text('mu tick', x, y, 12, esc(formatTick(t)), ' text-anchor="middle"'));
    }
  }
  out.push('</g>');

  // bars
  out.push('<g class="bars">');
  const x1 = X(1);
  const xo = X(scale.origin);
  data.groups.forEach((g, gi) => {
    const y0 = plotY0 + gi * groupH + L.groupPad / 2;
    g.bars.forEach((b, k) => {
      const y = y0 + k * (L.barH + L.barGap);
      const ty = y + L.barH - 3;
      if (b.value == null) {
        const reason = b.reason ? `<title>${esc(`${b.label}: ${b.reason}`)}</title>` : '';
        out.push(text('mu missing', xo + 6, ty, L.valueSize, `${reason}${esc(`${b.label}: ${b.text}`)}`,
          ` font-style="italic" data-series="${esc(b.key)}"`));
        return;
      }
      const xv = X(b.value);
      const left = Math.min(xo, xv);
      const w = round(Math.abs(xv - xo));
      const mark = b.note ? noteMark(b.note, b.label, g) : '';
      const label = `${formatRatio(b.value)}${mark}`;
      out.push(`<rect class="bar" data-series="${esc(b.key)}" data-ratio="${b.value}" x="${left}" y="${y}" width="${w}" height="${L.barH}" ` +
        `fill="${BAR_COLOURS[k]}"><title>${esc(`${g.scenario}/${g.transport}, vs ${b.label}: ${formatRatio(b.value)}${noteText(b)}`)}</title></rect>`);
      const below = scale.kind === 'log' && b.value < 1;
      out.push(text('fg value', below ? left - 4 : left + w + 4, ty, L.valueSize, esc(label),
        `${below ? ' text-anchor="end"' : ''} data-series="${esc(b.key)}"`));
    });
  });
  out.push('</g>');

  // the 1x line, over the bars
  out.push(`<line class="one" x1="${x1}" y1="${plotY0 - 6}" x2="${x1}" y2="${plotY1}" stroke="${p.light.fg}" stroke-width="1.5"/>`);

  // footer: notes on shortened runs, what "n/a"/"timeout" mean, where the chart comes from
  let fy = plotY1 + 44;
  notes.forEach((note, k) => {
    out.push(text('mu note', m, fy, 12, esc(`${'*'.repeat(k + 1)} ${note}`)));
    fy += 18;
  });
  for (const line of [
    'No bar: that implementation has no result in this run (timeout, failed, n/a) or was not selected (not run).',
    'Throughput: msg/s, round trips/s or cycles/s of the scenario, median of the runs (bench/README.md). ' +
      'Generated by npm run bench (bench/lib/chart.js).',
  ]) {
    out.push(text('mu', m, fy, 12, esc(line)));
    fy += 18;
  }
  const H = fy + 2;
  const head = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" ` +
      'aria-labelledby="chart-title chart-desc" font-family="-apple-system, BlinkMacSystemFont, \'Segoe UI\', \'Noto Sans\', Helvetica, Arial, sans-serif">',
  ];
  // <title> and <desc> first (out[0], out[1]), then the style, then the background
  out.splice(3, 0, `<rect class="bg" x="0" y="0" width="${W}" height="${H}" fill="${p.light.bg}"/>`);
  return `${[...head, ...out, '</svg>'].join('\n')}\n`;
}

const round = (x) => Math.round(x * 100) / 100;
const noteText = (b) => (b.note ? ` (${b.note})` : '');

/**
 * The hook of bench/run.js: builds the chart of this run's document, writes it where
 * svgPath() says (unless --no-svg or there is no ratio at all) and returns what goes
 * into --json as `chart`: {file, partial, title, run, series, groups}.
 * @param {object} doc    {meta, results, ratios}
 * @param {object} opts   parseArgs() result
 * @param {object} known  the scenario/impl/transport names parseArgs() was given
 * @param {(text: string) => void} say  progress output (stderr)
 */
function writeChart(doc, opts, known, say) {
  const fs = require('fs');
  const run = describeRun(opts, known);
  const data = chartData(doc, run);
  let file = svgPath(opts, run, new Date(doc.meta.date));
  const anyRatio = data.groups.some((g) => g.bars.some((b) => b.value != null));
  if (file && !anyRatio) {
    say('chart: not written (no ratio in this run: select node-ipc-native and at least one of node-ipc, node-ipc-14, net)');
    file = null;
  } else if (file) {
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, renderSvg(data));
      say(`chart of the throughput ratios: ${file}${run.partial && !opts.svg ? ' (partial run: docs/bench-ratios.svg is left alone)' : ''}`);
    } catch (err) {
      say(`chart: could not write ${file}: ${err.message}`);
      file = null;
    }
  }
  return { file, partial: run.partial, ...data };
}

module.exports = {
  SERIES, DEFAULT_SVG, LOG_SPAN, describeRun, svgPath, chartData, chooseScale, renderSvg, writeChart, formatRatio, esc,
};
