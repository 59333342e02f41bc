'use strict';
// Soak server: answers every `req` with a `res`, broadcasts `news` every 100 ms, and on
// each stdin line prints {fds, rssKiB, sockets, requests} as JSON.
const { reportOnRequest } = require('./report');
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
reportOnRequest(() => ({ sockets: ipc.server.sockets.length, requests }));
