'use strict';
/**
 * Request/response over ordinary messages (docs/REQUEST.md): `ipc.of[id].request()` and
 * `ipc.server.handle()`/`unhandle()`, with the wire convention
 *   request {type: T, data: {$req: ID, data: P}}
 *   reply   {type: T + '.reply', data: {$req: ID, data: RESULT}}
 *           {type: T + '.reply', data: {$req: ID, error: {name, message[, code]}}}
 *
 * The requesting client lives in the test process (an `ipc.IPC` instance of ours, so each
 * Promise can be awaited here); servers are processes: ours (fixtures/request-server.js,
 * handlers made with handle()) and node-ipc 9.2.1 answering with one plain emit
 * (fixtures/request-plain-server.js). A node-ipc 9.2.1 client (fixtures/client.js) and raw
 * sockets write request frames by hand to our server; the reply bytes are asserted exactly.
 * Unix sockets, TCP and TLS; run on both drivers (NODE_IPC_NATIVE_DRIVER=tokio too).
 */
const { test } = require('node:test');
const assert = require('node:assert/strict');
const path = require('path');
const h = require('./helpers');

const ours = h.loadImpl('native');
const T = { timeout: 60000 };

const CERTS = path.join(h.ROOT, 'local-node-ipc-certs');
const SERVER_TLS = { public: path.join(CERTS, 'server.pub'), private: path.join(CERTS, 'private', 'server.key') };
const CLIENT_TLS = { rejectUnauthorized: true, trustedConnections: [path.join(CERTS, 'server.pub')] };

/** How a server process listens and how our client reaches it. */
const TRANSPORTS = {
  unix: async (s) => {
    const p = s.socketPath('rq');
    return { args: { path: p }, target: { path: p } };
  },
  tcp: async () => {
    const port = await h.freePort();
    return { args: { host: '127.0.0.1', port }, target: { host: '127.0.0.1', port } };
  },
  tls: async () => {
    const port = await h.freePort();
    return {
      args: { host: '127.0.0.1', port, config: { tls: SERVER_TLS } },
      target: { host: '127.0.0.1', port, tls: CLIENT_TLS },
    };
  },
};

/** Starts a server fixture (ours by default) on `transport`; {server, target}. */
async function startServer(s, transport, script = 'request-server.js', impl = 'native') {
  const { args, target } = await TRANSPORTS[transport](s);
  const server = s.spawnPeer(script, [args], { impl, name: `${script}[${impl}] ${transport}` });
  await server.waitFor('start', 10000);
  return { server, target };
}

/** Resolves with the arguments of the next `event` published on an event bus. */
function nextEvent(bus, event, ms = 5000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      bus.off(event, handler);
      reject(new Error(`no '${event}' within ${ms * h.WAIT_SCALE} ms`));
    }, ms * h.WAIT_SCALE);
    function handler(...args) {
      clearTimeout(timer);
      resolve(args);
    }
    bus.once(event, handler);
  });
}

/** Our client (a fresh IPC instance in this process) for `target`, not yet connected. */
function makeClient(t, target, config = {}) {
  const ipc = new ours.IPC();
  Object.assign(ipc.config, { silent: true, retry: 100 }, target.tls ? { tls: target.tls } : {}, config);
  if (target.path) ipc.connectTo('srv', target.path);
  else ipc.connectToNet('srv', target.host, target.port);
  t.after(() => ipc.disconnect('srv'));
  return { ipc, client: ipc.of.srv };
}

/** Our client, connected. */
async function connectClient(t, target, config) {
  const made = makeClient(t, target, config);
  await nextEvent(made.client, 'connect', 10000);
  return made;
}

/** The error a promise rejects with (fails if it resolves). */
async function failure(promise) {
  let value;
  try {
    value = await promise;
  } catch (err) {
    return err;
  }
  return assert.fail(`expected a rejection, resolved with ${JSON.stringify(value)}`);
}

/** An Error with exactly these name, message, code (absent when undefined) and remote. */
function assertError(err, { name, message, code, remote }) {
  assert.ok(err instanceof Error, `an Error: ${err}`);
  assert.equal(err.name, name);
  assert.equal(err.message, message);
  if (code === undefined) assert.equal('code' in err, false, `no code (got ${err.code})`);
  else assert.equal(err.code, code);
  if (remote === undefined) assert.equal('remote' in err, false);
  else assert.equal(err.remote, remote);
}

const UNICODE = { text: 'héllo wörld — 日本語 🎉 \u2028\f\n', nested: { list: [1, [2, [3, { deep: true, none: null }]]], x: 1.5 } };

// ---------------------------------------------------------------------------------------------
// Our client <-> our server
// ---------------------------------------------------------------------------------------------

for (const transport of ['unix', 'tcp', 'tls']) {
  test(`ours <-> ours over ${transport}: results (nested/unicode, 0/false/''/null, undefined) and remote errors (thrown, async rejection, unsendable result, a thrown string)`, T, async (t) => {
    const s = h.scope(t);
    const { target } = await startServer(s, transport);
    const { client } = await connectClient(t, target);

    assert.equal(await client.request('add', { a: 2, b: 3 }), 5);
    assert.deepEqual(await client.request('echo', UNICODE), UNICODE);
    for (const value of [0, false, '', null]) assert.equal(await client.request('echo', value), value);
    assert.equal(await client.request('none', { ignored: true }), undefined);
    assert.equal(await client.request('echo'), undefined);

    assertError(await failure(client.request('fail', {})), { name: 'RangeError', message: 'bad range', code: 'E_RANGE', remote: true });
    assertError(await failure(client.request('reject', {})), { name: 'TypeError', message: 'async no', remote: true });
    assertError(await failure(client.request('bigint', {})), { name: 'TypeError', message: 'Do not know how to serialize a BigInt', remote: true });
    assertError(await failure(client.request('string', {})), { name: 'Error', message: 'plain string', remote: true });
    // The connection is still usable after failed requests.
    assert.equal(await client.request('add', { a: -1, b: 1 }), 0);
  });
}

test('a request times out with ERR_IPC_REQUEST_TIMEOUT; its late reply settles nothing, but ordinary "hold.reply" listeners see it', T, async (t) => {
  const s = h.scope(t);
  const { server, target } = await startServer(s, 'unix');
  const { client } = await connectClient(t, target);
  const replies = [];
  client.on('hold.reply', (data) => replies.push(data));

  const started = Date.now();
  const pending = client.request('hold', { n: 1 }, { timeout: 200 });
  await server.waitFor('held');
  const err = await failure(pending);
  const elapsed = Date.now() - started;
  assertError(err, { name: 'Error', message: 'Request "hold" to "srv" timed out: no reply within 200 ms', code: 'ERR_IPC_REQUEST_TIMEOUT' });
  assert.ok(elapsed >= 195, `rejected after ${elapsed} ms`);

  const late = nextEvent(client, 'hold.reply');
  await server.request({ cmd: 'release', value: 'late' });
  assert.deepEqual((await late)[0], { $req: 1, data: 'late' });
  // Nothing else happened: the next request gets id 2 and its own answer.
  assert.equal(await client.request('add', { a: 20, b: 22 }), 42);
  assert.deepEqual(replies, [{ $req: 1, data: 'late' }]);
});

test('a request pending when the connection closes rejects with ERR_IPC_DISCONNECTED; one made while the client waits to retry rejects at once', T, async (t) => {
  const s = h.scope(t);
  const { server, target } = await startServer(s, 'unix');
  const { client } = await connectClient(t, target, { retry: 60000 });
  const order = [];
  client.on('disconnect', () => order.push('disconnect'));

  const failures = Promise.all([
    failure(client.request('hold', {}, { timeout: 0 })).finally(() => order.push('rejected')),
    failure(client.request('hold', {}, { timeout: Infinity })),
  ]);
  await server.waitForCount('held', 2);
  await server.request({ cmd: 'destroySockets' });
  const message = 'Request "hold" to "srv" failed: the connection closed before the reply';
  for (const err of await failures) assertError(err, { name: 'Error', message, code: 'ERR_IPC_DISCONNECTED' });
  // Rejected while the client closed the connection (the Promise callbacks run after the
  // 'disconnect' handlers, which run synchronously).
  assert.deepEqual(order, ['disconnect', 'rejected']);

  // Waiting 60 s to retry: emit would drop the message, so the request fails at once.
  assertError(await failure(client.request('add', { a: 1, b: 1 })), {
    name: 'Error', message: 'Request "add" not sent: the client "srv" is not connected', code: 'ERR_IPC_DISCONNECTED',
  });
});

test('ipc.disconnect(id) while a request is pending rejects it with ERR_IPC_DISCONNECTED', T, async (t) => {
  const s = h.scope(t);
  const { server, target } = await startServer(s, 'tcp');
  const { ipc, client } = await connectClient(t, target);
  const pending = client.request('hold', {});
  await server.waitFor('held');
  ipc.disconnect('srv');
  assertError(await failure(pending), {
    name: 'Error', message: 'Request "hold" to "srv" failed: the connection closed before the reply', code: 'ERR_IPC_DISCONNECTED',
  });
});

test('a request made while the client is still connecting is sent once connected, as emit is; if that attempt fails it rejects with ERR_IPC_DISCONNECTED', T, async (t) => {
  const s = h.scope(t);
  const { target } = await startServer(s, 'unix');
  const { client } = makeClient(t, target);
  assert.equal(client.socket.connecting, true);
  assert.equal(await client.request('add', { a: 1, b: 2 }), 3);

  const nowhere = makeClient(t, { path: s.socketPath('none') }, { maxRetries: 0 }).client;
  assert.equal(nowhere.socket.connecting, true);
  assertError(await failure(nowhere.request('add', { a: 1, b: 2 })), {
    name: 'Error', message: 'Request "add" to "srv" failed: the connection closed before the reply', code: 'ERR_IPC_DISCONNECTED',
  });
});

test('1,000 concurrent requests answered out of order each resolve with their own reply', T, async (t) => {
  const s = h.scope(t);
  const { target } = await startServer(s, 'unix');
  const { client } = await connectClient(t, target);
  const replyIds = [];
  client.on('delay.reply', (data) => replyIds.push(data.$req));
  const N = 1000;
  const all = [];
  for (let i = 0; i < N; i++) all.push(client.request('delay', { i, ms: (i * 7919) % 23 }));
  const results = await Promise.all(all);
  assert.deepEqual(results, Array.from({ length: N }, (_, i) => i));
  assert.equal(replyIds.length, N);
  assert.deepEqual([...replyIds].sort((a, b) => a - b), Array.from({ length: N }, (_, i) => i + 1));
  assert.notDeepEqual(replyIds, [...replyIds].sort((a, b) => a - b), 'the replies came out of order');
});

// ---------------------------------------------------------------------------------------------
// Our client against a hand-written peer: its bytes, argument errors, reply matching
// ---------------------------------------------------------------------------------------------

test('request frames on the wire; argument errors reject (ERR_INVALID_ARG_TYPE, ERR_OUT_OF_RANGE) and send nothing; replies match by $req and type', T, async (t) => {
  const s = h.scope(t);
  const p = s.socketPath('cap');
  const capture = await s.captureServer(p);
  const { client } = await connectClient(t, { path: p });
  const conn = await capture.connection(0);

  const typeError = (name, what) => ({
    name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE', message: `The "${name}" argument must be ${what}`,
  });
  const cases = [
    [[5], typeError('type', 'of type string. Received type number (5)')],
    [[undefined], typeError('type', 'of type string. Received undefined')],
    [[null, 1], typeError('type', 'of type string. Received null')],
    [[{}], typeError('type', 'of type string. Received an instance of Object')],
    [['add', 1, 5], typeError('options', 'of type object. Received type number (5)')],
    [['add', 1, 'fast'], typeError('options', 'of type object. Received type string ("fast")')],
    [['add', 1, { timeout: '100' }], typeError('options.timeout', 'of type number. Received type string ("100")')],
    [['add', 1, { timeout: null }], typeError('options.timeout', 'of type number. Received null')],
    [['add', 1, { timeout: -1 }], { name: 'RangeError', code: 'ERR_OUT_OF_RANGE', message: 'The value of "options.timeout" is out of range. It must be >= 0 and <= 2147483647, or Infinity. Received -1' }],
    [['add', 1, { timeout: NaN }], { name: 'RangeError', code: 'ERR_OUT_OF_RANGE', message: 'The value of "options.timeout" is out of range. It must be >= 0 and <= 2147483647, or Infinity. Received NaN' }],
    [['add', 1, { timeout: 2 ** 31 }], { name: 'RangeError', code: 'ERR_OUT_OF_RANGE', message: 'The value of "options.timeout" is out of range. It must be >= 0 and <= 2147483647, or Infinity. Received 2147483648' }],
    [['add', 10n], { name: 'TypeError', message: 'Do not know how to serialize a BigInt' }],
  ];
  for (const [args, expected] of cases) {
    const returned = client.request(...args);
    assert.ok(returned instanceof Promise, `request(${args.map(String)}) returns a Promise`);
    assertError(await failure(returned), expected);
  }
  client.config.rawBuffer = true;
  assertError(await failure(client.request('add', 1)), {
    name: 'Error', code: 'ERR_IPC_RAW_BUFFER', message: 'Request "add" not sent: requests need JSON messages, and config.rawBuffer is set',
  });
  client.config.rawBuffer = false;

  // Nothing was sent and no id was used: the first request sent is $req 1.
  const first = client.request('add', { a: 1, b: 2 }, { timeout: 0 });
  const second = client.request('add', undefined, null);
  const third = client.request('other', 'x', { timeout: Infinity });
  const expected = '{"type":"add","data":{"$req":1,"data":{"a":1,"b":2}}}\f' +
    '{"type":"add","data":{"$req":2}}\f' +
    '{"type":"other","data":{"$req":3,"data":"x"}}\f';
  assert.equal((await conn.waitBytes(Buffer.byteLength(expected))).toString(), expected);

  const seen = [];
  client.on('add.reply', (data) => seen.push(data));
  await conn.write(
    '{"type":"add.reply","data":{"$req":99,"data":"unknown id"}}\f' +
    '{"type":"other.reply","data":{"$req":1,"data":"id of another type"}}\f' +
    '{"type":"add.reply","data":{"$req":"1","data":"id as a string"}}\f' +
    '{"type":"add.reply","data":{"$req":1,"data":3}}\f' +
    '{"type":"add.reply","data":{"$req":1,"data":"duplicate"}}\f' +
    '{"type":"other.reply","data":{"$req":3,"error":null,"data":"null error is success"}}\f' +
    '{"type":"add.reply","data":{"$req":2,"error":"just text"}}\f'
  );
  assert.equal(await first, 3);
  assert.equal(await third, 'null error is success');
  assertError(await failure(second), { name: 'Error', message: 'just text', remote: true });
  assert.deepEqual(seen.map((d) => d.data === undefined ? d.error : d.data), ['unknown id', 'id as a string', 3, 'duplicate', 'just text']);
});

test('in sync mode requests are sent one at a time, each reply releasing the next, as emits are', T, async (t) => {
  const s = h.scope(t);
  const p = s.socketPath('sync');
  const capture = await s.captureServer(p);
  const { client } = await connectClient(t, { path: p }, { sync: true });
  const conn = await capture.connection(0);
  const results = [1, 2, 3].map((n) => client.request('n', n, { timeout: 0 }));
  const frames = [1, 2, 3].map((n) => `{"type":"n","data":{"$req":${n},"data":${n}}}\f`);
  let expected = frames[0];
  assert.equal((await conn.waitBytes(Buffer.byteLength(expected))).toString(), expected);
  for (const n of [1, 2]) {
    await conn.write(`{"type":"n.reply","data":{"$req":${n},"data":${n * 10}}}\f`);
    expected += frames[n];
    assert.equal((await conn.waitBytes(Buffer.byteLength(expected))).toString(), expected);
  }
  await conn.write('{"type":"n.reply","data":{"$req":3,"data":30}}\f');
  assert.deepEqual(await Promise.all(results), [10, 20, 30]);
});

// ---------------------------------------------------------------------------------------------
// Our server.handle
// ---------------------------------------------------------------------------------------------

test('server.handle/unhandle: argument errors, a second handler for a type throws ERR_IPC_HANDLER_EXISTS, unhandle() removes it', () => {
  const ipc = new ours.IPC();
  ipc.config.silent = true;
  ipc.serve('/tmp/never-started.sock');
  const server = ipc.server;
  const argError = (name, received) => ({
    name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE', message: `The "${name}" argument must be ${received}`,
  });
  assert.throws(() => server.handle(5, () => {}), argError('type', 'of type string. Received type number (5)'));
  assert.throws(() => server.handle('add'), argError('handler', 'of type function. Received undefined'));
  assert.throws(() => server.handle('add', 'fn'), argError('handler', 'of type function. Received type string ("fn")'));

  const first = () => 1;
  assert.equal(server.handle('add', first), server);
  assert.equal(server._events_.add.length, 1, 'one ordinary listener');
  assert.throws(() => server.handle('add', () => 2), {
    name: 'Error', code: 'ERR_IPC_HANDLER_EXISTS',
    message: 'A handler for requests "add" is already registered; call unhandle("add") first',
  });
  assert.equal(server.unhandle('add'), true);
  assert.equal(server._events_.add, undefined);
  assert.equal(server.unhandle('add'), false);
  assert.equal(server.unhandle('never'), false);
  server.handle('add', first);
  // A listener removed with off() no longer counts: handle() registers again.
  server.off('add', '*');
  server.handle('add', () => 3);
  assert.equal(server._events_.add.length, 1);
  // Not own enumerable keys: the shape of the node-ipc objects is unchanged.
  assert.equal(Object.keys(server).includes('handle'), false);
  assert.equal(Object.keys(server).includes('unhandle'), false);
});

for (const transport of ['unix', 'tcp']) {
  test(`our server.handle over ${transport}: the exact reply bytes of the convention; messages without a valid $req are not answered, ordinary listeners see them all`, T, async (t) => {
    const s = h.scope(t);
    const { server, target } = await startServer(s, transport);
    const conn = await s.rawConnect(target.path || { host: target.host, port: target.port });
    const from = server.mark();
    let expected = '';
    async function exchange(request, reply) {
      expected += reply;
      await conn.write(request);
      assert.equal((await conn.waitBytes(Buffer.byteLength(expected))).toString(), expected);
    }

    await exchange(
      '{"type":"add","data":{"a":1,"b":2}}\f' +
      '{"type":"add","data":{"$req":0,"data":{"a":1,"b":2}}}\f' +
      '{"type":"add","data":{"$req":1.5,"data":{"a":1,"b":2}}}\f' +
      '{"type":"add","data":{"$req":"7","data":{"a":1,"b":2}}}\f' +
      '{"type":"add","data":{"$req":9007199254740992,"data":{"a":1,"b":2}}}\f' +
      '{"type":"add","data":{"$req":7,"data":{"a":1,"b":2}}}\f',
      '{"type":"add.reply","data":{"$req":7,"data":3}}\f'
    );
    await server.waitForCount({ ev: 'message', type: 'add' }, 6, 5000, { from });
    await exchange('{"type":"add","data":{"$req":9007199254740991,"data":{"a":0,"b":0}}}\f',
      '{"type":"add.reply","data":{"$req":9007199254740991,"data":0}}\f');
    await exchange('{"type":"fail","data":{"$req":8}}\f',
      '{"type":"fail.reply","data":{"$req":8,"error":{"name":"RangeError","message":"bad range","code":"E_RANGE"}}}\f');
    await exchange('{"type":"reject","data":{"$req":9,"data":null}}\f',
      '{"type":"reject.reply","data":{"$req":9,"error":{"name":"TypeError","message":"async no"}}}\f');
    await exchange('{"type":"none","data":{"$req":10,"data":1}}\f', '{"type":"none.reply","data":{"$req":10}}\f');
    await exchange('{"type":"echo","data":{"$req":11,"data":{"s":"日本語 🎉","z":[0,false,"",null]}}}\f',
      '{"type":"echo.reply","data":{"$req":11,"data":{"s":"日本語 🎉","z":[0,false,"",null]}}}\f');
    await exchange('{"type":"bigint","data":{"$req":12}}\f',
      '{"type":"bigint.reply","data":{"$req":12,"error":{"name":"TypeError","message":"Do not know how to serialize a BigInt"}}}\f');
    await exchange('{"type":"string","data":{"$req":13}}\f',
      '{"type":"string.reply","data":{"$req":13,"error":{"name":"Error","message":"plain string"}}}\f');
  });
}

test('after unhandle(type) requests of that type get no reply (the request times out); other listeners still see them', T, async (t) => {
  const s = h.scope(t);
  const { server, target } = await startServer(s, 'unix');
  const { client } = await connectClient(t, target);
  assert.equal(await client.request('add', { a: 1, b: 1 }), 2);
  assert.equal((await server.request({ cmd: 'unhandle', type: 'add' })).removed, true);
  assert.equal((await server.request({ cmd: 'unhandle', type: 'add' })).removed, false);
  const from = server.mark();
  assertError(await failure(client.request('add', { a: 1, b: 1 }, { timeout: 300 })), {
    name: 'Error', message: 'Request "add" to "srv" timed out: no reply within 300 ms', code: 'ERR_IPC_REQUEST_TIMEOUT',
  });
  await server.waitFor({ ev: 'message', type: 'add', data: { $req: 2, data: { a: 1, b: 1 } } }, 5000, { from });
});

// ---------------------------------------------------------------------------------------------
// node-ipc 9.2.1 peers
// ---------------------------------------------------------------------------------------------

for (const transport of ['unix', 'tcp']) {
  test(`our client -> a node-ipc 9.2.1 server answering with one emit, over ${transport}`, T, async (t) => {
    const s = h.scope(t);
    const { server, target } = await startServer(s, transport, 'request-plain-server.js', 'node-ipc');
    const { client } = await connectClient(t, target);
    assert.equal(await client.request('add', { a: 2, b: 3 }), 5);
    await server.waitFor({ ev: 'message', type: 'add', data: { $req: 1, data: { a: 2, b: 3 } } });
    assert.equal(await client.request('div', { a: 1, b: 4 }), 0.25);
    assertError(await failure(client.request('div', { a: 1, b: 0 })), { name: 'RangeError', message: 'division by zero', code: 'E_DIV', remote: true });
    const sums = await Promise.all(Array.from({ length: 200 }, (_, i) => client.request('add', { a: i, b: 1000 })));
    assert.deepEqual(sums, Array.from({ length: 200 }, (_, i) => i + 1000));
  });
}

test('a node-ipc 9.2.1 client writing the request frame by hand gets its reply from our server.handle', T, async (t) => {
  const s = h.scope(t);
  const { target } = await startServer(s, 'unix');
  const client = s.spawnPeer('client.js', [{ id: 'srv', path: target.path, types: ['add.reply', 'fail.reply'] }], { impl: 'node-ipc' });
  await client.waitFor('connect', 10000);
  await client.request({ cmd: 'emit', type: 'add', data: { $req: 1, data: { a: 2, b: 3 } } });
  await client.request({ cmd: 'emit', type: 'fail', data: { $req: 2, data: {} } });
  const add = await client.waitFor({ ev: 'message', type: 'add.reply' });
  assert.deepEqual(add.data, { $req: 1, data: 5 });
  const fail = await client.waitFor({ ev: 'message', type: 'fail.reply' });
  assert.deepEqual(fail.data, { $req: 2, error: { name: 'RangeError', message: 'bad range', code: 'E_RANGE' } });
});

// ---------------------------------------------------------------------------------------------
// Process lifetime
// ---------------------------------------------------------------------------------------------

test('a settled request leaves no timer behind: the requesting process exits at once after disconnect (answered, and rejected on disconnect)', T, async (t) => {
  const s = h.scope(t);
  const { server, target } = await startServer(s, 'unix');
  const answered = s.spawnPeer('request-client.js', [{ path: target.path, type: 'add', data: { a: 1, b: 2 }, timeout: 10000 }], { stdin: false });
  await answered.waitFor({ ev: 'result', value: 3 }, 10000);
  await answered.waitFor('disconnected');
  assert.deepEqual(await answered.waitExit(3000), { code: 0, signal: null });

  const cut = s.spawnPeer('request-client.js', [{ path: target.path, type: 'hold', data: {}, timeout: 10000 }], { stdin: false });
  await server.waitFor('held', 10000);
  await server.request({ cmd: 'destroySockets' });
  await cut.waitFor({ ev: 'failed', code: 'ERR_IPC_DISCONNECTED' });
  assert.deepEqual(await cut.waitExit(3000), { code: 0, signal: null });
});
