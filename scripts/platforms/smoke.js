'use strict';
// A server and a client in one process, through the package as a user requires it: over the
// local socket (a named pipe on Windows) and over TCP, a named round trip, a 1 MiB echo,
// a broadcast, and a clean stop. Run on each platform's own Node by test-platforms.js:
//
//   node scripts/platforms/smoke.js [module]     # module: what to require (default: the repo)
//
// Prints one JSON line per step and `smoke: ok` at the end; exits 1 on the first failure.

const path = require('path');

const target = process.argv[2] || path.join(__dirname, '..', '..');
const ipc = require(target);
const started = Date.now();

function step(name, detail) {
  console.log(JSON.stringify({ step: name, ms: Date.now() - started, ...detail }));
}

function fail(message) {
  console.log(`smoke: FAILED: ${message}`);
  process.exit(1);
}

/** Serves with `serve` ('serve' or 'serveNet'), connects, exchanges, stops. */
function roundTrip(kind, where) {
  return new Promise((resolve) => {
    const id = `smoke${kind}${process.pid}`;
    ipc.config.id = id;
    ipc.config.silent = true;
    ipc.config.retry = 50;
    const big = 'x'.repeat(1024 * 1024);
    const serve = () => {
      ipc.server.on('ping', (data, socket) => ipc.server.emit(socket, 'pong', { n: data.n + 1 }));
      ipc.server.on('echo', (data, socket) => ipc.server.emit(socket, 'echo', data));
      ipc.server.on('ready-for-broadcast', () => ipc.server.broadcast('news', { text: 'to all' }));
    };
    if (kind === 'local') ipc.serve(where, serve);
    else ipc.serveNet('127.0.0.1', where, serve);
    ipc.server.on('start', () => {
      const connect = kind === 'local' ? ipc.connectTo.bind(ipc, id, where) : ipc.connectToNet.bind(ipc, id, '127.0.0.1', where);
      connect(() => {
        const client = ipc.of[id];
        const pongs = [];
        client.on('connect', () => client.emit('ping', { n: 0 }));
        client.on('pong', (data) => {
          pongs.push(data.n);
          if (pongs.length < 3) client.emit('ping', { n: data.n });
          else client.emit('echo', { big });
        });
        client.on('echo', (data) => {
          if (data.big !== big) fail(`${kind}: the 1 MiB echo came back different`);
          client.emit('ready-for-broadcast', {});
        });
        client.on('news', (data) => {
          if (pongs.join() !== '1,2,3') fail(`${kind}: pongs ${pongs.join()}`);
          step(kind, { where: kind === 'local' ? ipc.server.path : where, pongs, echoBytes: big.length, news: data.text });
          ipc.disconnect(id);
          ipc.server.stop();
          resolve();
        });
      });
    });
    ipc.server.start();
  });
}

async function main() {
  const timer = setTimeout(() => fail('timed out after 60 s'), 60000);
  step('loaded', { platform: process.platform, arch: process.arch, node: process.version });
  await roundTrip('local', `/tmp/nipc-smoke-${process.pid}.sock`);
  const net = require('net');
  const port = await new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
  });
  await roundTrip('tcp', port);
  clearTimeout(timer);
  console.log('smoke: ok');
}

main().catch((e) => fail(e && e.stack));
