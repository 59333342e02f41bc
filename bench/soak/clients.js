'use strict';
// Soak clients: `count` clients (argv[3]) of one process talk to the server at argv[2].
// Each sends a `req` every 50 ms and checks that every `res` answers one of its own; every
// 100 ms one client, at random, disconnects and connects again (churn). On each stdin line
// prints {fds, rssKiB, replies, news, reconnects, mismatches} as JSON.
const { reportOnRequest } = require('./report');
const ipc = require(process.env.SOAK_IMPL || '../..');

const [path, count, tag] = [process.argv[2], Number(process.argv[3]), process.argv[4]];
ipc.config.silent = true;
ipc.config.retry = 100;
const stats = { replies: 0, news: 0, reconnects: 0, mismatches: 0 };
const outstanding = new Map();
const pad = 'x'.repeat(200);

function start(id) {
  ipc.connectTo(id, path, () => {
    const client = ipc.of[id];
    outstanding.set(id, new Set());
    client.on('res', (data) => {
      const mine = outstanding.get(id);
      if (mine && mine.delete(data.n)) stats.replies++;
      else stats.mismatches++;
    });
    client.on('news', () => { stats.news++; });
  });
}

const ids = Array.from({ length: count }, (_, k) => `${tag}-${k}`);
ids.forEach(start);
let n = 0;
setInterval(() => {
  for (const id of ids) {
    const client = ipc.of[id];
    if (!client || !client.socket || client.socket.connecting || client.socket.destroyed) continue;
    const mine = outstanding.get(id);
    if (mine.size > 100) continue; // the server is behind: do not pile up
    mine.add(++n);
    client.emit('req', { n, pad });
  }
}, 50);
setInterval(() => {
  const id = ids[Math.floor(Math.random() * ids.length)];
  ipc.disconnect(id);
  outstanding.delete(id);
  stats.reconnects++;
  start(id);
}, 100);
reportOnRequest(() => stats);
