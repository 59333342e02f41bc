'use strict';
/**
 * CONTRACT §8.1/§8.2: node-ipc 9.2.x's own examples, UNCHANGED, against this package.
 *
 * Source: `example/` of the devDependency @node-ipc/compat@9.2.5 (a republished 9.2.x that
 * ships the examples), copied at test time into a temporary `<tmp>/node-ipc/` laid out as the
 * examples expect (see helpers/examples.js); nothing is copied into this repository.
 *
 * Each example: the server file first (wait for its 'starting server on' log line and for the
 * port / socket path to be listening), then the client file(s), each `node <file>` in its own
 * process with cwd = the example's folder; assertions on their (ANSI-stripped) stdout; every
 * process is killed at the end (servers never exit) and /tmp/app.world is removed.
 *
 * The examples use fixed endpoints (ports 8000/8001/8002, /tmp/app.world), so everything here
 * runs strictly one after another.
 *
 * Differences between the @node-ipc/compat@9.2.5 examples and the 83ee8b5 ones described in
 * §8.2 (the assertions follow the files actually run):
 *  - servers reply `data + ' world!'` to the string 'hello' (not `{id:'world', …}`), so the
 *    unix basic client prints `got a message from world :  hello world!`; the unix basic
 *    client no longer prints `ipc.of.world.destroy`;
 *  - basicSync servers reply after 3000 ms on every transport (83ee8b5 unix: 2000 ms);
 *  - Multi-Client-Broadcast clients (unix/TCP/TLS) emit `{message}` WITHOUT `id`, so the server
 *    never learns `socket.id`, never sees "hello and goodbye" and never broadcasts
 *    `kill.connection`: the clients stay connected (node-ipc 9.2.1 does exactly the same with
 *    these files). The 83ee8b5 behaviour (clients disconnect on `kill.connection`, log
 *    `disconnected from world` and exit by themselves) is checked by a separate test per
 *    transport that runs the unchanged server with a temporary copy of each client whose only
 *    change is the `id: ipc.config.id` line of 83ee8b5.
 *  - TCPSocket/rawBuffer/world.server.js reads `ipc.server.of.rawBufferClient` on connect; 9.2.x
 *    servers have no `of`, so the server dies with a TypeError at the first connection (9.2.1
 *    too). That is asserted as is; a second test runs a temporary copy whose only change creates
 *    `ipc.server.of`, to show rawBuffer over TCP working with this example's client.
 *  - there is no example/clusterUnixSocket in @node-ipc/compat@9.2.5 (checked below); cluster.test.js
 *    runs node-ipc 9.1.1's copy of it.
 *
 * basicSync examples send 10 requests with a 3 s server delay (~30 s each): the tests assert
 * the first 3 replies (order, one outstanding request at a time) and then kill the processes.
 *
 * OUR_IMPL=node-ipc runs the same examples against node-ipc 9.2.1 (harness check).
 */
const fs = require('fs');
const path = require('path');
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./helpers');
const ex = require('./helpers/examples');

const T = { timeout: 60000 };
const T_SYNC = { timeout: 90000 };
const WAIT = 15000; // one step of an example (connect retries every 1-1.5 s)
const SERVER_DELAY = 3000; // basicSync servers

let L; // the temporary layout
const file = (rel) => path.join(L.example, rel);

/** Start the server file of an example and wait until it listens. */
async function startServer(s, rel, ready) {
  await ex.ensureFixedEndpointsFree();
  if (ready.unix) s.trackPath(ready.unix);
  const abs = path.isAbsolute(rel) ? rel : file(rel);
  const server = ex.runExample(s, abs, path.relative(L.example, abs));
  await server.waitFor(ex.says('starting server on'), WAIT);
  await ex.waitListening(ready, WAIT);
  return server;
}

/** Kill every process of the example; no socket file may be left. */
async function finish(peers) {
  await Promise.all(peers.map((p) => p.kill()));
  h.unlinkQuiet(ex.UNIX_WORLD); // a SIGKILLed server (ours or 9.2.1) cannot unlink it
  assert.equal(fs.existsSync(ex.UNIX_WORLD), false, `${ex.UNIX_WORLD} left behind`);
}

function lineIndex(peer, pred) {
  return peer.lines.findIndex(pred);
}

/** All bytes of `<Buffer ..>` dumps in lines matching re (in order), and the lines. */
function dumpedBytes(peer, re) {
  const lines = peer.lines.filter(ex.says(re)).map(ex.text);
  return { lines, bytes: Buffer.concat(lines.flatMap((l) => ex.buffersIn(l))) };
}

// ---------------------------------------------------------------------------------------------
// Scenarios shared by the transports

/** basic: one request 'hello', reply 'hello world!'; the server notices the client leaving. */
async function basic(t, dir, ready, { forbid } = {}) {
  const s = h.scope(t);
  const server = await startServer(s, `${dir}/world-server.js`, ready);
  const client = ex.runExample(s, file(`${dir}/hello-client.js`), `${dir}/hello-client.js`);
  await client.waitFor(ex.says('## connected to world ##'), WAIT);
  await client.waitFor(ex.says('got a message from world :  hello world!'), WAIT);
  await server.waitFor(ex.says(/received event of :\s+message hello$/), WAIT);
  await server.waitFor(ex.says(/got a message from\s+hello$/), WAIT);
  if (forbid) {
    const bad = [...server.lines, ...client.lines].map(ex.text).filter((l) => forbid.test(l));
    assert.deepEqual(bad, [], 'no TLS error');
  }
  // The client dies (killed): the server publishes socket.disconnected (no id was ever sent).
  await client.kill();
  await server.waitFor(ex.says('socket disconnected false'), WAIT);
  await server.waitFor(ex.says(/^DISCONNECTED from\s+false/), WAIT);
  await finish([server, client]);
}

/**
 * basicSync: 10 emits in a row with sync=true; the server answers each after 3 s. Checks the
 * first 3 round trips: replies in order, and each request is written only after the previous
 * reply arrived (client log: written frame, reply, written frame, ...; server: ~3 s between
 * requests), then kills both.
 */
async function basicSync(t, dir, ready) {
  const s = h.scope(t);
  const N = 3;
  const server = await startServer(s, `${dir}/world-server.js`, ready);
  const client = ex.runExample(s, file(`${dir}/hello-client.js`), `${dir}/hello-client.js`);
  await client.waitFor(ex.says('## connected to world ##'), WAIT);
  const reply = /got a message from world :\s+hello(\d) world!/;
  const written = /dispatching event to\s+world .* :\s+\{"type":"message","data":"hello(\d)"\}/;
  await client.waitForCount(ex.says(reply), N, WAIT + N * (SERVER_DELAY + 2000));
  // the request after the N-th reply is written too (the queue moves on)
  await client.waitForCount(ex.says(written), N + 1, WAIT);

  // All 10 emits were formatted at once (emit-time log), in order.
  const emitted = client.lines.map(ex.text).map((l) => /dispatching event to\s+world .* :\s+message , hello(\d)$/.exec(l)).filter(Boolean).map((m) => Number(m[1]));
  assert.deepEqual(emitted, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);

  // Client side, in its own (causal) order: W0 R0 W1 R1 W2 R2 W3.
  const seq = [];
  for (const l of client.lines) {
    const txt = ex.text(l);
    let m;
    if ((m = written.exec(txt))) seq.push(`W${m[1]}`);
    else if ((m = reply.exec(txt))) seq.push(`R${m[1]}`);
  }
  assert.deepEqual(seq.slice(0, 2 * N + 1), ['W0', 'R0', 'W1', 'R1', 'W2', 'R2', 'W3'], 'one request outstanding at a time');

  // Server side: requests in order, each ~3 s after the previous one (it waited for the reply).
  const got = server.lines.filter(ex.says(/received event of :\s+message hello\d$/));
  const nums = got.map((l) => Number(/hello(\d)$/.exec(ex.text(l))[1]));
  assert.deepEqual(nums.slice(0, N), [0, 1, 2]);
  for (let i = 1; i < N; i++) {
    const gap = got[i].rx - got[i - 1].rx;
    assert.ok(gap >= SERVER_DELAY - 500, `request ${i} arrived ${gap} ms after request ${i - 1} (expected >= ~${SERVER_DELAY} ms)`);
  }
  await finish([server, client]);
}

/**
 * Multi-Client-Broadcast, unchanged files: both clients get their own reply; since the clients
 * send no id, the server never broadcasts kill.connection (same as node-ipc 9.2.1).
 */
async function mcbUnchanged(t, dir, ready) {
  const s = h.scope(t);
  const server = await startServer(s, `${dir}/world-server.js`, ready);
  const hello = ex.runExample(s, file(`${dir}/hello-client.js`), `${dir}/hello-client.js`);
  const goodbye = ex.runExample(s, file(`${dir}/goodbye-client.js`), `${dir}/goodbye-client.js`);
  await hello.waitFor(ex.says('got a message from world :  hello world!'), WAIT);
  await goodbye.waitFor(ex.says("detected event app.message { message: 'goodbye world!' }"), WAIT);
  await server.waitFor(ex.says(/got a message from\s+\{ message: 'hello' \}/), WAIT);
  await server.waitFor(ex.says(/got a message from\s+\{ message: 'goodbye' \}/), WAIT);
  // The broadcast would follow the second reply synchronously; give it a moment anyway.
  await h.quietPeriod(300);
  assert.equal(server.lines.filter(ex.says('got all required events')).length, 0);
  for (const c of [hello, goodbye]) {
    assert.equal(c.lines.filter(ex.says('kill.connection')).length, 0);
    assert.equal(c.exitInfo, null, `${c.name} still running (connected)`);
  }
  await hello.kill();
  await goodbye.kill();
  await server.waitForCount(ex.says('socket disconnected false'), 2, WAIT);
  await finish([server, hello, goodbye]);
}

/**
 * Multi-Client-Broadcast as in 83ee8b5: the clients identify themselves (`id: ipc.config.id`,
 * the only change, in a temporary copy); the unchanged server broadcasts kill.connection; each
 * client calls ipc.disconnect('world'), logs `disconnected from world` and the "exceeded" line,
 * and its process EXITS BY ITSELF.
 */
async function mcbWithIds(t, dir, ready, { net }) {
  const s = h.scope(t);
  const clients = ['hello', 'goodbye'].map((id) => {
    const f = ex.variantOf(
      file(`${dir}/${id}-client.js`),
      '83ee8b5',
      /(emit\("app\.message", \{\n)(\s*)(message:)/,
      '$1$2id: ipc.config.id,\n$2$3'
    );
    return { id, f };
  });
  const server = await startServer(s, `${dir}/world-server.js`, ready);
  const peers = clients.map(({ id, f }) => ({ id, p: ex.runExample(s, f, `${dir}/${id}-client (83ee8b5 id)`) }));
  await server.waitFor(ex.says('got all required events, telling clients to kill connection'), WAIT);
  for (const { id, p } of peers) {
    await p.waitFor(ex.says('world requested kill.connection'), WAIT);
    await p.waitFor(ex.says('disconnected from world'), WAIT);
    await p.waitFor(ex.says(new RegExp(`^${id} exceeded connection rety amount of\\s+or stopRetrying flag set\\.`)), WAIT);
    const info = await p.waitExit(WAIT);
    assert.deepEqual(info, { code: 0, signal: null }, `${id} client exits by itself`);
    const iDisc = lineIndex(p, ex.says('disconnected from world'));
    const iExceeded = lineIndex(p, ex.says('exceeded connection rety amount'));
    assert.ok(iDisc < iExceeded, 'disconnect is published before the "exceeded" line');
    if (net) {
      const iClosed = lineIndex(p, ex.says(/^connection closed world \S+ 10 tries remaining of 10$/));
      assert.ok(iClosed >= 0 && iClosed < iDisc, `${id}: "connection closed world <host> 10 tries remaining of 10" before disconnect`);
    }
    assert.equal(p.lines.filter(ex.says('requested connection to')).length, 1, `${id} never reconnects`);
  }
  await server.waitFor(ex.says('socket disconnected hello'), WAIT);
  await server.waitFor(ex.says('socket disconnected goodbye'), WAIT);
  await server.waitFor(ex.says(/^DISCONNECTED from\s+hello/), WAIT);
  await finish([server, ...peers.map((x) => x.p)]);
}

/** rawBuffer with encoding ascii over a stream transport. */
async function rawBufferAscii(t, dir, ready, { serverSays, serverFile } = {}) {
  const s = h.scope(t);
  const server = await startServer(s, serverFile ? serverFile() : `${dir}/world.server.js`, ready);
  const client = ex.runExample(s, file(`${dir}/hello-client.js`), `${dir}/hello-client.js`);
  if (serverSays) await server.waitFor(ex.says(serverSays), WAIT);
  await server.waitFor(ex.says('got a message <Buffer 68 65 6c 6c 6f> hello'), WAIT);
  // Client: the server's 'hello' (sent on connect) then 'goodbye' (its answer); raw mode keeps
  // no message boundaries, so accept them merged too, but the bytes must be exactly these.
  const re = /got a message from world :\s+<Buffer/;
  await h.waitUntil(() => dumpedBytes(client, re).bytes.length >= 12, WAIT, 'client: 12 bytes received');
  const { lines, bytes } = dumpedBytes(client, re);
  assert.equal(bytes.toString('latin1'), 'hellogoodbye', lines.join('\n'));
  for (const l of lines) {
    // data.toString() is printed after the dump
    const [buf] = ex.buffersIn(l);
    assert.ok(l.endsWith('> ' + buf.toString('ascii')), l);
  }
  assert.equal(server.lines.filter(ex.says('got a message <Buffer')).length, 1);
  await finish([server, client]);
}

// ---------------------------------------------------------------------------------------------

describe(`§8.2 node-ipc examples from @node-ipc/compat@${ex.compatVersion()}, unchanged, against ${h.implLabel('native')}`, { concurrency: 1 }, () => {
  let releaseLock = null;
  before(async () => {
    // fixed ports and /tmp/app.world: wait for any other run of this file to finish
    releaseLock = await ex.acquireExamplesLock();
    L = ex.layoutExamples();
  });
  after(async () => {
    await h.killAllPeers();
    if (L) L.cleanup();
    h.unlinkQuiet(ex.UNIX_WORLD);
    if (releaseLock) releaseLock();
  });

  test('layout: <tmp>/node-ipc/{node-ipc.js, package.json, local-node-ipc-certs}; both require depths resolve to this package', () => {
    // require('../../../node-ipc') from a 3-level and a 2-level example file
    const resolveFrom = (from) => require.resolve('../../../node-ipc', { paths: [path.dirname(file(from))] });
    const entry = path.join(L.repo, 'node-ipc.js');
    assert.equal(resolveFrom('unixWindowsSocket/basic/world-server.js'), entry);
    assert.equal(resolveFrom('rawBuffer/world.server.js'), entry); // 2 levels deep: via package.json main
    assert.ok(fs.readFileSync(entry, 'utf8').includes(`module.exports = require(${JSON.stringify(h.implPath('native'))});`));
    assert.ok(fs.existsSync(path.join(L.repo, 'local-node-ipc-certs', 'private', 'server.key')));
    // every folder §8.2 lists, except the cluster example (not shipped by @node-ipc/compat)
    for (const d of [
      'unixWindowsSocket/basic', 'unixWindowsSocket/basicSync', 'unixWindowsSocket/Multi-Client-Broadcast', 'unixWindowsSocket/rawBuffer',
      'TCPSocket/basic', 'TCPSocket/basicSync', 'TCPSocket/Multi-Client-Broadcast', 'TCPSocket/rawBuffer',
      'TLSSocket/basic', 'TLSSocket/basic-local-only', 'TLSSocket/basic-more-secure', 'TLSSocket/basic-most-secure',
      'TLSSocket/basicSync', 'TLSSocket/Multi-Client-Broadcast-basic', 'TLSSocket/rawBuffer-only-works-with-most-secure',
      'UDPSocket/basic', 'UDPSocket/Multi-Client-Broadcast', 'UDPSocket/rawBuffer', 'rawBuffer',
    ]) {
      assert.ok(fs.statSync(file(d)).isDirectory(), d);
    }
    assert.equal(fs.existsSync(file('clusterUnixSocket')), false, 'clusterUnixSocket is not shipped by @node-ipc/compat (update this suite if it appears)');
  });

  describe('Unix socket (example/unixWindowsSocket)', { concurrency: 1 }, () => {
    const ready = { unix: ex.UNIX_WORLD };
    test('basic: serve() on /tmp/app.world, client gets "hello world!", server sees the client leave', T, (t) => basic(t, 'unixWindowsSocket/basic', ready));
    test('basicSync (first 3 of 10 replies, then killed): replies in order, one request outstanding at a time', T_SYNC, (t) => basicSync(t, 'unixWindowsSocket/basicSync', ready));
    test('Multi-Client-Broadcast (unchanged: clients send no id, so no kill.connection, as in 9.2.1)', T, (t) => mcbUnchanged(t, 'unixWindowsSocket/Multi-Client-Broadcast', ready));
    test('Multi-Client-Broadcast with the 83ee8b5 clients (id sent): kill.connection, "disconnected from world", clients exit by themselves', T, (t) => mcbWithIds(t, 'unixWindowsSocket/Multi-Client-Broadcast', ready, { net: false }));
    test('rawBuffer (ascii): server logs <Buffer 68 65 6c 6c 6f> hello; client gets hello then goodbye', T, (t) => rawBufferAscii(t, 'unixWindowsSocket/rawBuffer', ready));
  });

  describe('TCP (example/TCPSocket)', { concurrency: 1 }, () => {
    const ready = { tcp: 8000 };
    test('basic (maxConnections 1): client gets "hello world!", server sees the client leave', T, (t) => basic(t, 'TCPSocket/basic', ready));
    test('basicSync (first 3 of 10 replies, then killed): replies in order, one request outstanding at a time', T_SYNC, (t) => basicSync(t, 'TCPSocket/basicSync', ready));
    test('Multi-Client-Broadcast (unchanged: clients send no id, so no kill.connection, as in 9.2.1)', T, (t) => mcbUnchanged(t, 'TCPSocket/Multi-Client-Broadcast', ready));
    test('Multi-Client-Broadcast with the 83ee8b5 clients (id sent): "connection closed world 127.0.0.1 10 tries remaining of 10", "disconnected from world", clients exit by themselves', T, (t) => mcbWithIds(t, 'TCPSocket/Multi-Client-Broadcast', ready, { net: true }));
    test('rawBuffer (unchanged): the server crashes on the first connection (TypeError: the example reads ipc.server.of, which 9.2.x never had), as 9.2.1 does', T, async (t) => {
      const s = h.scope(t);
      const dir = 'TCPSocket/rawBuffer';
      const server = await startServer(s, `${dir}/world.server.js`, ready);
      const client = ex.runExample(s, file(`${dir}/hello-client.js`), `${dir}/hello-client.js`);
      const info = await server.waitExit(WAIT);
      assert.deepEqual(info, { code: 1, signal: null });
      assert.match(server.stderr, /TypeError: Cannot read properties of undefined \(reading 'rawBufferClient'\)/);
      assert.equal(server.lines.filter(ex.says('got a message')).length, 0);
      await finish([server, client]);
    });
    test('rawBuffer with `ipc.server.of` created by the example (temporary copy, one change): server logs <Buffer 68 65 6c 6c 6f> hello; client gets hello then goodbye', T, (t) =>
      rawBufferAscii(t, 'TCPSocket/rawBuffer', ready, {
        serverFile: () =>
          ex.variantOf(file('TCPSocket/rawBuffer/world.server.js'), 'with-of', /if \(!ipc\.server\.of\.rawBufferClient\)/, 'if (!(ipc.server.of = ipc.server.of || {}).rawBufferClient)'),
      }));
  });

  describe('TLS (example/TLSSocket) with this repository\'s local-node-ipc-certs', { concurrency: 1 }, () => {
    const ready = { tcp: 8000 };
    const tlsError = /certificate has expired|CERT_HAS_EXPIRED|self[- ]signed|ERR_TLS|alert/i;
    test('basic: server with explicit key/cert, client rejectUnauthorized:false', T, (t) => basic(t, 'TLSSocket/basic', ready, { forbid: tlsError }));
    test('basic-local-only: server without key paths (bundled default certificates)', T, (t) => basic(t, 'TLSSocket/basic-local-only', ready, { forbid: tlsError }));
    test('basic-more-secure: dhparam, requestCert, client certificate, trustedConnections', T, (t) => basic(t, 'TLSSocket/basic-more-secure', ready, { forbid: tlsError }));
    test('basic-most-secure: rejectUnauthorized:true both sides, host localhost -- WORKS with the regenerated certificates', T, (t) => basic(t, 'TLSSocket/basic-most-secure', ready, { forbid: tlsError }));
    test('basicSync (first 3 of 10 replies, then killed): replies in order, one request outstanding at a time', T_SYNC, (t) => basicSync(t, 'TLSSocket/basicSync', ready));
    test('Multi-Client-Broadcast-basic (unchanged: clients send no id, so no kill.connection, as in 9.2.1)', T, (t) => mcbUnchanged(t, 'TLSSocket/Multi-Client-Broadcast-basic', ready));
    test('Multi-Client-Broadcast-basic with the 83ee8b5 clients (id sent): "disconnected from world", clients exit by themselves', T, (t) => mcbWithIds(t, 'TLSSocket/Multi-Client-Broadcast-basic', ready, { net: true }));
    test('rawBuffer-only-works-with-most-secure (ascii) -- WORKS with the regenerated certificates', T, (t) =>
      rawBufferAscii(t, 'TLSSocket/rawBuffer-only-works-with-most-secure', ready, { serverSays: /^connection detected$/ }));
  });

  describe('UDP (example/UDPSocket)', { concurrency: 1 }, () => {
    test('basic: world udp4 :8000, hello udp4 :8001 emits to localhost:8000 and gets "Hello world!"', T, async (t) => {
      const s = h.scope(t);
      const server = await startServer(s, 'UDPSocket/basic/world-server.js', { udp: 8000 });
      const client = ex.runExample(s, file('UDPSocket/basic/hello-client.js'), 'UDPSocket/basic/hello-client.js');
      await client.waitFor(ex.says(/^got a message from\s+world\s+:\s+Hello world!$/), WAIT);
      await server.waitFor(ex.says(/^Received UDP message from\s+127\.0\.0\.1\s+8001$/), WAIT);
      await server.waitFor(ex.says(/^got a message from\s+hello\s+:\s+Hello$/), WAIT);
      await finish([server, client]);
    });

    test('Multi-Client-Broadcast: each client gets only its own reply; the broadcast reaches nobody (§4.6)', T, async (t) => {
      const s = h.scope(t);
      const dir = 'UDPSocket/Multi-Client-Broadcast';
      const server = await startServer(s, `${dir}/world-server.js`, { udp: 8000 });
      await server.waitFor(ex.says(/^123$/), WAIT); // printed by the serveNet callback
      const hello = ex.runExample(s, file(`${dir}/hello-client.js`), `${dir}/hello-client.js`);
      const goodbye = ex.runExample(s, file(`${dir}/goodbye-client.js`), `${dir}/goodbye-client.js`);
      await hello.waitFor(ex.says(/^got a message from\s+world\s+:\s+Hello world!$/), WAIT);
      await goodbye.waitFor(ex.says(/^got a message from\s+world\s+:\s+Goodbye world!$/), WAIT);
      await server.waitFor(ex.says('got all required events, telling evryone how muchg I am loved!'), WAIT);
      await h.quietPeriod(500);
      for (const c of [hello, goodbye]) {
        assert.equal(c.lines.filter(ex.says('Everybody Loves The World')).length, 0, `${c.name} got the broadcast`);
        assert.equal(c.lines.filter(ex.says(/^got a message from/)).length, 1, `${c.name}: only its own reply`);
      }
      await finish([server, hello, goodbye]);
    });

    test('rawBuffer (ascii): server logs <Buffer 68 65 6c 6c 6f> hello, client logs <Buffer 67 6f 6f 64 62 79 65> goodbye', T, async (t) => {
      const s = h.scope(t);
      const dir = 'UDPSocket/rawBuffer';
      const server = await startServer(s, `${dir}/world.server.js`, { udp: 8000 });
      const client = ex.runExample(s, file(`${dir}/hello-client.js`), `${dir}/hello-client.js`);
      await server.waitFor(ex.says(/^got a message <Buffer 68 65 6c 6c 6f> hello$/), WAIT);
      await client.waitFor(ex.says(/^got a message from world\s+<Buffer 67 6f 6f 64 62 79 65> goodbye$/), WAIT);
      await finish([server, client]);
    });
  });

  describe('example/rawBuffer (unix, hex, files 2 levels deep)', { concurrency: 1 }, () => {
    test('server logs <Buffer 00 02 00 ff ee cc>; client gets aa then 0d ee (possibly merged)', T, async (t) => {
      const s = h.scope(t);
      const server = await startServer(s, 'rawBuffer/world.server.js', { unix: ex.UNIX_WORLD });
      const client = ex.runExample(s, file('rawBuffer/hello-client.js'), 'rawBuffer/hello-client.js');
      await server.waitFor(ex.says(/^got a message <Buffer 00 02 00 ff ee cc>$/), WAIT);
      const re = /^got a message from world :\s+<Buffer/;
      await h.waitUntil(() => dumpedBytes(client, re).bytes.length >= 3, WAIT, 'client: 3 bytes received');
      const { lines, bytes } = dumpedBytes(client, re);
      assert.equal(bytes.toString('hex'), 'aa0dee', lines.join('\n'));
      assert.equal(server.lines.filter(ex.says('got a message <Buffer')).length, 1);
      await finish([server, client]);
    });
  });
});
