'use strict';
// bench/lib/chart.js, in process: the SVG of the throughput ratios that `npm run bench`
// writes. Fixed ratio data (with missing baselines, a ratio below 1, a shortened run) goes
// in; the SVG is parsed with a small regex-free XML checker written here, and its bars,
// labels, "n/a"/"timeout" texts, bar widths on the chosen scale and text escaping are
// asserted. Also: chartData() from a bench document built with bench/lib/report.js, the
// choice of the output path, and the --svg / --no-svg flags.

const test = require('node:test');
const assert = require('node:assert/strict');
const os = require('os');
const path = require('path');
const chart = require('../bench/lib/chart.js');
const { summarize, ratios } = require('../bench/lib/report.js');
const { parseArgs } = require('../bench/lib/cli.js');

// ---- a tiny XML checker: well-formedness, tag balance, a tree to query --------------

const NAME_START = (c) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_' || c === ':';
const NAME_CHAR = (c) => NAME_START(c) || (c >= '0' && c <= '9') || c === '-' || c === '.';
const SPACE = (c) => c === ' ' || c === '\n' || c === '\t' || c === '\r';
const ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', apos: '\'' };

/** Decodes the references of a text or attribute value; throws on a bare '&' or a '<'. */
function decode(raw, where) {
  let out = '';
  for (let k = 0; k < raw.length; k++) {
    const c = raw[k];
    if (c === '<') throw new Error(`'<' in ${where}`);
    if (c !== '&') {
      out += c;
      continue;
    }
    const end = raw.indexOf(';', k);
    if (end === -1) throw new Error(`bare '&' in ${where}`);
    const ref = raw.slice(k + 1, end);
    if (ref[0] === '#') {
      const hex = ref[1] === 'x';
      const digits = ref.slice(hex ? 2 : 1);
      const code = Number.parseInt(digits, hex ? 16 : 10);
      if (!digits || !Number.isInteger(code)) throw new Error(`bad reference &${ref}; in ${where}`);
      out += String.fromCodePoint(code);
    } else if (Object.prototype.hasOwnProperty.call(ENTITIES, ref)) {
      out += ENTITIES[ref];
    } else {
      throw new Error(`unknown entity &${ref}; in ${where}`);
    }
    k = end;
  }
  return out;
}

/** Parses an XML document (no DTD, no CDATA); returns its root element {name, attrs, children}. */
function parseXml(text) {
  const doc = { name: '#document', attrs: {}, children: [] };
  const stack = [doc];
  let i = 0;
  const fail = (msg) => {
    throw new Error(`${msg} (at offset ${i})`);
  };
  const readName = () => {
    const start = i;
    if (!NAME_START(text[i])) fail('name expected');
    while (i < text.length && NAME_CHAR(text[i])) i++;
    return text.slice(start, i);
  };
  const skipSpace = () => {
    const start = i;
    while (i < text.length && SPACE(text[i])) i++;
    return i > start;
  };
  while (i < text.length) {
    const top = stack[stack.length - 1];
    if (text.startsWith('<?', i)) {
      if (i !== 0) fail('processing instruction only as the XML declaration');
      const end = text.indexOf('?>', i);
      if (end === -1) fail('unterminated declaration');
      i = end + 2;
    } else if (text.startsWith('<!--', i)) {
      const end = text.indexOf('-->', i + 4);
      if (end === -1) fail('unterminated comment');
      i = end + 3;
    } else if (text.startsWith('<!', i)) {
      fail('no DOCTYPE or CDATA expected');
    } else if (text.startsWith('</', i)) {
      i += 2;
      const name = readName();
      skipSpace();
      if (text[i] !== '>') fail(`'>' expected after </${name}`);
      i++;
      if (stack.length === 1 || top.name !== name) fail(`</${name}> does not close <${top.name}>`);
      stack.pop();
    } else if (text[i] === '<') {
      i++;
      const el = { name: readName(), attrs: {}, children: [] };
      if (stack.length === 1 && doc.children.some((c) => typeof c === 'object')) fail('second root element');
      for (;;) {
        const spaced = skipSpace();
        if (text.startsWith('/>', i)) {
          i += 2;
          top.children.push(el);
          break;
        }
        if (text[i] === '>') {
          i++;
          top.children.push(el);
          stack.push(el);
          break;
        }
        if (!spaced) fail(`space expected before an attribute of <${el.name}>`);
        const attr = readName();
        skipSpace();
        if (text[i] !== '=') fail(`'=' expected after ${attr}`);
        i++;
        skipSpace();
        const quote = text[i];
        if (quote !== '"' && quote !== '\'') fail(`quoted value expected for ${attr}`);
        const end = text.indexOf(quote, i + 1);
        if (end === -1) fail(`unterminated value of ${attr}`);
        if (Object.prototype.hasOwnProperty.call(el.attrs, attr)) fail(`duplicate attribute ${attr}`);
        el.attrs[attr] = decode(text.slice(i + 1, end), `attribute ${attr}`);
        i = end + 1;
      }
    } else {
      let end = text.indexOf('<', i);
      if (end === -1) end = text.length;
      const raw = text.slice(i, end);
      const value = decode(raw, `text of <${top.name}>`);
      if (stack.length === 1) {
        for (const c of value) if (!SPACE(c)) fail('text outside the root element');
      } else {
        top.children.push(value);
      }
      i = end;
    }
  }
  if (stack.length !== 1) throw new Error(`unclosed <${stack[stack.length - 1].name}>`);
  const roots = doc.children.filter((c) => typeof c === 'object');
  if (roots.length !== 1) throw new Error('no root element');
  return roots[0];
}

/** Every element under node (depth first, document order) for which pred holds. */
function findAll(node, pred, out = []) {
  for (const c of node.children) {
    if (typeof c !== 'object') continue;
    if (pred(c)) out.push(c);
    findAll(c, pred, out);
  }
  return out;
}
const hasClass = (name, cls) => (el) => el.name === name && String(el.attrs.class || '').split(' ').includes(cls);
/** The element's own text (not that of child elements such as <title>). */
const ownText = (el) => el.children.filter((c) => typeof c === 'string').join('');

test('the XML checker itself rejects what is not well-formed', () => {
  assert.equal(parseXml('<?xml version="1.0"?>\n<a x="1"><b/>t &amp; &#233;<c y=\'2\'>x</c></a>\n').name, 'a');
  for (const bad of ['<a><b></a></b>', '<a>', '<a></a><b/>', '<a x="1" x="2"/>', '<a>&nbsp;</a>', '<a>&</a>', '<a x="<"/>',
    '<a x=1/>', '<a x="1"y="2"/>', 'text<a/>', '<a/></a>']) {
    assert.throws(() => parseXml(bad), Error, bad);
  }
});

// ---- fixed ratio data --------------------------------------------------------------

const S = chart.SERIES; // node-ipc 9.2.1, node-ipc 14, raw net
const bar = (k, value, extra = {}) => ({ key: S[k].key, label: S[k].label, value, status: 'ok', text: null, reason: null, note: null, ...extra });
const missing = (k, status, text, reason = null) => bar(k, null, { status, text, reason });
const group = (scenario, transport, rate, bars, status = 'ok') => ({
  scenario, transport, unit: 'msg/s', describe: scenario === 'large' ? 'large 200 x 1 MiB' : null, rate, status, bars,
});

const TITLE = 'Ratios <of> "native" & \'others\'';
const RUN = {
  date: '2026-12-05T10:11:12.000Z', node: 'v20.20.2', platform: 'linux', arch: 'x64', cpus: 2, cpuModel: 'Test CPU <2 GHz> & co',
  quick: true, runs: 1, flags: ['--quick', '--runs 1'],
};

function fixture() {
  return {
    title: TITLE,
    run: RUN,
    series: S,
    groups: [
      group('flood', 'unix', 485099, [bar(0, 9.36), bar(1, 2.76), bar(2, 2.82)]),
      group('pingpong', 'tcp', 14000, [bar(0, 0.47), bar(1, 1.01), bar(2, 0.9)]),
      group('large', 'unix', 105, [bar(0, 21, { note: '20 x 1 MiB only' }), bar(1, 3.01), bar(2, 2.01)]),
      group('large', 'tcp', 99, [missing(0, 'timeout', 'timeout', 'timed out after 60 s <all processes> & "killed"'), bar(1, 2.87),
        missing(2, 'n/a', 'n/a', 'transport tcp not supported')]),
      group('churn', 'unix', 3062, [bar(0, 2.33), missing(1, 'not run', 'not run'), missing(2, 'failed', 'failed', 'lost\u0001connection')]),
      group('udploss', 'udp', null, [0, 1, 2].map((k) => missing(k, 'ok', 'no ratio', 'node-ipc-native: failed')), 'failed'),
    ],
  };
}

const VALUES = [9.36, 2.76, 2.82, 0.47, 1.01, 0.9, 21, 3.01, 2.01, 2.87, 2.33];

test('renderSvg: well-formed, accessible, self-contained', () => {
  const svg = chart.renderSvg(fixture());
  const root = parseXml(svg);
  assert.equal(root.name, 'svg');
  assert.equal(root.attrs.xmlns, 'http://www.w3.org/2000/svg');
  assert.equal(root.attrs.role, 'img');
  assert.equal(root.attrs.viewBox, `0 0 ${root.attrs.width} ${root.attrs.height}`);
  // <title> and <desc> first, referenced by aria-labelledby
  const [first, second] = root.children.filter((c) => typeof c === 'object');
  assert.equal(first.name, 'title');
  assert.equal(second.name, 'desc');
  assert.deepEqual(root.attrs['aria-labelledby'].split(' '), [first.attrs.id, second.attrs.id]);
  assert.equal(ownText(first), `${TITLE} (2026-12-05)`);
  const desc = ownText(second);
  for (const part of ['flood over unix: node-ipc 9.2.1 9.36×, node-ipc 14 2.76×, raw net 2.82×.', 'node-ipc 9.2.1 timeout',
    'node-ipc 9.2.1 21.0× (20 x 1 MiB only)', 'Logarithmic axis']) {
    assert.ok(desc.includes(part), `desc has "${part}": ${desc}`);
  }
  // nothing GitHub's image proxy would drop or fetch
  for (const word of ['<script', 'href', '@import', 'url(', '@font-face', 'foreignObject', 'on' + 'load']) {
    assert.ok(!svg.includes(word), `no ${word}`);
  }
  // dark/light: presentation attributes for the light look, a prefers-color-scheme override
  assert.ok(svg.includes('@media (prefers-color-scheme: dark)'));
  // readable text sizes
  for (const t of findAll(root, (el) => el.name === 'text')) assert.ok(Number(t.attrs['font-size']) >= 12, t.attrs['font-size']);
});

test('renderSvg: title line, run options, machine, legend', () => {
  const root = parseXml(chart.renderSvg(fixture()));
  const texts = findAll(root, (el) => el.name === 'text').map(ownText);
  assert.ok(texts.includes(TITLE));
  assert.equal(ownText(findAll(root, hasClass('text', 'run'))[0]), 'quick run (--quick), 1 run per row (median)');
  assert.equal(ownText(findAll(root, hasClass('text', 'machine'))[0]), '2026-12-05 · Node v20.20.2 · linux/x64 · 2 × Test CPU <2 GHz> & co');
  const legend = findAll(root, (el) => el.name === 'g' && el.attrs.class === 'legend')[0];
  assert.deepEqual(findAll(legend, (el) => el.name === 'text').map(ownText), ['vs node-ipc 9.2.1', 'vs node-ipc 14', 'vs raw net']);
  const swatches = findAll(legend, (el) => el.name === 'rect').map((r) => r.attrs.fill);
  assert.equal(new Set(swatches).size, 3);
  const groups = findAll(root, hasClass('text', 'group-label')).map(ownText);
  assert.deepEqual(groups, ['flood · unix', 'pingpong · tcp', 'large · unix', 'large · tcp', 'churn · unix', 'udploss · udp']);
  assert.ok(texts.includes('native 485k msg/s'));
  assert.ok(texts.includes('node-ipc-native: failed'));
});

test('renderSvg: one bar per ratio, labelled, in series order and colour', () => {
  const root = parseXml(chart.renderSvg(fixture()));
  const bars = findAll(root, hasClass('rect', 'bar'));
  assert.equal(bars.length, 11);
  assert.deepEqual(bars.map((b) => Number(b.attrs['data-ratio'])), VALUES);
  assert.deepEqual(bars.map((b) => b.attrs['data-series']),
    ['node-ipc', 'node-ipc-14', 'net', 'node-ipc', 'node-ipc-14', 'net', 'node-ipc', 'node-ipc-14', 'net', 'node-ipc-14', 'node-ipc']);
  const legendFill = Object.fromEntries(S.map((s, k) => [s.key, findAll(root, (el) => el.name === 'g' && el.attrs.class === 'legend')[0]
    .children.filter((c) => typeof c === 'object' && c.name === 'rect')[k].attrs.fill]));
  for (const b of bars) assert.equal(b.attrs.fill, legendFill[b.attrs['data-series']]);
  const labels = findAll(root, hasClass('text', 'value')).map(ownText);
  assert.deepEqual(labels, ['9.36×', '2.76×', '2.82×', '0.47×', '1.01×', '0.90×', '21.0×*', '3.01×', '2.01×', '2.87×', '2.33×']);
  // the shortened run is explained under the chart
  const notes = findAll(root, hasClass('text', 'note')).map(ownText);
  assert.deepEqual(notes, ['* node-ipc 9.2.1 ran large with 20 x 1 MiB only (the others: large 200 x 1 MiB): a shorter burst, which flatters it.']);
  // every bar has a tooltip
  for (const b of bars) assert.equal(b.children.filter((c) => typeof c === 'object')[0].name, 'title');
});

test('renderSvg: a baseline without a result gets its status as text, not a bar', () => {
  const root = parseXml(chart.renderSvg(fixture()));
  const missing = findAll(root, hasClass('text', 'missing'));
  assert.deepEqual(missing.map(ownText), [
    'node-ipc 9.2.1: timeout', 'raw net: n/a', 'node-ipc 14: not run', 'raw net: failed',
    'node-ipc 9.2.1: no ratio', 'node-ipc 14: no ratio', 'raw net: no ratio',
  ]);
  // the reason is the tooltip, escaped on the way in and intact on the way out
  const tip = (el) => el.children.find((c) => typeof c === 'object' && c.name === 'title');
  assert.equal(ownText(tip(missing[0])), 'node-ipc 9.2.1: timed out after 60 s <all processes> & "killed"');
  assert.equal(ownText(tip(missing[3])), 'raw net: lost connection'); // control character dropped
  assert.equal(tip(missing[2]), undefined); // "not run" has no reason
  // 6 groups x 3 = bars + texts
  assert.equal(findAll(root, hasClass('rect', 'bar')).length + missing.length, 18);
});

test('renderSvg: log scale when the ratios span more than 10x; bars from the 1x line, widths proportional to |log ratio|', () => {
  const root = parseXml(chart.renderSvg(fixture()));
  const one = findAll(root, hasClass('line', 'one'));
  assert.equal(one.length, 1);
  const x1 = Number(one[0].attrs.x1);
  assert.equal(one[0].attrs.x2, one[0].attrs.x1);
  const bars = findAll(root, hasClass('rect', 'bar'));
  const perDecade = [];
  for (const b of bars) {
    const v = Number(b.attrs['data-ratio']);
    const x = Number(b.attrs.x);
    const w = Number(b.attrs.width);
    if (v >= 1) assert.equal(x, x1, `${v} starts at 1x`);
    else assert.ok(Math.abs(x + w - x1) <= 0.011, `${v} ends at 1x`);
    if (Math.abs(Math.log10(v)) > 0.01) perDecade.push(w / Math.abs(Math.log10(v)));
  }
  const k = perDecade[0];
  for (const q of perDecade) assert.ok(Math.abs(q - k) / k < 0.002, `width per decade ${q} vs ${k}`);
  // the smaller ratio, the shorter bar on its side: 1.01x is almost nothing
  const w101 = Number(bars[4].attrs.width);
  assert.ok(w101 > 0 && w101 < 2, String(w101));
  // axis: 0.2x .. 50x (1-2-5 steps around 0.47 .. 21), every tick labelled (top and bottom)
  const ticks = findAll(root, hasClass('text', 'tick')).map(ownText);
  assert.deepEqual(ticks, ['0.2×', '0.5×', '1×', '2×', '5×', '10×', '20×', '50×'].flatMap((t) => [t, t]));
  // the 1x line is at the 1x tick
  const tick1 = findAll(root, hasClass('text', 'tick')).find((t) => ownText(t) === '1×');
  assert.equal(Number(tick1.attrs.x), x1);
  // a decade is one decade wide wherever it is: 1x..10x == 5x..50x == 0.2x..2x
  const tickX = (label) => Number(findAll(root, hasClass('text', 'tick')).find((t) => ownText(t) === label).attrs.x);
  assert.ok(Math.abs((tickX('10×') - tickX('1×')) - (tickX('50×') - tickX('5×'))) < 0.02);
  assert.ok(Math.abs((tickX('10×') - tickX('1×')) - (tickX('2×') - tickX('0.2×'))) < 0.02);
  assert.ok(Math.abs((tickX('10×') - tickX('1×')) - k) < 0.05, 'bar width per decade = axis decade');
});

test('renderSvg: linear scale from 0 when the ratios are within 10x; widths proportional to the ratio', () => {
  const data = fixture();
  data.groups = data.groups.slice(0, 2); // 0.47 .. 9.36: span 19.9 -> still log
  assert.equal(chart.chooseScale([0.47, 9.36]).kind, 'log');
  data.groups[0].bars[0].value = 4.5; // 0.47 .. 4.5: span 9.6 -> linear
  assert.equal(chart.chooseScale([4.5, 2.76, 2.82, 0.47, 1.01, 0.9]).kind, 'linear');
  const root = parseXml(chart.renderSvg(data));
  const bars = findAll(root, hasClass('rect', 'bar'));
  assert.equal(bars.length, 6);
  const x0 = Number(bars[0].attrs.x);
  const k = Number(bars[0].attrs.width) / 4.5;
  for (const b of bars) {
    assert.equal(Number(b.attrs.x), x0, 'every bar starts at 0');
    const v = Number(b.attrs['data-ratio']);
    assert.ok(Math.abs(Number(b.attrs.width) - k * v) < 0.02, `${v}: ${b.attrs.width} vs ${k * v}`);
  }
  // the 1x line sits at one unit from 0
  const x1 = Number(findAll(root, hasClass('line', 'one'))[0].attrs.x1);
  assert.ok(Math.abs(x1 - (x0 + k)) < 0.02);
  const ticks = findAll(root, hasClass('text', 'tick')).map(ownText);
  assert.ok(ticks.includes('0×') && ticks.includes('1×') && ticks.includes('5×'), ticks.join(' '));
  assert.ok(ownText(findAll(root, (el) => el.name === 'desc')[0]).includes('Linear axis'));
  // forced
  const forced = parseXml(chart.renderSvg(data, { scale: 'log' }));
  assert.ok(ownText(findAll(forced, (el) => el.name === 'desc')[0]).includes('Logarithmic axis'));
});

test('chooseScale: log domain on 1-2-5 steps around every ratio and 1x', () => {
  const s = chart.chooseScale([0.47, 21]);
  assert.deepEqual([s.kind, s.min, s.max, s.origin], ['log', 0.2, 50, 1]);
  assert.deepEqual(s.ticks, [0.2, 0.5, 1, 2, 5, 10, 20, 50]);
  assert.ok(Math.abs(s.pos(1) - Math.log10(5) / Math.log10(250)) < 1e-12);
  assert.equal(s.pos(0.2), 0);
  assert.equal(s.pos(50), 1);
  const up = chart.chooseScale([1.5, 150]);
  assert.deepEqual([up.min, up.max], [1, 200]);
  const down = chart.chooseScale([0.05, 3], 'log');
  assert.deepEqual([down.min, down.max, down.ticks], [0.05, 5, [0.05, 0.1, 0.2, 0.5, 1, 2, 5]]);
  const lin = chart.chooseScale([2.9, 0.95]);
  assert.deepEqual([lin.kind, lin.min, lin.origin], ['linear', 0, 0]);
  assert.ok(lin.max >= 2.9 && lin.ticks.includes(1));
});

test('formatRatio and esc', () => {
  assert.deepEqual([0.4712, 0.9, 3.24, 9.999, 21.44, 123.4].map(chart.formatRatio), ['0.47×', '0.90×', '3.24×', '10.00×', '21.4×', '123×']);
  assert.equal(chart.esc('a<b>&"c"\'d\'\u0000é\ud800'), 'a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos; é\ufffd');
});

// ---- chartData from a bench document, through report.js -----------------------------

function row(scenario, transport, impl, run, extra = {}) {
  return { scenario, transport, impl, label: impl, short: impl, params: {}, reduced: null, runs: [run], ...extra };
}
const okRun = (rate) => ({ ok: true, rate, ms: 1, serverRss: 1, clientRss: 1 });

test('chartData: ratios of the rate, missing baselines, shortened runs, a failed node-ipc-native', () => {
  const rows = [
    row('flood', 'unix', 'native', okRun(400)),
    row('flood', 'unix', 'native-data', okRun(380)),
    row('flood', 'unix', 'node-ipc', okRun(50)),
    row('flood', 'unix', 'node-ipc-14', okRun(100)),
    row('flood', 'unix', 'net', okRun(500)),
    row('large', 'tcp', 'native', okRun(100)),
    row('large', 'tcp', 'node-ipc', { ok: false, timeout: true, error: 'timed out after 60 s' }, { reduced: '20 x 1 MiB' }),
    row('large', 'tcp', 'net', okRun(40)),
    row('churn', 'unix', 'native', { ok: false, error: 'lost?' }),
    row('churn', 'unix', 'node-ipc', okRun(10)),
    row('churn', 'unix', 'node-ipc-14', { ok: false, na: true, error: 'not supported' }),
  ];
  const results = rows.map(summarize);
  const doc = {
    meta: {
      date: RUN.date, node: 'v20.20.2', platform: 'linux', arch: 'x64', cpus: 2, cpuModel: 'Test CPU', runs: 3, quick: false,
      baseline: 'native', units: { flood: 'msg/s', large: 'msg/s', churn: 'cycles/s' },
      impls: [{ key: 'native', label: 'node-ipc-native' }, { key: 'node-ipc', label: 'node-ipc 9.2.1' },
        { key: 'node-ipc-14', label: 'node-ipc 14.0.0' }, { key: 'net', label: 'net (raw floor)' }],
    },
    results,
    ratios: ratios(results, 'native'),
  };
  const data = chart.chartData(doc, { flags: [] });
  assert.deepEqual(data.series.map((s) => s.label), ['node-ipc 9.2.1', 'node-ipc 14.0.0', 'raw net']);
  assert.deepEqual(data.groups.map((g) => `${g.scenario}/${g.transport}`), ['flood/unix', 'large/tcp', 'churn/unix']);
  const [flood, large, churn] = data.groups;
  assert.deepEqual(flood.bars.map((b) => b.value), [8, 4, 0.8]);
  assert.equal(flood.rate, 400);
  assert.equal(flood.unit, 'msg/s');
  assert.deepEqual(large.bars.map((b) => [b.value, b.text, b.status, b.note]),
    [[null, 'timeout', 'timeout', '20 x 1 MiB only'], [null, 'not run', 'not run', null], [2.5, null, 'ok', null]]);
  assert.equal(large.bars[0].reason, 'timed out after 60 s');
  assert.equal(churn.rate, null);
  assert.equal(churn.status, 'failed');
  assert.deepEqual(churn.bars.map((b) => b.text), ['no ratio', 'n/a', 'not run']);
  assert.equal(churn.bars[0].reason, 'node-ipc-native: failed (lost?)');
  // the data is plain JSON (it goes into --json as `chart`)
  assert.deepEqual(JSON.parse(JSON.stringify(data)), data);
  // and renders
  const root = parseXml(chart.renderSvg(data));
  assert.equal(findAll(root, hasClass('rect', 'bar')).length, 4);
  assert.equal(findAll(root, hasClass('text', 'missing')).length, 5);
  assert.equal(ownText(findAll(root, hasClass('text', 'run'))[0]), 'full run, 3 runs per row (median)');
  assert.equal(ownText(findAll(root, hasClass('text', 'machine'))[0]), '2026-12-05 · Node v20.20.2 · linux/x64 · 2 × Test CPU');
  // quick/full and the runs come from meta, the other flags from describeRun()
  const partial = parseXml(chart.renderSvg(chart.chartData(doc, { flags: ['--only flood,large,churn', '--runs 3', '--timeout 30'] })));
  assert.equal(ownText(findAll(partial, hasClass('text', 'run'))[0]), 'full run, 3 runs per row (median), --only flood,large,churn --timeout 30');
});

// ---- where the chart goes ---------------------------------------------------------

const KNOWN = {
  scenarios: ['flood', 'pingpong', 'pipelined', 'broadcast', 'large', 'churn', 'udploss'],
  impls: ['native', 'native-data', 'node-ipc', 'node-ipc-14', 'net'],
  transports: ['unix', 'tcp', 'udp'],
};

test('svgPath: the full default run refreshes docs/bench-ratios.svg, a partial run never does', () => {
  const at = new Date('2026-12-05T10:11:12.345Z');
  const where = (argv) => {
    const opts = parseArgs(argv, KNOWN);
    const run = chart.describeRun(opts, KNOWN);
    return [chart.svgPath(opts, run, at), run];
  };
  const docs = path.join(__dirname, '..', 'docs', 'bench-ratios.svg');
  assert.equal(chart.DEFAULT_SVG, docs);
  assert.deepEqual(where([]), [docs, { partial: false, flags: [] }]);
  assert.deepEqual(where(['--runs', '5', '--no-rust', '--json']), [docs, { partial: false, flags: ['--runs 5'] }]);
  const tmp = path.join(os.tmpdir(), 'node-ipc-native-bench-ratios-2026-12-05T10-11-12Z.svg');
  for (const argv of [['--quick'], ['--only', 'flood'], ['--impl', 'native,net'], ['--transport', 'unix'], ['--no-reduce']]) {
    const [file, run] = where(argv);
    assert.equal(file, tmp, argv.join(' '));
    assert.equal(run.partial, true);
  }
  assert.deepEqual(where(['--quick', '--runs', '1', '--only', 'flood,churn'])[1].flags, ['--quick', '--only flood,churn', '--runs 1']);
  assert.equal(where(['--quick', '--svg', 'out/x.svg'])[0], path.resolve('out/x.svg'));
  assert.equal(where(['--svg=docs/bench-ratios.svg', '--quick'])[0], path.resolve('docs/bench-ratios.svg'));
  assert.equal(where(['--no-svg'])[0], null);
  assert.throws(() => parseArgs(['--svg'], KNOWN), /--svg needs a value/);
});

test('renderSvg: one footnote per shortened run, shared by the groups it applies to', () => {
  const data = fixture();
  data.groups = [data.groups[2], { ...data.groups[2], transport: 'tcp' }];
  const root = parseXml(chart.renderSvg(data));
  assert.deepEqual(findAll(root, hasClass('text', 'value')).map(ownText), ['21.0×*', '3.01×', '2.01×', '21.0×*', '3.01×', '2.01×']);
  assert.equal(findAll(root, hasClass('text', 'note')).length, 1);
});
