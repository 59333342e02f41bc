'use strict';
// Soak server: answers every `req` with a `res`, broadcasts `news` every 100 ms, and on
// each stdin line prints {fds, rssKiB, sockets, requests} as JSON.
const fs = require('fs');
const ipc = require(process.env.SOAK_IMPL || '../..');

const path = process.argv[2];
ipc.config.silent = true;
ipc.config.maxConnections = 1000;
let requests = 0;
ipc.serve(path, () => process.stdout.write(JSON.stringify({ ev: 'start' }) + '\n'));
ipc.server.on('req', (data, socket) => {
  requests++;
  ipc.server.emit(socket, 'res', { n: data.n, pad: data.pad });
});
ipc.server.start();
setInterval(() => ipc.server.broadcast('news', { at: Date.now() }), 100);
/** The JavaScript heap in use after a full collection (when --expose-gc is given). */
function heapAfterGc() {
  if (!global.gc) return null;
  global.gc();
  return Math.round(process.memoryUsage().heapUsed / 1024);
}

process.stdin.setEncoding('utf8');
process.stdin.on('data', () => {
  const stats = {
    ev: 'stats',
    fds: fs.readdirSync('/proc/self/fd').length,
    rssKiB: Math.round(process.memoryUsage().rss / 1024),
    heapKiB: heapAfterGc(),
    sockets: ipc.server.sockets.length,
    requests,
  };
  process.stdout.write(JSON.stringify(stats) + '\n');
});
process.stdin.on('end', () => process.exit(0));
