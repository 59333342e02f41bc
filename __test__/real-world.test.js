'use strict';
/**
 * Real-world usage (issue 11, item 5): the IPC code of published programs, run UNCHANGED
 * from node_modules (pinned devDependencies) against this package, with their
 * `require('node-ipc')` / `require('@achrinza/node-ipc')` redirected to it by
 * helpers/redirect-node-ipc.js (the first require of every fixture in fixtures/real-world/).
 * Every test checks from inside the processes that the redirect happened (the program's files
 * have the package's index.js among their module children, and no node-ipc file was loaded),
 * so none of them can pass against the original node-ipc.
 *
 *  - @vue/cli-shared-utils@5.0.9, lib/ipc.js: IpcMessenger, which `vue-cli-service` uses to
 *    report to vue-ui. Singleton `ipc.config` (id, retry, silent), `connectTo(id, cb)` with the
 *    default path (/tmp/app.<id>) and its synchronous callback, `ipc.of[id].emit` before the
 *    socket is connected, `ipc.of[id].on`, `ipc.disconnect(id)` after an 'ack' handshake, and a
 *    new connection on the next send. The server side is vue-ui's role in the plain API.
 *  - detox@20.51.4, src/ipc/IPCServer.js + IPCClient.js: the request/response layer between
 *    Detox's primary context and its Jest workers. `new IPC()` instances, `config.appspace`,
 *    `config.logger`, `maxRetries: 0` / `stopRetrying: 0`, `serve(cb)`, `server.on`,
 *    `server.emit(socket, ...)`, `server.broadcast`, `server.server.close(cb)` + `server.stop()`,
 *    the `connectTo` callback's argument (the IPC instance), chained `.on` / `.once` / `.off`
 *    on `ipc.of[id]`, and `'disconnect'` after `ipc.disconnect(id)`.
 *  - jest-runner-vscode@3.0.1, dist/runner.js + run-vscode.js (the Jest side) and
 *    dist/child/reporter.js + ipc-client.js + message-writer.js (the VS Code side, here in a
 *    stand-in process, fixtures/real-world/jrv-fake-vscode.js): `server.on` / `server.off`,
 *    `server.stop()`, a client whose writes go through `ipc.of[id].socket.write(frame, cb)`,
 *    and a deep import of `<node-ipc dir>/entities/EventParser`.
 *
 * Two of the jest-runner-vscode tests found gaps, now fixed: the package ships
 * `entities/EventParser.js` (message-writer.js loads it by path), and `socket.write(data,
 * callback)` on a client that is still connecting calls back once connected (as net.Socket
 * does), not at once: IPCClient's disconnect waits for those callbacks, and destroyed the
 * socket before the connection was up, losing every result. A third test serves the
 * EventParser file from node-ipc 9.2.1 (NIPC_REDIRECT_EVENTPARSER, see the helper) and lets
 * each test file take 100 ms, as Jest does.
 */
const fs = require('fs');
const os = require('os');
const path = require('path');
const crypto = require('crypto');
const { describe, test } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./helpers');

const T = { timeout: 60000 };
const WAIT = 10000;
const SOCKET_ROOT = '/tmp/'; // node-ipc's default config.socketRoot, which these programs keep

const EXPECTED_TARGET = path.relative(h.ROOT, require.resolve(h.implPath('native'))).split(path.sep).join('/');

let counter = 0;
function uniqueId(tag) {
  counter += 1;
  return `${tag}-${process.pid}-${counter}-${crypto.randomBytes(3).toString('hex')}`;
}

function spawn(s, script, args, opts = {}) {
  return s.spawnPeer(path.join('real-world', script), args, { impl: 'native', name: script, ...opts });
}

/**
 * The redirect really took place in that process: the program's files required the package
 * (its index.js, or what OUR_IMPL names), and no file of any node-ipc was loaded besides.
 */
function assertRedirected(report, users, foreign = []) {
  assert.equal(report.target, EXPECTED_TARGET, 'node-ipc ids resolve to the package under test');
  if (!process.env.OUR_IMPL) assert.equal(report.target, 'index.js', 'the package is this repository');
  for (const u of users) assert.ok(report.users.includes(u), `${u} required the package (users: ${JSON.stringify(report.users)})`);
  assert.deepEqual(report.foreign, foreign, 'no other node-ipc was loaded');
}

async function redirectReport(peer) {
  return peer.request({ cmd: 'redirect-report' });
}

/** Ask for the state until pred(reply) holds. */
async function pollState(peer, pred, what, ms = WAIT) {
  const deadline = Date.now() + ms * h.WAIT_SCALE;
  let last;
  for (;;) {
    last = await peer.request({ cmd: 'state' });
    if (pred(last)) return last;
    if (Date.now() > deadline) throw new Error(`${peer.name}: timed out waiting for ${what}; last state ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function noError(reply) {
  assert.equal(reply.error, undefined, `no error (got ${JSON.stringify(reply.error)})`);
  return reply;
}

/** The fixture's last line before it exits by itself (stdin closed with `detach`). */
async function exitsByItself(peer, ms = WAIT) {
  await peer.request({ cmd: 'detach' });
  const info = await peer.waitExit(ms);
  assert.deepEqual(info, { code: 0, signal: null }, `${peer.name} exits by itself, status 0 (stderr: ${peer.stderr.slice(-2000)})`);
}

const pick = (lines, keys) => lines.map((l) => Object.fromEntries(keys.map((k) => [k, l[k]])));

// ---------------------------------------------------------------------------------------------
describe('@vue/cli-shared-utils@5.0.9 IpcMessenger (vue-cli-service -> vue-ui)', () => {
  const VUE_IPC = 'node_modules/@vue/cli-shared-utils/lib/ipc.js';

  async function setup(s, clientEnv = {}, serverOpts = {}) {
    const id = uniqueId('vue');
    s.trackPath(SOCKET_ROOT + 'app.' + id);
    const server = spawn(s, 'vue-ui-server.js', [{ id, ...serverOpts }]);
    const started = await server.waitFor('started', WAIT);
    assert.equal(started.path, SOCKET_ROOT + 'app.' + id, 'default path: socketRoot + appspace + id');
    const client = spawn(s, 'vue-cli-client.js', [], { env: { VUE_CLI_IPC: id, ...clientEnv } });
    return { id, server, client };
  }

  test('messages sent before the connection exists are delivered once, in order; the ack handshake disconnects; the process can exit', T, async (t) => {
    const s = h.scope(t);
    const { id, server, client } = await setup(s);
    const created = noError(await client.request({ cmd: 'new' }));
    assert.deepEqual(
      pick([created], ['id', 'connected', 'connecting', 'queued', 'hasClient', 'configId', 'exitReplaced']),
      [{ id, connected: false, connecting: false, queued: 0, hasClient: false, configId: id, exitReplaced: true }]
    );
    assertRedirected(await redirectReport(client), [VUE_IPC]);

    const payloads = [
      { type: 'serve', step: 1 },
      { progress: 0.5, text: 'héllo ✓', nested: { list: [1, 'two', null, true] } },
      'a plain string',
      42,
      { type: 'done', urls: ['http://localhost:8080/'] },
    ];
    // The first send queues and connects: connectTo's callback runs at once (node-ipc 9),
    // flushes the queue and marks the messenger connected while the socket still connects.
    const first = noError(await client.request({ cmd: 'send', data: payloads[0] }));
    assert.deepEqual(pick([first], ['connected', 'connecting', 'queued', 'hasClient']), [{ connected: true, connecting: false, queued: null, hasClient: true }]);
    for (const p of payloads.slice(1)) noError(await client.request({ cmd: 'send', data: p }));

    const got = await server.waitForCount('message', payloads.length, WAIT);
    assert.deepEqual(got.map((l) => l.data), payloads, 'every message, in order');
    assert.deepEqual([...new Set(got.map((l) => l.conn))], [1], 'over one connection');
    await h.quietPeriod(300);
    assert.equal(server.events('message').length, payloads.length, 'no duplicates');

    const disc = noError(await client.request({ cmd: 'disconnect' }));
    assert.deepEqual(pick([disc], ['connected', 'disconnecting']), [{ connected: true, disconnecting: true }]);
    const ack = await server.waitFor('ack', WAIT);
    assert.deepEqual(pick([ack], ['conn', 'data']), [{ conn: 1, data: { done: true } }]);
    const after = await pollState(client, (st) => !st.connected && !st.hasClient, 'the disconnect after {ok:true}');
    assert.deepEqual(pick([after], ['connected', 'connecting', 'disconnecting', 'queued', 'hasClient']), [{ connected: false, connecting: false, disconnecting: false, queued: 0, hasClient: false }]);
    const gone = await server.waitFor('socket.disconnected', WAIT);
    assert.equal(gone.conn, 1);
    await exitsByItself(client);
    assert.equal(server.events('connect').length, 1);
    assert.equal(server.events('ack').length, 1);
  });

  test('disconnectOnIdle: idle connections close by themselves, the next send opens a new one', T, async (t) => {
    const s = h.scope(t);
    const { server, client } = await setup(s);
    noError(await client.request({ cmd: 'new', options: { disconnectOnIdle: true, idleTimeout: 300 } }));
    assertRedirected(await redirectReport(client), [VUE_IPC]);
    noError(await client.request({ cmd: 'send', data: { n: 1 } }));
    noError(await client.request({ cmd: 'send', data: { n: 2 } }));
    await server.waitFor({ ev: 'socket.disconnected', conn: 1 }, WAIT);
    await pollState(client, (st) => !st.connected && !st.hasClient, 'the idle disconnect');
    noError(await client.request({ cmd: 'send', data: { n: 3 } }));
    await server.waitFor({ ev: 'socket.disconnected', conn: 2 }, WAIT);
    await pollState(client, (st) => !st.connected && !st.hasClient, 'the second idle disconnect');
    assert.deepEqual(pick(server.events('message'), ['conn', 'data']), [
      { conn: 1, data: { n: 1 } },
      { conn: 1, data: { n: 2 } },
      { conn: 2, data: { n: 3 } },
    ]);
    assert.deepEqual(pick(server.events('ack'), ['conn', 'data']), [
      { conn: 1, data: { done: true } },
      { conn: 2, data: { done: true } },
    ]);
    assert.equal(server.events('connect').length, 2);
    await exitsByItself(client);
  });

  test('autoConnect: false queues without connecting; connect() flushes the queue; VUE_CLI_PROJECT_ID wraps every message', T, async (t) => {
    const s = h.scope(t);
    const { server, client } = await setup(s, { VUE_CLI_PROJECT_ID: 'proj-42' });
    noError(await client.request({ cmd: 'new', options: { autoConnect: false } }));
    assertRedirected(await redirectReport(client), [VUE_IPC]);
    noError(await client.request({ cmd: 'send', data: { n: 1 } }));
    const queued = noError(await client.request({ cmd: 'send', data: { n: 2 }, type: 'message' }));
    assert.deepEqual(pick([queued], ['connected', 'connecting', 'queued', 'hasClient']), [{ connected: false, connecting: false, queued: 2, hasClient: false }]);
    await h.quietPeriod(300);
    assert.equal(server.events('connect').length, 0, 'nothing connects while autoConnect is off');
    const connected = noError(await client.request({ cmd: 'connect' }));
    assert.deepEqual(pick([connected], ['connected', 'queued']), [{ connected: true, queued: null }]);
    noError(await client.request({ cmd: 'send', data: { n: 3 } }));
    const got = await server.waitForCount('message', 3, WAIT);
    assert.deepEqual(got.map((l) => l.data), [1, 2, 3].map((n) => ({ _projectId: 'proj-42', _data: { n } })));
  });

  test("a 'message' from the server crashes the messenger's process with vue-cli's own TypeError (unbound _onMessage), as with node-ipc 9.2.1", T, async (t) => {
    const s = h.scope(t);
    const { server, client } = await setup(s);
    noError(await client.request({ cmd: 'new' }));
    assertRedirected(await redirectReport(client), [VUE_IPC]);
    noError(await client.request({ cmd: 'send', data: { hello: 1 } }));
    await server.waitFor('message', WAIT);
    await server.request({ cmd: 'broadcast', type: 'message', data: { reply: 1 } });
    const info = await client.waitExit(WAIT);
    assert.deepEqual(info, { code: 1, signal: null }, 'an uncaught exception');
    assert.match(client.stderr, /TypeError: Cannot read properties of undefined \(reading 'forEach'\)/);
    assert.match(client.stderr, /at Client\._onMessage \(.*cli-shared-utils[\\/]lib[\\/]ipc\.js:\d+:\d+\)/);
    assert.deepEqual(client.events('received'), [], 'no listener ran');
    await server.waitFor('socket.disconnected', WAIT);
  });
});

// ---------------------------------------------------------------------------------------------
describe('detox@20.51.4 IPCServer / IPCClient (primary context <-> Jest workers)', () => {
  const DETOX_SERVER = 'node_modules/detox/src/ipc/IPCServer.js';
  const DETOX_CLIENT = 'node_modules/detox/src/ipc/IPCClient.js';

  test('two workers: registerContext, registerWorker and its broadcast, device allocation (and its error), merged test results, early teardown, dispose', T, async (t) => {
    const s = h.scope(t);
    const serverId = uniqueId('primary');
    const sockPath = s.trackPath(`${SOCKET_ROOT}detox.${serverId}`); // socketRoot + appspace 'detox.' + id
    const primary = spawn(s, 'detox-primary.js', [{ serverId }]);
    const init = noError(await primary.request({ cmd: 'init' }, WAIT));
    assert.deepEqual(pick([init], ['id', 'contexts', 'workersCount', 'testResults', 'unsafe_earlyTeardown']), [
      { id: serverId, contexts: [], workersCount: 0, testResults: [], unsafe_earlyTeardown: null },
    ]);
    assert.ok(fs.existsSync(sockPath), `serving on ${sockPath}`);
    assertRedirected(await redirectReport(primary), [DETOX_SERVER]);

    const a = spawn(s, 'detox-secondary.js', [{ id: 'secondary-A', serverId }], { name: 'worker A' });
    const b = spawn(s, 'detox-secondary.js', [{ id: 'secondary-B', serverId }], { name: 'worker B' });
    const fresh = { workersCount: 0, testResults: [], testSessionIndex: 0, unsafe_earlyTeardown: null };
    assert.deepEqual(noError(await a.request({ cmd: 'init' }, WAIT)).session, fresh);
    assert.deepEqual(noError(await b.request({ cmd: 'init' }, WAIT)).session, fresh);
    assertRedirected(await redirectReport(a), [DETOX_CLIENT]);
    assert.deepEqual((await primary.request({ cmd: 'state' })).contexts, ['secondary-A', 'secondary-B']);

    // registerWorker: the reply, and the broadcast to every context.
    assert.equal(noError(await a.request({ cmd: 'registerWorker', workerId: 'w1' })).session.workersCount, 1);
    await pollState(b, (st) => st.session.workersCount === 1, "B's workersCount 1 (broadcast)");
    assert.equal(noError(await b.request({ cmd: 'registerWorker', workerId: 'w2' })).session.workersCount, 2);
    await pollState(a, (st) => st.session.workersCount === 2, "A's workersCount 2 (broadcast)");
    assert.equal(noError(await a.request({ cmd: 'registerWorker', workerId: 'w1' })).session.workersCount, 2, 'a known worker counts once');

    // allocateDevice / deallocateDevice: request, response, and an error carried back.
    const alloc = noError(await a.request({ cmd: 'allocateDevice', deviceConfig: { type: 'android.emulator', device: { avdName: 'Pixel_7' } } }));
    assert.deepEqual(alloc.deviceCookie, { id: 'emulator-5554', type: 'android.emulator' });
    const failed = await b.request({ cmd: 'allocateDevice', deviceConfig: { type: 'ios.simulator', fail: true } });
    assert.deepEqual(failed.error, { name: 'Error', message: 'no free device of type ios.simulator', code: null, syscall: null });
    noError(await a.request({ cmd: 'deallocateDevice', deviceCookie: alloc.deviceCookie }));
    assert.deepEqual(pick(primary.events((l) => l.ev === 'allocate' || l.ev === 'deallocate'), ['ev', 'deviceConfig', 'deviceCookie']), [
      { ev: 'allocate', deviceConfig: { type: 'android.emulator', device: { avdName: 'Pixel_7' } }, deviceCookie: undefined },
      { ev: 'allocate', deviceConfig: { type: 'ios.simulator', fail: true }, deviceCookie: undefined },
      { ev: 'deallocate', deviceConfig: undefined, deviceCookie: { id: 'emulator-5554', type: 'android.emulator' } },
    ]);

    // reportTestResults: merged by testFilePath, newest first, and broadcast.
    const ra = { testFilePath: 'e2e/a.test.js', success: true, isPermanentFailure: false };
    const rb = { testFilePath: 'e2e/b.test.js', success: false, isPermanentFailure: true };
    const ra2 = { testFilePath: 'e2e/a.test.js', success: false, isPermanentFailure: false };
    assert.deepEqual(noError(await a.request({ cmd: 'reportTestResults', testResults: [ra] })).session.testResults, [ra]);
    assert.deepEqual(noError(await b.request({ cmd: 'reportTestResults', testResults: [rb] })).session.testResults, [rb, ra]);
    assert.deepEqual(noError(await b.request({ cmd: 'reportTestResults', testResults: [ra2] })).session.testResults, [ra2, rb]);
    await pollState(a, (st) => JSON.stringify(st.session.testResults) === JSON.stringify([ra2, rb]), "A's merged results (broadcast)");

    // conductEarlyTeardown (permanent): reply, broadcast, primary's state.
    assert.equal(noError(await b.request({ cmd: 'conductEarlyTeardown', permanent: true })).session.unsafe_earlyTeardown, true);
    await pollState(a, (st) => st.session.unsafe_earlyTeardown === true, "A's unsafe_earlyTeardown (broadcast)");
    const st = await primary.request({ cmd: 'state' });
    assert.deepEqual(pick([st], ['workersCount', 'testResults', 'unsafe_earlyTeardown']), [{ workersCount: 2, testResults: [ra2, rb], unsafe_earlyTeardown: true }]);
    assert.ok(st.traceLines > 0, "node-ipc's log lines reach Detox's logger (config.logger)");

    // dispose: each client waits for its 'disconnect'; the server for close(cb).
    noError(await a.request({ cmd: 'dispose' }));
    noError(await b.request({ cmd: 'dispose' }));
    await exitsByItself(a);
    await exitsByItself(b);
    noError(await primary.request({ cmd: 'dispose' }, WAIT));
    assert.equal(fs.existsSync(sockPath), false, 'the socket file is gone after dispose');
    await exitsByItself(primary);
  });

  test('a worker without a primary: init rejects with the connect error (maxRetries 0) and the process exits by itself', T, async (t) => {
    const s = h.scope(t);
    const serverId = uniqueId('nobody');
    const a = spawn(s, 'detox-secondary.js', [{ id: 'secondary-A', serverId }]);
    assertRedirected(await redirectReport(a), [DETOX_CLIENT]);
    const r = await a.request({ cmd: 'init' }, WAIT);
    assert.deepEqual(r.error, { name: 'Error', message: `connect ENOENT ${SOCKET_ROOT}detox.${serverId}`, code: 'ENOENT', syscall: 'connect' });
    await exitsByItself(a);
  });
});

// ---------------------------------------------------------------------------------------------
describe('jest-runner-vscode@3.0.1 runner <-> VS Code side', () => {
  const FAKE_VSCODE = path.join(__dirname, 'fixtures', 'real-world', 'jrv-fake-vscode.js');
  const RUNNER = 'node_modules/jest-runner-vscode/dist/runner.js';
  const CHILD_CLIENT = 'node_modules/jest-runner-vscode/dist/child/ipc-client.js';
  const unix = h.unixOnly('POSIX shell to stand in for the VS Code executable');

  /** A project directory: two test files and the runner's config naming the stand-in. */
  function project(s, { delayMs }) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nipc-jrv-'));
    s.defer(() => fs.rmSync(dir, { recursive: true, force: true }));
    const code = path.join(dir, 'code.sh');
    fs.writeFileSync(code, `#!/bin/sh\nexec '${process.execPath}' '${FAKE_VSCODE}' "$@"\n`, { mode: 0o755 });
    fs.writeFileSync(
      path.join(dir, '.jest-runner-vscoderc.json'),
      JSON.stringify({ vscodeExecutablePath: code, filterOutput: false, extensionTestsEnv: { JRV_FAKE_DELAY_MS: String(delayMs) } })
    );
    const tests = ['a.test.js', 'fail.test.js'].map((f) => path.join(dir, f));
    for (const f of tests) fs.writeFileSync(f, '');
    return { dir, tests };
  }

  async function runOnce(s, { delayMs, shim }) {
    const { dir, tests } = project(s, { delayMs });
    const env = shim ? { NIPC_REDIRECT_EVENTPARSER: 'node-ipc-9.2.1' } : { NIPC_REDIRECT_EVENTPARSER: '' };
    const runner = spawn(s, 'jrv-runner.js', [{ rootDir: dir, tests }], { cwd: dir, stdin: false, env });
    s.trackPath(`${SOCKET_ROOT}app.jest-runner-vscode-server-${runner.pid}`);
    const redirect = await runner.waitFor('redirect', WAIT);
    assertRedirected(redirect, [RUNNER]);
    const exit = await runner.waitExit(WAIT * 2);
    return { dir, tests, runner, exit };
  }

  /** What a run must look like: the same with node-ipc 9.2.1 on both sides. */
  function assertRun({ dir, tests, runner, exit }, { shim }) {
    const diag = `\n  runner lines: ${JSON.stringify(runner.lines.map((l) => ({ ...l, at: undefined })))}\n  runner stderr: ${runner.stderr.slice(-3000)}`;
    const started = runner.events('vscode-started');
    assert.equal(started.length, 1, `the VS Code side reported over IPC once${diag}`);
    assert.deepEqual(started[0].args, [
      '-n',
      '--no-sandbox',
      '--disable-workspace-trust',
      `--extensionDevelopmentPath=${dir}`,
      `--extensionTestsPath=${path.join(h.ROOT, 'node_modules', 'jest-runner-vscode', 'dist', 'child', 'entry-point.js')}`,
    ]);
    assert.equal(started[0].channel, `jest-runner-vscode-server-${runner.pid}`);
    assert.deepEqual(started[0].testPaths, tests);
    assert.equal(started[0].workspacePath, dir);
    const shimFiles = shim && process.env.OUR_IMPL !== 'node-ipc' ? ['node_modules/node-ipc/entities/EventParser.js', 'node_modules/node-ipc/entities/Defaults.js'] : [];
    assertRedirected(started[0].redirect, [CHILD_CLIENT], shimFiles);

    const flow = runner.events((l) => ['onStart', 'vscode-log', 'onResult', 'onFailure'].includes(l.ev));
    assert.deepEqual(
      flow.map((l) => ({ ev: l.ev, path: l.path, file: l.file, result: l.result, error: l.error && l.error.message })),
      [
        { ev: 'onStart', path: tests[0], file: undefined, result: undefined, error: undefined },
        { ev: 'vscode-log', path: undefined, file: 'a.test.js', result: undefined, error: undefined },
        { ev: 'onResult', path: tests[0], file: undefined, result: { testFilePath: tests[0], numPassingTests: 1, numFailingTests: 0, note: 'é✓' }, error: undefined },
        { ev: 'onStart', path: tests[1], file: undefined, result: undefined, error: undefined },
        { ev: 'vscode-log', path: undefined, file: 'fail.test.js', result: undefined, error: undefined },
        { ev: 'onFailure', path: tests[1], file: undefined, result: undefined, error: 'boom in fail.test.js' },
      ],
      `Jest's callbacks, in order, once each${diag}`
    );
    assert.ok(runner.stderr.includes('stderr line 0\nstderr line 1\n'), `console.warn of the VS Code side reaches the runner's stderr${diag}`);
    assert.deepEqual(runner.events('$raw').map((l) => l.line), ['VS Code exited with exit code 0']);
    assert.deepEqual(pick(runner.events('exit'), ['who', 'code']), [
      { who: 'jrv-fake-vscode.js', code: 0 },
      { who: 'jrv-runner.js', code: 0 },
    ]);
    assert.equal(runner.events('runTests-resolved').length, 1);
    assert.deepEqual(exit, { code: 0, signal: null }, 'the runner exits by itself once runTests has stopped its server');
    assert.equal(fs.existsSync(`${SOCKET_ROOT}app.jest-runner-vscode-server-${runner.pid}`), false, 'server.stop() removed the socket file');
  }

  test('the whole IPC of a run, both sides unchanged, the package as it ships', {
    ...T,
    ...unix,
  }, async (t) => {
    const s = h.scope(t);
    assertRun(await runOnce(s, { delayMs: 100, shim: false }), { shim: false });
  });

  test("the whole IPC of a run, both sides unchanged, entities/EventParser served from node-ipc 9.2.1, test files taking 100 ms", { ...T, ...unix }, async (t) => {
    const s = h.scope(t);
    assertRun(await runOnce(s, { delayMs: 100, shim: true }), { shim: true });
  });

  test('everything reported at once, before the connection is up, the package as it ships', { ...T, ...unix }, async (t) => {
    const s = h.scope(t);
    assertRun(await runOnce(s, { delayMs: 0, shim: false }), { shim: false });
  });
});
