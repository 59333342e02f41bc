'use strict';
/**
 * The interop matrix of the Rust crate node-ipc-tokio: its typed client and server
 * (crates/node-ipc-tokio/examples/interop_peer.rs) against this package's addon, node-ipc
 * 9.2.1 (fixtures/interop-peer.js) and crates.io's node-ipc 14 crate
 * (examples/node14_peer.rs), each pair in its own processes over Unix sockets and TCP:
 * unicode, '\f' in strings and keys, falsy values, nested objects, numbers at the edges,
 * 1 MiB, 1,000 pipelined in order, request/response with a reply and a remote error, and
 * (from JavaScript senders) lone UTF-16 surrogates.
 */
const { test, before } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');
const h = require('./helpers');
const { IS_WINDOWS } = require('./helpers/platform');
const { freePort } = require('./helpers/paths');

const ROOT = path.join(__dirname, '..');
const EXAMPLES = path.join(ROOT, 'target', 'debug', 'examples');
const RUST = path.join(EXAMPLES, 'interop_peer');
const NODE14 = path.join(EXAMPLES, 'node14_peer');
const T = { timeout: 120000, skip: IS_WINDOWS && 'the Rust peers are built for the host (Linux) only' };

before(() => {
  if (IS_WINDOWS) return;
  // `npm test` has built them already (cargo test builds examples); this is a no-op then.
  const r = spawnSync('cargo', ['build', '--workspace', '--examples'], { cwd: ROOT, stdio: 'inherit' });
  assert.equal(r.status, 0, 'cargo build --workspace --examples');
});

const BIG = 'ü'.repeat(1 << 19); // 1 MiB of UTF-8
const PAYLOADS = [
  'héllo wörld 😀 \u2028\u2029 ✓ 𝄞',
  'a\fb\f\f',
  { 'k\fey': 'v\f', 'ключ': { deep: [1, { x: null, y: [] }] } },
  0,
  false,
  '',
  null,
  [],
  {},
  { a: { b: { c: { d: [1, 2, { e: 'f', g: [true, false, null] }] } } } },
  -1.5e300,
  9007199254740991,
  0.1,
  BIG,
];
const PIPELINED = 1000;

/** What node-ipc (and every implementation here) turns empty payloads into. */
const normalised = (v) => (v === null || v === '' ? {} : v);

function stepsFor(client) {
  const steps = PAYLOADS.map((data) => ({ emit: 'echo', data }));
  // Only a JavaScript string can hold a lone surrogate.
  if (client === 'native' || client === 'node-ipc') steps.push({ emit: 'echo', data: 'x\ud800y\udc00z' });
  for (let i = 0; i < PIPELINED; i++) steps.push({ emit: 'echo', data: { seq: i } });
  steps.push({ wait_echoes: steps.length });
  steps.push({ request: 'add', data: { a: 2, b: 3 } });
  steps.push({ request: 'fail', data: {} });
  return steps;
}

function expectedEchoes(client, server) {
  const out = PAYLOADS.map(normalised);
  if (client === 'native' || client === 'node-ipc') {
    // A Rust server reads each lone surrogate as U+FFFD (a Rust String cannot hold one).
    out.push(server === 'rust' ? 'x\ufffdy\ufffdz' : 'x\ud800y\udc00z');
  }
  for (let i = 0; i < PIPELINED; i++) out.push({ seq: i });
  return out;
}

function spawnSide(s, impl, mode, endpoint, stepsFile) {
  const args = [mode, endpoint, ...(stepsFile ? [stepsFile] : [])];
  const name = `${mode}[${impl}]`;
  if (impl === 'rust') return s.spawnPeer(RUST, args, { exec: true, name });
  if (impl === 'node14') return s.spawnPeer(NODE14, args, { exec: true, name });
  return s.spawnPeer('interop-peer.js', args, { impl, name });
}

const PAIRS = [
  ['rust', 'rust'],
  ['rust', 'native'],
  ['rust', 'node-ipc'],
  ['rust', 'node14'],
  ['native', 'rust'],
  ['node-ipc', 'rust'],
  ['node14', 'rust'],
];

for (const transport of ['unix', 'tcp']) {
  for (const [client, server] of PAIRS) {
    test(`${transport}: ${client} client -> ${server} server: every payload class, 1 MiB, ${PIPELINED} pipelined in order, request/response`, T, async (t) => {
      const s = h.scope(t);
      let endpoint;
      if (transport === 'unix') endpoint = `unix:${s.socketPath('rs')}`;
      else endpoint = `tcp:${server === 'rust' || server === 'node14' ? 0 : await freePort()}`;
      const srv = spawnSide(s, server, 'server', endpoint);
      const listening = await srv.waitFor((l) => l.listening === true, 20000);
      if (transport === 'tcp') endpoint = `tcp:${listening.port}`;

      const stepsFile = path.join(os.tmpdir(), `nipc-steps-${process.pid}-${client}-${server}-${transport}.json`);
      fs.writeFileSync(stepsFile, JSON.stringify(stepsFor(client)));
      s.defer(() => fs.rmSync(stepsFile, { force: true }));
      const cli = spawnSide(s, client, 'client', endpoint, stepsFile);
      await cli.waitFor((l) => l.done === true, 60000);
      const trouble = cli.lines.filter((l) => l.timeout || (l.error && !('reply' in l)));
      assert.deepEqual(trouble, [], 'no timeout, no error');

      const want = expectedEchoes(client, server);
      const echoes = cli.lines.filter((l) => 'echo' in l).map((l) => l.echo);
      assert.equal(echoes.length, want.length, 'one echo per message');
      for (let i = 0; i < want.length; i++) assert.deepEqual(echoes[i], want[i], `echo ${i}`);

      // What the server read, before echoing (the node-ipc 14 crate does not normalise).
      // The server's stdout is another pipe than the client's: its last lines may still be
      // on their way when the client says done, so wait for them.
      await srv.waitForCount((l) => l.got === 'echo', want.length, 20000);
      const got = srv.lines.filter((l) => l.got === 'echo').map((l) => l.data);
      const sent = client === 'node14' ? PAYLOADS : PAYLOADS.map(normalised);
      assert.deepEqual(got.slice(0, sent.length), sent);
      assert.equal(got.length, want.length);

      const replies = cli.lines.filter((l) => 'reply' in l);
      assert.deepEqual(replies, [
        { reply: 'add', data: 5 },
        { reply: 'fail', error: { name: 'RangeError', message: 'nope', code: 'E_NOPE' } },
      ]);
      srv.child.stdin.end();
      await srv.waitExit(10000);
      if (transport === 'unix') assert.equal(fs.existsSync(endpoint.slice(5)), false, 'the server removed its socket file');
    });
  }
}

// The crate's runnable examples, each one command (cargo run --example …), as a user runs
// them: a Rust server with a Node client, and the reverse. Both processes write to the same
// stdout, so each one's lines are in order, not the two interleaved.
function runExample(name) {
  const r = spawnSync(path.join(EXAMPLES, name), [], { cwd: ROOT, encoding: 'utf8', timeout: 60000 });
  const lines = r.stdout.trim().split('\n').map((l) => l.replace(/-\d+/g, '-PID'));
  return { status: r.status, rust: lines.filter((l) => l.startsWith('rust: ')), node: lines.filter((l) => l.startsWith('node: ')), lines };
}

function bySide(lines) {
  return { rust: lines.filter((l) => l.startsWith('rust: ')), node: lines.filter((l) => l.startsWith('node: ')) };
}

test('examples/with_node_client.rs: a Rust server and a Node client', T, () => {
  const { status, rust, node, lines } = runExample('with_node_client');
  assert.equal(status, 0);
  assert.equal(rust.length + node.length, lines.length, 'nothing else printed');
  assert.deepEqual({ rust, node }, bySide([
    'rust: serving rust-example-PID',
    'rust: client 1 connected',
    'rust: the client says "hello from Node"',
    'node: the server says "hello from Node (seen by Rust)"',
    'node: add(40, 2) = 42',
    'node: add(1, "two") failed: TypeError: invalid request data: invalid type: string "two", expected f64',
    'rust: client 1 left',
  ]));
});

test('examples/with_node_server.rs: a Node server and a Rust client', T, () => {
  const { status, rust, node, lines } = runExample('with_node_server');
  assert.equal(status, 0);
  assert.equal(rust.length + node.length, lines.length, 'nothing else printed');
  assert.deepEqual({ rust, node }, bySide([
    'node: listening',
    'rust: connected to node-example-PID',
    'rust: add(40, 2) = 42',
    'rust: add("two") failed: TypeError: add wants two numbers',
    'node: the client says "hello from Rust"',
    'rust: the server says "HELLO FROM RUST"',
  ]));
});
