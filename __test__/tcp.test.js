'use strict';
/**
 * TCP transport: ipc.serveNet / ipc.connectToNet without TLS.
 *
 *  - §3.6 / §3.3 resolved-overload tables (server path/port/udp4/udp6, client path/port), each
 *    row checked by actually reaching the resolved endpoint; default-port rows set
 *    config.networkPort to a free port instead of 8000;
 *  - interop node-ipc 9.2.1 <-> ours over TCP in both directions with the payload cases of
 *    interop.test.js (§6.1-§6.4, §4.6, §6.3/Q38);
 *  - server-side sockets' remoteAddress/remotePort; IPv6 '::1'; Q26 maxConnections on TCP;
 *    §5.3 retry counting against a closed port; Q34 port 0 = default port; config.interface
 *    (singular, Q2 KEEP part).
 * FIX items (Q2 `interfaces` alias, Q20, Q22, ...) are in fixes-net.test.js.
 *
 * Subject: 'native' (ours). Validation: OUR_IMPL=node-ipc makes it node-ipc 9.2.1 and every
 * test here must pass.
 */
const { describe, test } = require('node:test');
const assert = require('node:assert/strict');
const dgram = require('dgram');
const h = require('./helpers');
const ni = require('./helpers/net-interop');

const T = { timeout: 60000 };
const SUBJECT = 'native';
const PEER = 'node-ipc';
const LIFECYCLE = ['connect', 'error', 'disconnect', 'destroy'];

const DIRECTIONS = [
  { server: PEER, client: SUBJECT },
  { server: SUBJECT, client: PEER },
];

const { frame } = h;

function lifecycle(peer, from = 0) {
  return peer.events((l) => LIFECYCLE.includes(l.ev), from);
}

function spawnServer(s, opts, impl = SUBJECT, spawnOpts = {}) {
  return h.serverPeer(s, opts, impl, spawnOpts);
}

function spawnClient(s, opts, impl = SUBJECT, spawnOpts = {}) {
  return h.clientPeer(s, opts, impl, spawnOpts);
}

/** Send one datagram from the test process and close the socket. */
function sendDatagram(type, address, port, payload) {
  return new Promise((resolve, reject) => {
    const sock = dgram.createSocket(type);
    sock.send(Buffer.from(payload), port, address, (err) => {
      sock.close();
      if (err) reject(err);
      else resolve();
    });
  });
}

/** A plain TCP listener on every interface (IPv4 and IPv6 loopback) that records connections. */
async function captureAnyHost(s, port) {
  return s.captureServer({ port });
}

// ---------------------------------------------------------------------------------------------
// §3.6 serveNet overloads
// ---------------------------------------------------------------------------------------------

// args: '$P' = a given free port, '$D' never appears (the default port is config.networkPort).
// expect.port: 'P' (given) or 'D' (config.networkPort). kind: 'tcp' | 'udp4' | 'udp6'.
const SERVE_NET_ROWS = [
  { call: '()', args: [], cb: false, expect: { path: '127.0.0.1', port: 'D', kind: 'tcp' } },
  { call: '(f)', args: [], cb: true, expect: { path: '127.0.0.1', port: 'D', kind: 'tcp' } },
  { call: '(3435)', args: ['$P'], cb: false, expect: { path: '127.0.0.1', port: 'P', kind: 'tcp' } },
  { call: '(3435, f)', args: ['$P'], cb: true, expect: { path: '127.0.0.1', port: 'P', kind: 'tcp' } },
  { call: "('udp4')", args: ['udp4'], cb: false, expect: { path: '127.0.0.1', port: 'D', kind: 'udp4' } },
  { call: "('udp4', f)", args: ['udp4'], cb: true, expect: { path: '127.0.0.1', port: 'D', kind: 'udp4' } },
  { call: "('UDP4', f) (case-insensitive in 1st position)", args: ['UDP4'], cb: true, expect: { path: '127.0.0.1', port: 'D', kind: 'udp4' } },
  { call: "('UDP6', f) (Q33: bind EINVAL published)", args: ['UDP6'], cb: true, expect: { path: '127.0.0.1', port: 'D', kind: 'udp6', bindError: 'EINVAL' } },
  { call: "('host')", args: ['localhost'], cb: false, expect: { path: 'localhost', port: 'D', kind: 'tcp' } },
  { call: "('host', f)", args: ['localhost'], cb: true, expect: { path: 'localhost', port: 'D', kind: 'tcp' } },
  { call: "('host', 3435)", args: ['localhost', '$P'], cb: false, expect: { path: 'localhost', port: 'P', kind: 'tcp' } },
  { call: "('host', 3435, f)", args: ['localhost', '$P'], cb: true, expect: { path: 'localhost', port: 'P', kind: 'tcp' } },
  { call: "('host', 3435, 'udp4', f)", args: ['localhost', '$P', 'udp4'], cb: true, expect: { path: 'localhost', port: 'P', kind: 'udp4' } },
  { call: "('host', 3435, 'UDP4', f) (exact strings only in 3rd position -> TCP)", args: ['localhost', '$P', 'UDP4'], cb: true, expect: { path: 'localhost', port: 'P', kind: 'tcp' } },
  { call: "('host', 'udp4', f)", args: ['localhost', 'udp4'], cb: true, expect: { path: 'localhost', port: 'D', kind: 'udp4' } },
  { call: "(3435, 'udp4')", args: ['$P', 'udp4'], cb: false, expect: { path: '127.0.0.1', port: 'P', kind: 'udp4' } },
  { call: "(3435, 'udp4', f)", args: ['$P', 'udp4'], cb: true, expect: { path: '127.0.0.1', port: 'P', kind: 'udp4' } },
  { call: "('::1', 8010, 'udp4')", args: ['::1', '$P', 'udp4'], cb: false, expect: { path: '127.0.0.1', port: 'P', kind: 'udp4' } },
  { call: "('::1', 'udp4')", args: ['::1', 'udp4'], cb: false, expect: { path: '127.0.0.1', port: 'D', kind: 'udp4' } },
  { call: "('::1', 8010, 'udp6', f)", args: ['::1', '$P', 'udp6'], cb: true, expect: { path: '::1', port: 'P', kind: 'udp6' } },
  { call: '(0) (Q34)', args: [0], cb: false, expect: { path: '127.0.0.1', port: 'D', kind: 'tcp' } },
  { call: '(null, 99)', args: [null, '$P'], cb: false, expect: { path: '127.0.0.1', port: 'P', kind: 'tcp' } },
];

describe(`§3.6 serveNet() resolved overloads (${h.implLabel(SUBJECT)})`, () => {
  for (const row of SERVE_NET_ROWS) {
    test(`§3.6 serveNet${row.call} -> ${row.expect.path} : ${row.expect.port === 'D' ? 'networkPort' : 'port'} : ${row.expect.kind}`, T, async (t) => {
      const s = h.scope(t);
      const D = await h.freePort();
      const P = await h.freePort();
      const args = row.args.map((a) => (a === '$P' ? P : a));
      const port = row.expect.port === 'D' ? D : P;
      const server = spawnServer(s, { serveNetArgs: args, serveNetCallback: row.cb, config: { networkPort: D } });
      const served = await server.waitFor('served', 10000);
      assert.deepEqual(
        { path: served.path, port: served.port, udp4: served.udp4, udp6: served.udp6 },
        { path: row.expect.path, port, udp4: row.expect.kind === 'udp4', udp6: row.expect.kind === 'udp6' },
        'server.path / server.port / server.udp4 / server.udp6'
      );
      const start = await server.waitFor('start', 10000);
      if (row.expect.kind === 'tcp') {
        assert.equal(start.argIsUndefined, true, 'TCP start carries no argument');
      } else {
        assert.deepEqual(start.arg, { address: row.expect.path, port }, 'Q32: UDP start carries {address: host, port}');
      }
      // the callback is the start handler: present exactly when given
      await server.request({ cmd: 'barrier', ms: 50 });
      assert.equal(server.events('serve-cb').length, row.cb ? 1 : 0, 'callback runs on start iff given');

      if (row.expect.bindError) {
        const err = await server.waitFor('error', 5000);
        assert.deepEqual({ code: err.code, syscall: err.syscall, argc: err.argc }, { code: row.expect.bindError, syscall: 'bind', argc: 1 });
        return;
      }
      if (row.expect.kind === 'tcp') {
        // reachable at the resolved endpoint (localhost resolves to a loopback address)
        const conn = await s.rawConnect({ host: row.expect.path, port });
        await server.waitFor('connect', 5000);
        await conn.write(frame('msg', row.call));
        const m = await server.waitFor({ ev: 'message', type: 'msg' }, 5000);
        assert.equal(m.data, row.call);
      } else {
        const family = row.expect.kind;
        const address = row.expect.path === 'localhost' ? '127.0.0.1' : row.expect.path;
        await server.waitFor('connect', 5000); // UDP: 'connect' once, with the dgram socket, on listening
        await sendDatagram(family, address, port, frame('msg', row.call));
        const m = await server.waitFor({ ev: 'message', type: 'msg' }, 5000);
        assert.equal(m.data, row.call);
        assert.equal(m.rinfo.family, family === 'udp4' ? 'IPv4' : 'IPv6');
      }
      assert.deepEqual(server.events('error'), []);
    });
  }
});

// ---------------------------------------------------------------------------------------------
// §3.3 connectToNet overloads
// ---------------------------------------------------------------------------------------------

const CONNECT_NET_ROWS = [
  { call: "('w')", args: [], cb: false, expect: { path: '127.0.0.1', port: 'D' } },
  { call: "('w', f)", args: [], cb: true, expect: { path: '127.0.0.1', port: 'D' } },
  { call: "('w', 3435)", args: ['$P'], cb: false, expect: { path: '127.0.0.1', port: 'P' } },
  { call: "('w', 3435, f)", args: ['$P'], cb: true, expect: { path: '127.0.0.1', port: 'P' } },
  { call: "('w', 'h')", args: ['localhost'], cb: false, expect: { path: 'localhost', port: 'D' } },
  { call: "('w', 'h', f)", args: ['localhost'], cb: true, expect: { path: 'localhost', port: 'D' } },
  { call: "('w', 'h', 3435)", args: ['localhost', '$P'], cb: false, expect: { path: 'localhost', port: 'P' } },
  { call: "('w', 'h', 3435, f)", args: ['localhost', '$P'], cb: true, expect: { path: 'localhost', port: 'P' } },
  { call: "('w', 0, f) (Q34)", args: [0], cb: true, expect: { path: '127.0.0.1', port: 'D' } },
  { call: "('w', 'h', 0, f) (Q34)", args: ['localhost', 0], cb: true, expect: { path: 'localhost', port: 'D' } },
  { call: "('w', null, 3435, f)", args: [null, '$P'], cb: true, expect: { path: '127.0.0.1', port: 'P' } },
  { call: "('w', 3435, f) with networkHost 'localhost'", args: ['$P'], cb: true, networkHost: 'localhost', expect: { path: 'localhost', port: 'P' } },
];

describe(`§3.3 connectToNet() resolved overloads (${h.implLabel(SUBJECT)})`, () => {
  for (const row of CONNECT_NET_ROWS) {
    test(`§3.3 connectToNet${row.call} -> ${row.expect.path} : ${row.expect.port === 'D' ? 'networkPort' : 'port'}`, T, async (t) => {
      const s = h.scope(t);
      const D = await h.freePort();
      const P = await h.freePort();
      const port = row.expect.port === 'D' ? D : P;
      const cap = await captureAnyHost(s, port);
      const config = { networkPort: D, retry: 100 };
      if (row.networkHost) config.networkHost = row.networkHost;
      const client = spawnClient(s, {
        netArgs: row.args.map((a) => (a === '$P' ? P : a)),
        netCallback: row.cb,
        config,
      });
      const ret = await client.waitFor('connectTo-returned', 10000);
      assert.deepEqual({ path: ret.path, port: ret.port, newClient: ret.newClient }, { path: row.expect.path, port, newClient: true });
      assert.equal(client.events('connectTo-cb').length, row.cb ? 1 : 0, 'callback called (synchronously) iff given');
      if (row.cb) {
        const cb = client.events('connectTo-cb')[0];
        assert.equal(client.lines.indexOf(cb) < client.lines.indexOf(ret), true, 'callback runs before connectToNet returns');
        assert.deepEqual({ argc: cb.argc, argIsIpc: cb.argIsIpc }, { argc: 1, argIsIpc: true });
      }
      await client.waitFor({ ev: 'connect', cl: 1 }, 10000);
      const conn = await cap.connection(0);
      await client.request({ cmd: 'emit', type: 'msg', data: row.call });
      await conn.waitBytes((b) => b.toString() === frame('msg', row.call));
      assert.deepEqual(client.events('error'), []);
    });
  }
});

// ---------------------------------------------------------------------------------------------
// Interop over TCP (payload cases of interop.test.js)
// ---------------------------------------------------------------------------------------------

const tcp = ni.netTransport({ host: '127.0.0.1', clientConfig: { retry: 200 } });

for (const dir of DIRECTIONS) {
  const label = `${h.implLabel(dir.server)} server <-> ${h.implLabel(dir.client)} client`;

  describe(`interop over TCP: ${label}`, () => {
    test('§6.1 TCP: unicode strings (BMP, astral, U+2028/2029, NUL, lone surrogate) survive both ways', T, async (t) => {
      await ni.roundTripCases(h.scope(t), tcp, dir, ni.CASES.unicode);
    });

    test("§6.1/§6.2 TCP: '\\f' (the delimiter) and '\\n' inside strings are escaped and arrive intact", T, async (t) => {
      await ni.roundTripCases(h.scope(t), tcp, dir, ni.CASES.formFeed);
    });

    test('§6.1 Q13 TCP: falsy data (undefined, null, "", NaN, missing) is normalised to {} on the wire', T, async (t) => {
      await ni.roundTripCases(h.scope(t), tcp, dir, ni.CASES.falsy);
    });

    test('§6.1 TCP: 0 and false are kept as 0 and false (not normalised)', T, async (t) => {
      await ni.roundTripCases(h.scope(t), tcp, dir, ni.CASES.zeroFalse);
    });

    test('§6.1 TCP: nested objects, arrays and JSON.stringify conversions (Date, undefined/NaN members, Buffer, Q14)', T, async (t) => {
      await ni.roundTripCases(h.scope(t), tcp, dir, ni.CASES.nested);
    });

    test('§6.4 TCP: a 1 MiB string payload arrives intact both ways (timed)', T, async (t) => {
      const p = await ni.pair(h.scope(t), tcp, dir);
      t.diagnostic(await ni.bigPayloadOnPair(p));
    });

    test('§6.4 TCP: 10,000 pipelined messages arrive complete and in order, both ways (timed)', T, async (t) => {
      const N = 10000;
      const p = await ni.pair(h.scope(t), tcp, dir, ni.pipelinedPairOpts(N));
      t.diagnostic(await ni.pipelinedOnPair(p, N));
    });

    test('§4.6 TCP: broadcast reaches each of 3 clients exactly once, in order', T, async (t) => {
      await ni.broadcastThree(h.scope(t), tcp, dir);
    });

    test('§6.3 Q38 TCP: socket.disconnected carries the id taken from the last data.id (false when none)', T, async (t) => {
      await ni.disconnectedId(h.scope(t), tcp, dir);
    });

    test('§4.4 TCP: server replies to one client via server.emit(socket, type, data)', T, async (t) => {
      await ni.replyToSender(h.scope(t), tcp, dir);
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Socket details, IPv6, limits, retries
// ---------------------------------------------------------------------------------------------

test('§4.1/§13 TCP: server-side sockets report the real remoteAddress (127.0.0.1) and remotePort (the client\'s local port)', T, async (t) => {
  const s = h.scope(t);
  const port = await h.freePort();
  const server = spawnServer(s, { serveForm: 'net', host: '127.0.0.1', port });
  await server.waitFor('start', 10000);
  const conn = await s.rawConnect({ host: '127.0.0.1', port });
  const localPort = conn.socket.localPort;
  const c = await server.waitFor('connect', 5000);
  assert.deepEqual(
    { remoteAddress: c.remoteAddress, remotePort: c.remotePort, remoteFamily: c.remoteFamily },
    { remoteAddress: '127.0.0.1', remotePort: localPort, remoteFamily: 'IPv4' }
  );
  const conn2 = await s.rawConnect({ host: '127.0.0.1', port });
  await server.waitForCount('connect', 2, 5000);
  const socks = await server.request({ cmd: 'sockets' });
  assert.deepEqual(
    socks.list.map((x) => [x.remoteAddress, x.remotePort]),
    [['127.0.0.1', localPort], ['127.0.0.1', conn2.socket.localPort]],
    'ipc.server.sockets[i].remoteAddress/remotePort'
  );
  // a message from each is attributed to its own socket
  await conn2.write(frame('msg', 'two'));
  await conn.write(frame('msg', 'one'));
  await server.waitFor({ ev: 'message', data: 'one', sock: 1 });
  await server.waitFor({ ev: 'message', data: 'two', sock: 2 });
});

for (const dir of DIRECTIONS) {
  test(`§3.3/§3.6 TCP over IPv6: host '::1' works (${h.implLabel(dir.server)} server <-> ${h.implLabel(dir.client)} client)`, T, async (t) => {
    const s = h.scope(t);
    const v6 = ni.netTransport({ host: '::1' });
    const p = await ni.pair(s, v6, dir);
    const served = p.server.events('served')[0];
    assert.deepEqual({ path: served.path, port: served.port }, { path: '::1', port: p.ep.port });
    const c = p.server.events('connect')[0];
    assert.deepEqual({ remoteAddress: c.remoteAddress, remoteFamily: c.remoteFamily }, { remoteAddress: '::1', remoteFamily: 'IPv6' });
    const ret = p.client.events('connectTo-returned')[0];
    assert.deepEqual({ path: ret.path, port: ret.port }, { path: '::1', port: p.ep.port });
    await ni.roundTripOnPair(p, [...ni.CASES.unicode.slice(0, 2), ...ni.CASES.zeroFalse.slice(0, 2)]);
  });
}

test('§2 Q26 maxConnections=1 on TCP (our server): exactly one connect; the extra client sees connect then disconnect and keeps retrying', T, async (t) => {
  const s = h.scope(t);
  const ep = await tcp.listen(s, SUBJECT, { config: { maxConnections: 1 } });
  const first = spawnClient(s, tcp.clientOptions(ep, { config: { retry: 150 } }, PEER), PEER);
  await first.waitFor('connect', 10000);
  await ep.server.waitFor('connect', 5000);
  const extra = spawnClient(s, tcp.clientOptions(ep, { config: { retry: 150 } }, PEER), PEER, { name: 'extra[node-ipc]' });
  // the rejected client: TCP connect succeeds, the server closes it at once, the client retries
  await extra.waitForCount('connect', 3, 10000);
  await extra.waitForCount('disconnect', 2, 10000);
  const evs = lifecycle(extra).filter((l) => l.ev !== 'error').map((l) => l.ev);
  assert.deepEqual(evs.slice(0, 4), ['connect', 'disconnect', 'connect', 'disconnect'], 'connect, disconnect, connect, ...');
  assert.deepEqual(extra.events('destroy'), [], 'Q26: the counter resets on every connect: never destroyed');
  for (const e of extra.events('error')) assert.ok(['ECONNRESET', 'EPIPE'].includes(e.code), `error code ${e.code}`);
  await ep.server.request({ cmd: 'barrier', ms: 100 });
  assert.equal(ep.server.events('connect').length, 1, 'exactly one connect event on the server');
  const socks = await ep.server.request({ cmd: 'sockets' });
  assert.equal(socks.list.length, 1);
  // the accepted client still works
  await first.request({ cmd: 'emit', type: 'msg', data: 'still here' });
  await ep.server.waitFor({ ev: 'message', type: 'msg', data: 'still here', sock: 1 });
  assert.equal(ep.server.events({ ev: 'message', type: 'msg' }).length, 1);
});

test('§2 Q26 maxConnections=1 on TCP (our client rejected by node-ipc): connect, disconnect, retry forever, never destroy', T, async (t) => {
  const s = h.scope(t);
  const ep = await tcp.listen(s, PEER, { config: { maxConnections: 1 } });
  const first = spawnClient(s, tcp.clientOptions(ep, {}, PEER), PEER, { name: 'first[node-ipc]' });
  await first.waitFor('connect', 10000);
  await ep.server.waitFor('connect', 5000);
  const ours = spawnClient(s, tcp.clientOptions(ep, { config: { retry: 150, maxRetries: 1 } }, SUBJECT));
  await ours.waitForCount('connect', 3, 10000);
  const evs = lifecycle(ours).filter((l) => l.ev !== 'error').map((l) => l.ev);
  assert.deepEqual(evs.slice(0, 4), ['connect', 'disconnect', 'connect', 'disconnect']);
  assert.deepEqual(ours.events('destroy'), [], 'maxRetries 1 is never exhausted: the counter resets on each connect');
  for (const e of ours.events('error')) assert.ok(['ECONNRESET', 'EPIPE'].includes(e.code), `error code ${e.code}`);
  assert.equal(ep.server.events('connect').length, 1);
});

test('§5.3 Q6 TCP: maxRetries N against a closed port: N+1 x (error ECONNREFUSED, disconnect), then destroy', T, async (t) => {
  const s = h.scope(t);
  const port = await h.freePort(); // nobody listens there
  const N = 2;
  const retry = 200;
  const client = spawnClient(s, { net: { host: '127.0.0.1', port }, config: { maxRetries: N, retry } });
  const destroy = await client.waitFor('destroy', N * retry + 5000);
  const evs = lifecycle(client);
  const expected = [];
  for (let i = 0; i <= N; i++) expected.push('error', 'disconnect');
  expected.push('destroy');
  assert.deepEqual(evs.map((l) => l.ev), expected, 'event sequence');
  const errors = evs.filter((l) => l.ev === 'error');
  assert.deepEqual(errors.map((l) => [l.code, l.syscall, l.argc]), Array(N + 1).fill(['ECONNREFUSED', 'connect', 1]));
  assert.deepEqual(errors.map((l) => l.retriesRemaining), [2, 1, 0], 'retriesRemaining N..0 in error handlers');
  assert.deepEqual(evs.filter((l) => l.ev === 'disconnect').map((l) => l.retriesRemaining), [2, 1, 0]);
  assert.equal(destroy.inOf, true, 'Q37: a destroyed client stays in ipc.of');
  const gaps = errors.slice(1).map((e, i) => e.at - errors[i].at);
  for (const g of gaps) assert.ok(g >= retry - 20 && g < retry + 1500, `attempts ~${retry} ms apart (${gaps})`);
  await client.request({ cmd: 'barrier', ms: 3 * retry });
  assert.equal(lifecycle(client).length, evs.length, 'nothing after destroy');
});

test('§3.6 Q34 TCP: serveNet(host, 0) listens on config.networkPort (an ephemeral port cannot be requested)', T, async (t) => {
  const s = h.scope(t);
  const D = await h.freePort();
  const server = spawnServer(s, { serveNetArgs: ['127.0.0.1', 0], config: { networkPort: D } });
  const served = await server.waitFor('served', 10000);
  assert.deepEqual({ path: served.path, port: served.port }, { path: '127.0.0.1', port: D });
  await server.waitFor('start', 10000);
  const addr = await server.request({ cmd: 'eval', code: 'const a = server.server.address(); return a && {address: a.address, port: a.port};' });
  assert.deepEqual(addr.result, { address: '127.0.0.1', port: D }, 'ipc.server.server.address()');
  await s.rawConnect({ host: '127.0.0.1', port: D });
  await server.waitFor('connect', 5000);
});

test('§3.3 Q34 TCP: connectToNet(id, host, 0, cb) dials config.networkPort', T, async (t) => {
  const s = h.scope(t);
  const D = await h.freePort();
  const cap = await captureAnyHost(s, D);
  const client = spawnClient(s, { netArgs: ['127.0.0.1', 0], config: { networkPort: D } });
  const ret = await client.waitFor('connectTo-returned', 10000);
  assert.deepEqual({ path: ret.path, port: ret.port }, { path: '127.0.0.1', port: D });
  await client.waitFor('connect', 10000);
  await cap.connection(0);
});

for (const dir of DIRECTIONS) {
  test(`§2 Q2 config.interface (singular): localAddress/localPort are used for the TCP connect, seen as the server's remoteAddress/remotePort (${h.implLabel(dir.server)} server <-> ${h.implLabel(dir.client)} client)`, T, async (t) => {
    const s = h.scope(t);
    const localPort = await h.freePort();
    const ep = await tcp.listen(s, dir.server);
    const client = spawnClient(
      s,
      tcp.clientOptions(ep, { config: { interface: { localAddress: '127.0.0.1', localPort }, retry: 200 } }, dir.client),
      dir.client
    );
    await client.waitFor('connect', 10000);
    const c = await ep.server.waitFor('connect', 5000);
    assert.deepEqual({ remoteAddress: c.remoteAddress, remotePort: c.remotePort }, { remoteAddress: '127.0.0.1', remotePort: localPort });
    await client.request({ cmd: 'emit', type: 'msg', data: 'from a fixed port' });
    await ep.server.waitFor({ ev: 'message', type: 'msg', data: 'from a fixed port' });
  });
}
