'use strict';
/**
 * Interop: node-ipc 9.2.1 and node-ipc-native talking to each other over unix sockets, each in
 * its own process. Every scenario runs in both directions:
 *   - node-ipc 9.2.1 server  <->  our client
 *   - our server             <->  node-ipc 9.2.1 client
 * Validation mode: OUR_IMPL=node-ipc makes "ours" the reference as well (see helpers/impl.js).
 *
 * Spec references: §6.1 (frame + data normalisation, Q13), §6.2 (worked examples),
 * §6.3 (socket.id from data.id, Q38), §6.4 (receive algorithm), §4.3/§4.4/§4.6 (server events,
 * emit(socket,...), broadcast), §5.2 (client emit).
 */
const { describe, test } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./helpers');

const DIRECTIONS = [
  { server: 'node-ipc', client: 'native' },
  { server: 'native', client: 'node-ipc' },
];

const T = { timeout: 60000 };

/** Start a server peer and one client peer connected to it. */
async function pair(s, dir, { serverOpts = {}, clientOpts = {} } = {}) {
  const path = s.socketPath('io');
  const server = s.spawnPeer('server.js', [{ path, ...serverOpts }], { impl: dir.server, name: `server[${dir.server}]` });
  await server.waitFor('start', 10000);
  const client = s.spawnPeer('client.js', [{ id: 'srv', path, ...clientOpts }], {
    impl: dir.client,
    name: `client[${dir.client}]`,
  });
  await client.waitFor('connect', 10000);
  await server.waitFor('connect');
  return { path, server, client };
}

async function addClient(s, dir, path, clientOpts = {}, name = 'client') {
  const client = s.spawnPeer('client.js', [{ id: 'srv', path, ...clientOpts }], { impl: dir.client, name: `${name}[${dir.client}]` });
  await client.waitFor('connect', 10000);
  return client;
}

/**
 * Send each case client -> server (type 'msg') and server -> client (type 'reply', via
 * server.emit(socket, ...)) and compare what each receiver saw with the expectation.
 * case: {name, dataExpr | data | noData, expect (value, or undefined for "no data key")}
 */
async function roundTripCases(s, dir, cases) {
  const { server, client } = await pair(s, dir);
  const list = cases.map(({ dataExpr, data, noData }) => {
    const e = { type: 'msg' };
    if (noData) e.noData = true;
    else if (dataExpr !== undefined) e.dataExpr = dataExpr;
    else e.data = data;
    return e;
  });

  // client -> server (our or their encoder, their or our decoder)
  const from = server.mark();
  await client.request({ cmd: 'emitSeq', list });
  const got = await server.waitForCount({ ev: 'message', type: 'msg' }, cases.length, 10000, { from });
  cases.forEach((c, i) => {
    assert.deepEqual(
      { hasData: got[i].hasData, data: got[i].data },
      { hasData: true, data: h.describeValue(c.expect) },
      `client->server case "${c.name}"`
    );
    assert.equal(got[i].argc, 2, 'server handlers receive (data, socket)');
    assert.equal(got[i].sock, 1);
  });

  // server -> client, one emit(socket, ...) per case, issued back to back
  const cfrom = client.mark();
  for (const e of list) server.send({ cmd: 'emit', sock: 1, ...e, type: 'reply' });
  const replies = await client.waitForCount({ ev: 'message', type: 'reply' }, cases.length, 10000, { from: cfrom });
  cases.forEach((c, i) => {
    assert.deepEqual(
      { hasData: replies[i].hasData, data: replies[i].data },
      { hasData: true, data: h.describeValue(c.expect) },
      `server->client case "${c.name}"`
    );
    assert.equal(replies[i].argc, 1, 'client handlers receive (data) only');
  });
  // nothing unexpected on either side
  assert.deepEqual(server.events('error'), []);
  assert.deepEqual(client.events('error'), []);
}

for (const dir of DIRECTIONS) {
  const label = `${h.implLabel(dir.server)} server <-> ${h.implLabel(dir.client)} client`;

  describe(`interop over unix socket: ${label}`, () => {
    test('§6.1 unicode strings (BMP, astral, U+2028/2029, NUL, lone surrogate) survive both ways', T, async (t) => {
      const s = h.scope(t);
      await roundTripCases(s, dir, [
        { name: 'latin + cjk', data: 'héllo wörld — 日本語テキスト', expect: 'héllo wörld — 日本語テキスト' },
        { name: 'astral emoji', data: '😀👍🏽 𝄞', expect: '😀👍🏽 𝄞' },
        { name: 'line/paragraph separators', dataExpr: "'a\\u2028b\\u2029c'", expect: 'a\u2028b\u2029c' },
        { name: 'NUL and DEL', dataExpr: "'\\u0000x\\u007f'", expect: '\u0000x\u007f' },
        { name: 'lone surrogate', dataExpr: "'x\\ud800y'", expect: 'x\ud800y' },
        { name: 'unicode keys', data: { 'ключ': 'значение', '鍵': ['値'] }, expect: { 'ключ': 'значение', '鍵': ['値'] } },
      ]);
    });

    test("§6.1/§6.2 '\\f' (the delimiter) and '\\n' inside strings are escaped and arrive intact", T, async (t) => {
      const s = h.scope(t);
      await roundTripCases(s, dir, [
        { name: 'a\\fb\\n', dataExpr: "'a\\fb\\n'", expect: 'a\fb\n' },
        { name: 'only form feeds', dataExpr: "'\\f\\f\\f'", expect: '\f\f\f' },
        { name: 'all C0 controls', dataExpr: "Array.from({length:32},(_,i)=>String.fromCharCode(i)).join('')", expect: Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)).join('') },
        { name: 'quotes/backslash/slash', dataExpr: "'\"q\" \\\\ / \\r\\t'", expect: '"q" \\ / \r\t' },
        { name: 'ff in keys and nested', dataExpr: "({'k\\f': ['\\f', {'\\n': '\\f\\n'}]})", expect: { 'k\f': ['\f', { '\n': '\f\n' }] } },
      ]);
    });

    test('§6.1 Q13 falsy data (undefined, null, "", NaN, missing) is normalised to {} on the wire', T, async (t) => {
      const s = h.scope(t);
      await roundTripCases(s, dir, [
        { name: 'undefined', dataExpr: 'undefined', expect: {} },
        { name: 'null', dataExpr: 'null', expect: {} },
        { name: "''", dataExpr: "''", expect: {} },
        { name: 'NaN', dataExpr: 'NaN', expect: {} },
        { name: 'no data argument', noData: true, expect: {} },
        { name: '-0 is falsy', dataExpr: '-0', expect: 0 },
      ]);
    });

    test('§6.1 0 and false are kept as 0 and false (not normalised)', T, async (t) => {
      const s = h.scope(t);
      await roundTripCases(s, dir, [
        { name: '0', dataExpr: '0', expect: 0 },
        { name: 'false', dataExpr: 'false', expect: false },
        { name: 'true', dataExpr: 'true', expect: true },
        { name: '1.5', dataExpr: '1.5', expect: 1.5 },
        { name: "'0'", dataExpr: "'0'", expect: '0' },
        { name: '[]', dataExpr: '[]', expect: [] },
        { name: '{}', dataExpr: '({})', expect: {} },
      ]);
    });

    test('§6.1 nested objects, arrays and JSON.stringify conversions (Date, undefined/NaN members, Buffer, Q14)', T, async (t) => {
      const s = h.scope(t);
      const deep = { a: { b: { c: { d: { e: { f: [1, [2, [3, { g: 'h' }]]] } } } } }, list: [null, true, false, 0, -1.25e-7, 'x'] };
      await roundTripCases(s, dir, [
        { name: 'deep', data: deep, expect: deep },
        { name: 'Date member', dataExpr: "({when: new Date(0)})", expect: { when: '1970-01-01T00:00:00.000Z' } },
        { name: 'undefined/NaN/Infinity members', dataExpr: '({u: undefined, n: NaN, i: Infinity, a: [undefined, NaN]})', expect: { n: null, i: null, a: [null, null] } },
        { name: 'Buffer', dataExpr: "Buffer.from([1, 2, 255])", expect: { type: 'Buffer', data: [1, 2, 255] } },
        { name: 'Q14 truthy _maxListeners', dataExpr: '({_maxListeners: 10, x: 1})', expect: {} },
        { name: 'falsy _maxListeners kept', dataExpr: '({_maxListeners: 0, x: 1})', expect: { _maxListeners: 0, x: 1 } },
        { name: 'id field (also becomes socket.id)', data: { id: 'c-1', payload: { x: [1] } }, expect: { id: 'c-1', payload: { x: [1] } } },
      ]);
    });

    test('§6.4 a 1 MiB string payload arrives intact both ways (timed)', T, async (t) => {
      const s = h.scope(t);
      const { server, client } = await pair(s, dir);
      const SIZE = 1 << 20;
      const asciiExpr = `Array.from({length: ${SIZE}}, (_, i) => String.fromCharCode(97 + (i % 26))).join('')`;
      // ~1 MiB of UTF-8 made of 1-, 2-, 3- and 4-byte characters: characters straddle reads.
      const mixedExpr = `'aé日😀'.repeat(${Math.floor(SIZE / 10)})`;
      const ascii = Array.from({ length: SIZE }, (_, i) => String.fromCharCode(97 + (i % 26))).join('');
      const mixed = 'aé日😀'.repeat(Math.floor(SIZE / 10));

      for (const [name, expr, value] of [['ascii', asciiExpr, ascii], ['multibyte', mixedExpr, mixed]]) {
        // build the payload in both peers first so that the timing covers emit -> receive only
        await client.request({ cmd: 'prepare', name, dataExpr: expr }, 10000);
        await server.request({ cmd: 'prepare', name, dataExpr: expr }, 10000);

        let from = server.mark();
        let t0 = Date.now();
        client.send({ cmd: 'emit', type: 'big', dataRef: name });
        const up = await server.waitFor({ ev: 'message', type: 'big' }, 30000, { from });
        const upMs = Date.now() - t0;
        assert.deepEqual(up.data, h.describeValue(value), `client->server ${name}`);

        from = client.mark();
        t0 = Date.now();
        server.send({ cmd: 'emit', sock: 1, type: 'big', dataRef: name });
        const down = await client.waitFor({ ev: 'message', type: 'big' }, 30000, { from });
        const downMs = Date.now() - t0;
        assert.deepEqual(down.data, h.describeValue(value), `server->client ${name}`);
        t.diagnostic(
          `1 MiB ${name} (${Buffer.byteLength(JSON.stringify(value))} B JSON): client->server ${upMs} ms, server->client ${downMs} ms (emit -> handler, incl. sha256 of the report)`
        );
      }
      assert.deepEqual(server.events('error'), []);
      assert.deepEqual(client.events('error'), []);
    });

    test('§6.4 10,000 pipelined messages arrive complete and in order, both ways (timed)', T, async (t) => {
      const s = h.scope(t);
      const N = 10000;
      const { server, client } = await pair(s, dir, {
        serverOpts: { tally: ['seq'], tallyEvery: N },
        clientOpts: { tally: ['seq'], tallyEvery: N },
      });
      let t0 = Date.now();
      client.send({ cmd: 'emitMany', type: 'seq', count: N, pad: 40 });
      const up = await server.waitFor({ ev: 'tally', type: 'seq' }, 30000);
      const upMs = Date.now() - t0;
      assert.deepEqual({ count: up.count, inOrder: up.inOrder, firstBad: up.firstBad }, { count: N, inOrder: true, firstBad: null });

      t0 = Date.now();
      server.send({ cmd: 'emitMany', sock: 1, type: 'seq', count: N, pad: 40 });
      const down = await client.waitFor({ ev: 'tally', type: 'seq' }, 30000);
      const downMs = Date.now() - t0;
      assert.deepEqual({ count: down.count, inOrder: down.inOrder, firstBad: down.firstBad }, { count: N, inOrder: true, firstBad: null });

      // exactly N, not more: ask again after everything was flushed
      const again = await server.request({ cmd: 'tally', type: 'seq' });
      assert.equal(again.count, N);
      const againC = await client.request({ cmd: 'tally', type: 'seq' });
      assert.equal(againC.count, N);
      t.diagnostic(`10,000 msgs: client->server ${upMs} ms, server->client ${downMs} ms`);
      assert.deepEqual(server.events('error'), []);
      assert.deepEqual(client.events('error'), []);
    });

    test('§4.6 broadcast reaches each of 3 clients exactly once, in order', T, async (t) => {
      const s = h.scope(t);
      const { path, server, client } = await pair(s, dir);
      const c2 = await addClient(s, dir, path, {}, 'client2');
      const c3 = await addClient(s, dir, path, {}, 'client3');
      await server.waitForCount('connect', 3);
      const socks = await server.request({ cmd: 'sockets' });
      assert.deepEqual(socks.list.map((x) => x.sock), [1, 2, 3]);

      await server.request({ cmd: 'broadcast', type: 'news', data: { n: 1, text: 'héllo\f' } });
      await server.request({ cmd: 'broadcast', type: 'news', noData: true });
      await server.request({ cmd: 'broadcast', type: 'news', dataExpr: '0' });
      for (const c of [client, c2, c3]) {
        const got = await c.waitForCount({ ev: 'message', type: 'news' }, 3);
        assert.deepEqual(got.map((m) => m.data), [{ n: 1, text: 'héllo\f' }, {}, 0]);
      }
      // exactly three each: a final marker proves nothing else was queued before it
      await server.request({ cmd: 'broadcast', type: 'x', data: 'end' });
      for (const c of [client, c2, c3]) {
        await c.waitFor({ ev: 'message', type: 'x' });
        assert.equal(c.events({ ev: 'message', type: 'news' }).length, 3);
      }
    });

    test('§6.3 Q38 socket.disconnected carries the id taken from the last data.id (false when none)', T, async (t) => {
      const s = h.scope(t);
      const { path, server, client } = await pair(s, dir);
      const anon = await addClient(s, dir, path, {}, 'anonymous');
      await server.waitForCount('connect', 2);

      await client.request({ cmd: 'emit', type: 'identify', data: { id: 'alpha' } });
      await server.waitFor({ ev: 'message', type: 'identify', socketId: 'alpha' });
      await client.request({ cmd: 'emit', type: 'msg', data: { id: 'beta', v: 1 } });
      await server.waitFor({ ev: 'message', type: 'msg', socketId: 'beta' });
      // id 0 and data without id do not change socket.id
      await client.request({ cmd: 'emit', type: 'msg', data: { id: 0 } });
      await client.request({ cmd: 'emit', type: 'msg', data: 'str' });
      await server.waitForCount({ ev: 'message', type: 'msg', socketId: 'beta' }, 3);
      await anon.request({ cmd: 'emit', type: 'msg', data: { noid: true } });
      await server.waitFor({ ev: 'message', type: 'msg', sock: 2, socketId: null });

      let from = server.mark();
      await client.request({ cmd: 'disconnect' });
      const sd = await server.waitFor('socket.disconnected', 5000, { from });
      assert.deepEqual(
        { sock: sd.sock, id: sd.id, argc: sd.argc, inSockets: sd.inSockets, count: sd.count },
        { sock: 1, id: 'beta', argc: 2, inSockets: false, count: 1 }
      );
      const close = await server.waitFor('close', 5000, { from });
      assert.equal(server.lines.indexOf(close) > server.lines.indexOf(sd), true, 'socket.disconnected before close');

      from = server.mark();
      await anon.request({ cmd: 'disconnect' });
      const sd2 = await server.waitFor('socket.disconnected', 5000, { from });
      assert.deepEqual({ sock: sd2.sock, id: sd2.id, count: sd2.count }, { sock: 2, id: false, count: 0 });
    });

    test('§4.4 server replies to one client via server.emit(socket, type, data)', T, async (t) => {
      const s = h.scope(t);
      const { path, client } = await pair(s, dir, { serverOpts: { echo: { ping: 'pong' } } });
      const other = await addClient(s, dir, path, {}, 'other');

      await client.request({ cmd: 'emit', type: 'ping', data: { id: 'A', n: 1 } });
      await other.request({ cmd: 'emit', type: 'ping', data: { id: 'B', n: 2 } });
      await client.request({ cmd: 'emit', type: 'ping', data: { id: 'A', n: 3 } });
      const a = await client.waitForCount({ ev: 'message', type: 'pong' }, 2);
      const b = await other.waitForCount({ ev: 'message', type: 'pong' }, 1);
      assert.deepEqual(a.map((m) => m.data), [{ id: 'A', n: 1 }, { id: 'A', n: 3 }]);
      assert.deepEqual(b.map((m) => m.data), [{ id: 'B', n: 2 }]);
      // each reply went only to its sender
      await client.request({ cmd: 'barrier', ms: 100 });
      assert.equal(client.events({ ev: 'message', type: 'pong' }).length, 2);
      assert.equal(other.events({ ev: 'message', type: 'pong' }).length, 1);
    });
  });
}
