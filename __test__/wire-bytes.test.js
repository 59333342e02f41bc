'use strict';
/**
 * Wire bytes: a plain `net` server (client side) or a plain `net` client (server side) in this
 * process captures the exact bytes written by a peer process doing the same sequence of emits,
 * once with node-ipc 9.2.1 and once with ours. The captures must be identical, and must match
 * the frame rule of CONTRACT §6.1 and the hex of the worked examples in §6.2.
 */
const { test } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./helpers');

const T = { timeout: 60000 };
const IMPLS = ['node-ipc', 'native'];

// A frame that ends every JSON-mode capture, so a capture is complete when it ends with it.
const SENTINEL = { type: '__end__', data: 'END' };
const SENTINEL_BYTES = Buffer.from('{"type":"__end__","data":"END"}\f');

// §6.2 worked examples, hex copied from CONTRACT.md.
const WORKED_EXAMPLES = [
  {
    emit: { type: 'hello', data: { id: 'c1', message: 'hi' } },
    hex: `7b 22 74 79 70 65 22 3a 22 68 65 6c 6c 6f 22 2c 22 64 61 74 61 22 3a 7b 22 69 64 22 3a
          22 63 31 22 2c 22 6d 65 73 73 61 67 65 22 3a 22 68 69 22 7d 7d 0c`,
    length: 51,
  },
  {
    emit: { type: 'ping', noData: true },
    hex: '7b 22 74 79 70 65 22 3a 22 70 69 6e 67 22 2c 22 64 61 74 61 22 3a 7b 7d 7d 0c',
    length: 26,
  },
  {
    emit: { type: 'msg', data: 'héllo' },
    hex: '7b 22 74 79 70 65 22 3a 22 6d 73 67 22 2c 22 64 61 74 61 22 3a 22 68 c3 a9 6c 6c 6f 22 7d 0c',
    length: 31,
  },
  {
    emit: { type: 'n', dataExpr: '0' },
    hex: Buffer.from('{"type":"n","data":0}\f').toString('hex'),
    length: 22,
  },
  {
    emit: { type: 's', dataExpr: "'a\\fb\\n'" },
    hex: '7b 22 74 79 70 65 22 3a 22 73 22 2c 22 64 61 74 61 22 3a 22 61 5c 66 62 5c 6e 22 7d 0c',
    length: 29,
  },
];

// Edge cases of §6.1 (type and data as JS expressions, evaluated identically in the peer).
const EDGE_CASES = [
  { typeExpr: "'hello'", dataExpr: "({id: 'c1', message: 'hi'})" },
  { typeExpr: "'none'", noData: true },
  { typeExpr: "'undef'", dataExpr: 'undefined' },
  { typeExpr: "'null'", dataExpr: 'null' },
  { typeExpr: "'empty'", dataExpr: "''" },
  { typeExpr: "'nan'", dataExpr: 'NaN' },
  { typeExpr: "'zero'", dataExpr: '0' },
  { typeExpr: "'negzero'", dataExpr: '-0' },
  { typeExpr: "'false'", dataExpr: 'false' },
  { typeExpr: "'true'", dataExpr: 'true' },
  { typeExpr: "'numbers'", dataExpr: '[1e21, -1.5e-7, 2**53 + 1, 0.1 + 0.2, Infinity, -Infinity, NaN]' },
  { typeExpr: "'holes'", dataExpr: '[1, , 3]' },
  { typeExpr: "'keyorder'", dataExpr: "({b: 1, a: 2, 10: 3, 2: 4})" },
  { typeExpr: "'unicode'", dataExpr: "'héllo 日本 😀 \\u2028\\u2029 / \\\\ \"'" },
  { typeExpr: "'lone'", dataExpr: "'\\ud800\\udc00x\\udc00'" },
  { typeExpr: "'controls'", dataExpr: "Array.from({length: 32}, (_, i) => String.fromCharCode(i)).join('') + '\\u007f'" },
  { typeExpr: "'type\\fwith\\nff'", dataExpr: "'t'" },
  { typeExpr: "''", dataExpr: "'empty type'" },
  { typeExpr: '5', dataExpr: "'numeric type'" },
  { typeExpr: 'undefined', dataExpr: "'undefined type'" },
  { typeExpr: "Symbol('s')", dataExpr: "'symbol type'" },
  { typeExpr: "'fn'", dataExpr: 'function f() {}' },
  { typeExpr: "'date'", dataExpr: 'new Date(86400000)' },
  { typeExpr: "'buffer'", dataExpr: 'Buffer.from([0, 1, 254, 255])' },
  { typeExpr: "'map'", dataExpr: 'new Map([[1, 2]])' },
  { typeExpr: "'error'", dataExpr: "new Error('boom')" },
  { typeExpr: "'tojson'", dataExpr: '({toJSON() { return {custom: true}; }})' },
  { typeExpr: "'members'", dataExpr: '({u: undefined, f() {}, n: null, d: new Date(0), nested: {a: [undefined, () => 1]}})' },
  { typeExpr: "'maxlisteners'", dataExpr: '({_maxListeners: 10, keep: false})' },
  { typeExpr: "'maxlisteners0'", dataExpr: '({_maxListeners: 0, keep: true})' },
  { typeExpr: "'emitter'", dataExpr: "(() => { const E = require('events'); const e = new E(); e.setMaxListeners(20); return e; })()" },
  { typeExpr: "'big'", dataExpr: "'z'.repeat(200000) + 'é'" },
  { typeExpr: "'nested'", dataExpr: "({a: {b: {c: {d: [1, {e: 'f'}]}}}})" },
];

function evalExpr(expr) {
  // eslint-disable-next-line no-new-func
  return new Function('require', `return (${expr});`)(require);
}

/** §6.1: the frame node-ipc 9.2.1 builds for emit(type, data). */
function expectedFrame(type, data) {
  let d = data;
  if (!d && d !== false && d !== 0) d = {};
  if (d['_maxListeners']) d = {};
  return Buffer.from(JSON.stringify({ type, data: d }) + '\f', 'utf8');
}

function expectedStream(cases) {
  return Buffer.concat(
    cases.map((c) => {
      const type = c.typeExpr !== undefined ? evalExpr(c.typeExpr) : c.type;
      const data = c.noData ? undefined : c.dataExpr !== undefined ? evalExpr(c.dataExpr) : c.data;
      return expectedFrame(type, data);
    })
  );
}

/** Frame-wise view of a capture for readable assertion diffs. */
function frames(buf) {
  return buf.toString('utf8').split('\f');
}

function assertSameBytes(actual, expected, what) {
  assert.deepEqual(frames(actual), frames(expected), `${what}: frames differ`);
  assert.equal(actual.toString('hex'), expected.toString('hex'), `${what}: bytes differ`);
}

function endsWithSentinel(b) {
  return b.length >= SENTINEL_BYTES.length && b.subarray(b.length - SENTINEL_BYTES.length).equals(SENTINEL_BYTES);
}

/** Client peer `impl` connects to a capture server and emits `list` then the sentinel. */
async function captureClientEmits(s, impl, list, config = {}) {
  const path = s.socketPath('wire');
  const cap = await s.captureServer(path);
  const client = s.spawnPeer('client.js', [{ id: 'cap', path, config, types: [] }], { impl, name: `client[${impl}]` });
  await client.waitFor('connect', 10000);
  const conn = await cap.connection(0);
  await client.request({ cmd: 'emitSeq', list: [...list, SENTINEL] });
  await conn.waitBytes(endsWithSentinel, 10000);
  return { bytes: conn.bytes, client, conn };
}

/** Server peer `impl` emits `list` to a raw client in this process, then the sentinel. */
async function captureServerEmits(s, impl, list) {
  const path = s.socketPath('wire');
  const server = s.spawnPeer('server.js', [{ path, types: [] }], { impl, name: `server[${impl}]` });
  await server.waitFor('start', 10000);
  const conn = await s.rawConnect(path);
  await server.waitFor('connect');
  await server.request({ cmd: 'emitSeq', sock: 1, list: [...list, SENTINEL] });
  await conn.waitBytes(endsWithSentinel, 10000);
  return { bytes: conn.bytes, server, conn };
}

for (const impl of IMPLS) {
  test(`§6.2 worked examples: ${h.implLabel(impl)} client writes exactly CONTRACT's hex`, T, async (t) => {
    const s = h.scope(t);
    const { bytes } = await captureClientEmits(s, impl, WORKED_EXAMPLES.map((w) => w.emit));
    const expected = Buffer.concat([...WORKED_EXAMPLES.map((w) => h.fromHexDump(w.hex)), SENTINEL_BYTES]);
    WORKED_EXAMPLES.forEach((w) => assert.equal(h.fromHexDump(w.hex).length, w.length, 'spec hex length'));
    assertSameBytes(bytes, expected, impl);
  });

  test(`§6.2 worked examples: ${h.implLabel(impl)} server.emit(socket) writes exactly CONTRACT's hex`, T, async (t) => {
    const s = h.scope(t);
    const { bytes } = await captureServerEmits(s, impl, WORKED_EXAMPLES.map((w) => w.emit));
    const expected = Buffer.concat([...WORKED_EXAMPLES.map((w) => h.fromHexDump(w.hex)), SENTINEL_BYTES]);
    assertSameBytes(bytes, expected, impl);
  });
}

test('§6.1 client emit: byte stream of ours is identical to node-ipc 9.2.1 for the edge cases (Q13, Q14)', T, async (t) => {
  const s = h.scope(t);
  const ref = await captureClientEmits(s, 'node-ipc', EDGE_CASES);
  const ours = await captureClientEmits(s, 'native', EDGE_CASES);
  const expected = Buffer.concat([expectedStream(EDGE_CASES), SENTINEL_BYTES]);
  assertSameBytes(ref.bytes, expected, 'node-ipc vs §6.1 rule'); // validates the rule itself
  assertSameBytes(ours.bytes, ref.bytes, 'ours vs node-ipc');
});

test('§6.1/§4.4/§4.6 server emit(socket) and broadcast: byte stream of ours is identical to node-ipc 9.2.1', T, async (t) => {
  const s = h.scope(t);
  const list = [];
  EDGE_CASES.forEach((c, i) => list.push(i % 3 === 2 ? { ...c, broadcast: true } : c));
  const ref = await captureServerEmits(s, 'node-ipc', list);
  const ours = await captureServerEmits(s, 'native', list);
  const expected = Buffer.concat([expectedStream(EDGE_CASES), SENTINEL_BYTES]);
  assertSameBytes(ref.bytes, expected, 'node-ipc vs §6.1 rule');
  assertSameBytes(ours.bytes, ref.bytes, 'ours vs node-ipc');
});

test('§6.1 BigInt and circular data make emit throw synchronously and write nothing (client and server)', T, async (t) => {
  const s = h.scope(t);
  const bad = ['10n', '(() => { const o = {}; o.self = o; return o; })()', '({n: 1n})'];
  const results = {};
  for (const impl of IMPLS) {
    const path = s.socketPath('wire');
    const cap = await s.captureServer(path);
    const client = s.spawnPeer('client.js', [{ id: 'cap', path, types: [] }], { impl });
    await client.waitFor('connect', 10000);
    const conn = await cap.connection(0);
    const threw = [];
    for (const expr of bad) {
      const r = await client.request({ cmd: 'emit', type: 'bad', dataExpr: expr });
      threw.push(r.threw !== null);
    }
    await client.request({ cmd: 'emit', ...SENTINEL });
    await conn.waitBytes(endsWithSentinel, 10000);
    assert.deepEqual(threw, [true, true, true], `${impl} client: emit throws`);
    assertSameBytes(conn.bytes, SENTINEL_BYTES, `${impl} client: nothing but the sentinel was written`);

    const spath = s.socketPath('wire');
    const server = s.spawnPeer('server.js', [{ path: spath, types: [] }], { impl });
    await server.waitFor('start', 10000);
    const raw = await s.rawConnect(spath);
    await server.waitFor('connect');
    const sthrew = [];
    for (const expr of bad) {
      const r = await server.request({ cmd: 'emit', sock: 1, type: 'bad', dataExpr: expr });
      sthrew.push(r.threw !== null);
    }
    await server.request({ cmd: 'emit', sock: 1, ...SENTINEL });
    await raw.waitBytes(endsWithSentinel, 10000);
    assert.deepEqual(sthrew, [true, true, true], `${impl} server: emit throws`);
    assertSameBytes(raw.bytes, SENTINEL_BYTES, `${impl} server: nothing but the sentinel was written`);
    results[impl] = { threw, sthrew };
  }
  assert.deepEqual(results.native, results['node-ipc']);
});

// §6.6: rawBuffer mode, payload = Buffer.from(type, config.encoding); data ignored.
const RAW_CASES = [
  {
    encoding: 'utf8',
    list: [{ typeExpr: "'héllo'", data: 'ignored' }, { typeExpr: 'Buffer.from([0, 0x41, 0xff, 0xe9, 0x0c])' }, { typeExpr: '[1, 2, 3, 255]' }],
    expected: Buffer.concat([Buffer.from('héllo'), Buffer.from([0, 0x41, 0xff, 0xe9, 0x0c]), Buffer.from([1, 2, 3, 255])]),
  },
  {
    encoding: 'hex',
    list: [{ typeExpr: "'0a0b'" }, { typeExpr: "'héllo'" }, { typeExpr: "'ff00'" }],
    expected: Buffer.from([0x0a, 0x0b, 0xff, 0x00]),
  },
  {
    encoding: 'latin1',
    list: [{ typeExpr: "'é\\u00ff'" }],
    expected: Buffer.from([0xe9, 0xff]),
  },
];

for (const rc of RAW_CASES) {
  test(`§6.6 rawBuffer (${rc.encoding}) client bytes: ours identical to node-ipc 9.2.1 and to Buffer.from(type, encoding)`, T, async (t) => {
    const s = h.scope(t);
    const captures = {};
    for (const impl of IMPLS) {
      const path = s.socketPath('raw');
      const cap = await s.captureServer(path);
      const client = s.spawnPeer('client.js', [{ id: 'cap', path, types: [], config: { rawBuffer: true, encoding: rc.encoding } }], { impl });
      await client.waitFor('connect', 10000);
      const conn = await cap.connection(0);
      await client.request({ cmd: 'emitSeq', list: rc.list });
      await conn.waitBytes(rc.expected.length, 10000);
      // nothing more than expected: close the client and look at the final capture
      await client.request({ cmd: 'disconnect' });
      await conn.waitClose(5000);
      captures[impl] = conn.bytes;
      assert.equal(conn.bytes.toString('hex'), rc.expected.toString('hex'), `${impl}`);
    }
    assert.equal(captures.native.toString('hex'), captures['node-ipc'].toString('hex'));
  });
}

test('§6.6 rawBuffer server emit(socket)/broadcast bytes: ours identical to node-ipc 9.2.1', T, async (t) => {
  const s = h.scope(t);
  const list = [{ typeExpr: "'héllo'", data: 'ignored' }, { typeExpr: '[0xaa]', broadcast: true }, { typeExpr: 'Buffer.from([0x0d, 0xee])' }];
  const expected = Buffer.concat([Buffer.from('héllo'), Buffer.from([0xaa, 0x0d, 0xee])]);
  const captures = {};
  for (const impl of IMPLS) {
    const path = s.socketPath('raw');
    const server = s.spawnPeer('server.js', [{ path, types: [], config: { rawBuffer: true } }], { impl });
    await server.waitFor('start', 10000);
    const conn = await s.rawConnect(path);
    await server.waitFor('connect');
    await server.request({ cmd: 'emitSeq', sock: 1, list });
    await conn.waitBytes(expected.length, 10000);
    await server.request({ cmd: 'destroySockets' });
    await conn.waitClose(5000);
    captures[impl] = conn.bytes;
    assert.equal(conn.bytes.toString('hex'), expected.toString('hex'), impl);
  }
  assert.equal(captures.native.toString('hex'), captures['node-ipc'].toString('hex'));
});
