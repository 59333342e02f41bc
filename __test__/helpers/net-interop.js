'use strict';
/**
 * Interop scenarios over any transport, shared by interop.test.js (unix sockets), tcp.test.js,
 * tls.test.js and udp.test.js (CASES, emitEntry): §6.1 values and normalisation (Q13, Q14),
 * §6.4 1 MiB and 10,000 pipelined frames, §4.6 broadcast, §6.3/Q38 socket.disconnected id,
 * §4.4 server.emit(socket, ...) replies.
 *
 * A transport says how a server peer listens and how a client peer reaches it:
 *   transport.listen(s, impl, serverOpts) -> endpoint: { server, host, port } (network) or
 *                                            { server, path } (unix); the server already started
 *   transport.clientOptions(endpoint, clientOpts, impl) -> options for fixtures/client.js
 *
 * Not required by fixtures (it pulls in node:assert only; helpers/index.js is not loaded here).
 */
const assert = require('node:assert/strict');
const { describeValue } = require('./values');
const { freePort } = require('./paths');
const { implLabel } = require('./impl');

/** Merge fixture options, merging `config` one level deep. */
function mergeOpts(base, extra) {
  return { ...base, ...extra, config: { ...(base.config || {}), ...((extra && extra.config) || {}) } };
}

/**
 * TCP (or TLS, when the configs carry `tls`) transport: serveNet(host, port, cb) on a free port,
 * connectToNet('srv', host, port, cb).
 * @param {object} [o]
 * @param {string} [o.host='127.0.0.1'] listen host (also what clients dial unless o.dialHost)
 * @param {string} [o.dialHost] host given to connectToNet
 * @param {object|function} [o.serverConfig] ipc.config for servers (function of impl -> object)
 * @param {object|function} [o.clientConfig] ipc.config for clients (function of impl -> object)
 */
function netTransport(o = {}) {
  const host = o.host || '127.0.0.1';
  const cfg = (c, impl) => (typeof c === 'function' ? c(impl) : c || {});
  return {
    host,
    async listen(s, impl, serverOpts = {}) {
      const port = await freePort();
      const opts = mergeOpts({ serveForm: 'net', host, port, config: cfg(o.serverConfig, impl) }, serverOpts);
      return { server: await startServer(s, impl, opts), host, port };
    },
    clientOptions(ep, clientOpts = {}, impl) {
      return mergeOpts(
        { id: 'srv', net: { host: o.dialHost || ep.host, port: ep.port }, config: cfg(o.clientConfig, impl) },
        clientOpts
      );
    },
  };
}

/**
 * Unix-socket transport: serve() on a fresh unique path (s.socketPath(tag), unlinked when the
 * scope ends), connectTo('srv', path).
 * @param {object} [o]
 * @param {string} [o.tag='io'] tag of the socket file names
 */
function unixTransport(o = {}) {
  const tag = o.tag || 'io';
  return {
    async listen(s, impl, serverOpts = {}) {
      const path = s.socketPath(tag);
      return { server: await startServer(s, impl, mergeOpts({ path }, serverOpts)), path };
    },
    clientOptions(ep, clientOpts = {}) {
      return mergeOpts({ id: 'srv', path: ep.path }, clientOpts);
    },
  };
}

/** Spawn fixtures/server.js with `opts` and wait for its 'start'. */
async function startServer(s, impl, opts) {
  const server = s.spawnPeer('server.js', [opts], { impl, name: `server[${implLabel(impl)}]` });
  await server.waitFor('start', 10000);
  return server;
}

/** Start a server peer and one client peer connected to it. */
async function pair(s, transport, dir, { serverOpts = {}, clientOpts = {} } = {}) {
  const ep = await transport.listen(s, dir.server, serverOpts);
  const client = await addClient(s, transport, dir, ep, clientOpts, 'client');
  await ep.server.waitFor('connect', 10000);
  return { ep, server: ep.server, client };
}

async function addClient(s, transport, dir, ep, clientOpts = {}, name = 'client') {
  const client = s.spawnPeer('client.js', [transport.clientOptions(ep, clientOpts, dir.client)], {
    impl: dir.client,
    name: `${name}[${implLabel(dir.client)}]`,
  });
  await client.waitFor('connect', 10000);
  return client;
}

/** The §6.1 payload cases (one list per interop test): {name, dataExpr | data | noData, expect}. */
const CASES = {
  unicode: [
    { name: 'latin + cjk', data: 'héllo wörld — 日本語テキスト', expect: 'héllo wörld — 日本語テキスト' },
    { name: 'astral emoji', data: '😀👍🏽 𝄞', expect: '😀👍🏽 𝄞' },
    { name: 'line/paragraph separators', dataExpr: "'a\\u2028b\\u2029c'", expect: 'a\u2028b\u2029c' },
    { name: 'NUL and DEL', dataExpr: "'\\u0000x\\u007f'", expect: '\u0000x\u007f' },
    { name: 'lone surrogate', dataExpr: "'x\\ud800y'", expect: 'x\ud800y' },
    { name: 'unicode keys', data: { 'ключ': 'значение', '鍵': ['値'] }, expect: { 'ключ': 'значение', '鍵': ['値'] } },
  ],
  formFeed: [
    { name: 'a\\fb\\n', dataExpr: "'a\\fb\\n'", expect: 'a\fb\n' },
    { name: 'only form feeds', dataExpr: "'\\f\\f\\f'", expect: '\f\f\f' },
    {
      name: 'all C0 controls',
      dataExpr: "Array.from({length:32},(_,i)=>String.fromCharCode(i)).join('')",
      expect: Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)).join(''),
    },
    { name: 'quotes/backslash/slash', dataExpr: "'\"q\" \\\\ / \\r\\t'", expect: '"q" \\ / \r\t' },
    { name: 'ff in keys and nested', dataExpr: "({'k\\f': ['\\f', {'\\n': '\\f\\n'}]})", expect: { 'k\f': ['\f', { '\n': '\f\n' }] } },
  ],
  falsy: [
    { name: 'undefined', dataExpr: 'undefined', expect: {} },
    { name: 'null', dataExpr: 'null', expect: {} },
    { name: "''", dataExpr: "''", expect: {} },
    { name: 'NaN', dataExpr: 'NaN', expect: {} },
    { name: 'no data argument', noData: true, expect: {} },
    { name: '-0 is falsy', dataExpr: '-0', expect: 0 },
  ],
  zeroFalse: [
    { name: '0', dataExpr: '0', expect: 0 },
    { name: 'false', dataExpr: 'false', expect: false },
    { name: 'true', dataExpr: 'true', expect: true },
    { name: '1.5', dataExpr: '1.5', expect: 1.5 },
    { name: "'0'", dataExpr: "'0'", expect: '0' },
    { name: '[]', dataExpr: '[]', expect: [] },
    { name: '{}', dataExpr: '({})', expect: {} },
  ],
  nested: (() => {
    const deep = { a: { b: { c: { d: { e: { f: [1, [2, [3, { g: 'h' }]]] } } } } }, list: [null, true, false, 0, -1.25e-7, 'x'] };
    return [
      { name: 'deep', data: deep, expect: deep },
      { name: 'Date member', dataExpr: '({when: new Date(0)})', expect: { when: '1970-01-01T00:00:00.000Z' } },
      { name: 'undefined/NaN/Infinity members', dataExpr: '({u: undefined, n: NaN, i: Infinity, a: [undefined, NaN]})', expect: { n: null, i: null, a: [null, null] } },
      { name: 'Buffer', dataExpr: 'Buffer.from([1, 2, 255])', expect: { type: 'Buffer', data: [1, 2, 255] } },
      { name: 'Q14 truthy _maxListeners', dataExpr: '({_maxListeners: 10, x: 1})', expect: {} },
      { name: 'falsy _maxListeners kept', dataExpr: '({_maxListeners: 0, x: 1})', expect: { _maxListeners: 0, x: 1 } },
      { name: 'id field (also becomes socket.id)', data: { id: 'c-1', payload: { x: [1] } }, expect: { id: 'c-1', payload: { x: [1] } } },
    ];
  })(),
};

function emitEntry({ dataExpr, data, noData }, type) {
  const e = { type };
  if (noData) e.noData = true;
  else if (dataExpr !== undefined) e.dataExpr = dataExpr;
  else e.data = data;
  return e;
}

/**
 * Send each case client -> server ('msg') and server -> client ('reply', server.emit(socket))
 * over an established pair and compare what each receiver saw.
 */
async function roundTripOnPair({ server, client }, cases) {
  const from = server.mark();
  await client.request({ cmd: 'emitSeq', list: cases.map((c) => emitEntry(c, 'msg')) });
  const got = await server.waitForCount({ ev: 'message', type: 'msg' }, cases.length, 10000, { from });
  cases.forEach((c, i) => {
    assert.deepEqual(
      { hasData: got[i].hasData, data: got[i].data },
      { hasData: true, data: describeValue(c.expect) },
      `client->server case "${c.name}"`
    );
    assert.equal(got[i].argc, 2, 'server handlers receive (data, socket)');
    assert.equal(got[i].sock, 1);
  });

  const cfrom = client.mark();
  for (const c of cases) server.send({ cmd: 'emit', sock: 1, ...emitEntry(c, 'reply') });
  const replies = await client.waitForCount({ ev: 'message', type: 'reply' }, cases.length, 10000, { from: cfrom });
  cases.forEach((c, i) => {
    assert.deepEqual(
      { hasData: replies[i].hasData, data: replies[i].data },
      { hasData: true, data: describeValue(c.expect) },
      `server->client case "${c.name}"`
    );
    assert.equal(replies[i].argc, 1, 'client handlers receive (data) only');
  });
  assert.deepEqual(server.events('error'), []);
  assert.deepEqual(client.events('error'), []);
}

async function roundTripCases(s, transport, dir, cases, pairOpts) {
  const p = await pair(s, transport, dir, pairOpts);
  await roundTripOnPair(p, cases);
  return p;
}

/** §6.4: 1 MiB ASCII and ~1 MiB multi-byte strings both ways. Returns timing text. */
async function bigPayloadOnPair({ server, client }) {
  const SIZE = 1 << 20;
  const asciiExpr = `Array.from({length: ${SIZE}}, (_, i) => String.fromCharCode(97 + (i % 26))).join('')`;
  const mixedExpr = `'aé日😀'.repeat(${Math.floor(SIZE / 10)})`;
  const ascii = Array.from({ length: SIZE }, (_, i) => String.fromCharCode(97 + (i % 26))).join('');
  const mixed = 'aé日😀'.repeat(Math.floor(SIZE / 10));
  const notes = [];
  for (const [name, expr, value] of [['ascii', asciiExpr, ascii], ['multibyte', mixedExpr, mixed]]) {
    await client.request({ cmd: 'prepare', name, dataExpr: expr }, 10000);
    await server.request({ cmd: 'prepare', name, dataExpr: expr }, 10000);
    let from = server.mark();
    let t0 = Date.now();
    client.send({ cmd: 'emit', type: 'big', dataRef: name });
    const up = await server.waitFor({ ev: 'message', type: 'big' }, 30000, { from });
    const upMs = Date.now() - t0;
    assert.deepEqual(up.data, describeValue(value), `client->server ${name}`);
    from = client.mark();
    t0 = Date.now();
    server.send({ cmd: 'emit', sock: 1, type: 'big', dataRef: name });
    const down = await client.waitFor({ ev: 'message', type: 'big' }, 30000, { from });
    const downMs = Date.now() - t0;
    assert.deepEqual(down.data, describeValue(value), `server->client ${name}`);
    notes.push(`1 MiB ${name}: client->server ${upMs} ms, server->client ${downMs} ms`);
  }
  assert.deepEqual(server.events('error'), []);
  assert.deepEqual(client.events('error'), []);
  return notes.join('; ');
}

/** §6.4: N pipelined frames arrive complete and in order, both ways. Returns timing text. */
async function pipelinedOnPair({ server, client }, N) {
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
  assert.equal((await server.request({ cmd: 'tally', type: 'seq' })).count, N);
  assert.equal((await client.request({ cmd: 'tally', type: 'seq' })).count, N);
  assert.deepEqual(server.events('error'), []);
  assert.deepEqual(client.events('error'), []);
  return `${N} msgs: client->server ${upMs} ms, server->client ${downMs} ms`;
}

function pipelinedPairOpts(N) {
  return { serverOpts: { tally: ['seq'], tallyEvery: N }, clientOpts: { tally: ['seq'], tallyEvery: N } };
}

/** §4.6: broadcast reaches each of 3 clients exactly once, in order. */
async function broadcastThree(s, transport, dir) {
  const { ep, server, client } = await pair(s, transport, dir);
  const c2 = await addClient(s, transport, dir, ep, {}, 'client2');
  const c3 = await addClient(s, transport, dir, ep, {}, 'client3');
  await server.waitForCount('connect', 3, 10000);
  const socks = await server.request({ cmd: 'sockets' });
  assert.deepEqual(socks.list.map((x) => x.sock), [1, 2, 3]);
  await server.request({ cmd: 'broadcast', type: 'news', data: { n: 1, text: 'héllo\f' } });
  await server.request({ cmd: 'broadcast', type: 'news', noData: true });
  await server.request({ cmd: 'broadcast', type: 'news', dataExpr: '0' });
  for (const c of [client, c2, c3]) {
    const got = await c.waitForCount({ ev: 'message', type: 'news' }, 3);
    assert.deepEqual(got.map((m) => m.data), [{ n: 1, text: 'héllo\f' }, {}, 0]);
  }
  await server.request({ cmd: 'broadcast', type: 'x', data: 'end' });
  for (const c of [client, c2, c3]) {
    await c.waitFor({ ev: 'message', type: 'x' });
    assert.equal(c.events({ ev: 'message', type: 'news' }).length, 3);
  }
}

/** §6.3 Q38: socket.disconnected carries the id taken from the last data.id (false when none). */
async function disconnectedId(s, transport, dir) {
  const { ep, server, client } = await pair(s, transport, dir);
  const anon = await addClient(s, transport, dir, ep, {}, 'anonymous');
  await server.waitForCount('connect', 2, 10000);
  await client.request({ cmd: 'emit', type: 'identify', data: { id: 'alpha' } });
  await server.waitFor({ ev: 'message', type: 'identify', socketId: 'alpha' });
  await client.request({ cmd: 'emit', type: 'msg', data: { id: 'beta', v: 1 } });
  await server.waitFor({ ev: 'message', type: 'msg', socketId: 'beta' });
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
}

/** §4.4: server.emit(socket, ...) replies (echo ping -> pong) reach only their sender. */
async function replyToSender(s, transport, dir) {
  const { ep, client } = await pair(s, transport, dir, { serverOpts: { echo: { ping: 'pong' } } });
  const other = await addClient(s, transport, dir, ep, {}, 'other');
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
}

module.exports = {
  netTransport,
  unixTransport,
  mergeOpts,
  pair,
  addClient,
  CASES,
  emitEntry,
  roundTripOnPair,
  roundTripCases,
  bigPayloadOnPair,
  pipelinedOnPair,
  pipelinedPairOpts,
  broadcastThree,
  disconnectedId,
  replyToSender,
};
