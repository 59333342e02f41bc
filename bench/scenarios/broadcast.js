'use strict';
// broadcast: the server broadcasts `count` small messages to `clients` client processes
// (server.broadcast(type, data): one call per message, delivered to every client), in
// one synchronous loop. Time = last client's receipt of the last message (client clock)
// - server's clock just before the first broadcast (both CLOCK_MONOTONIC). Every client
// checks that it gets every message exactly once, in order, with the right content.
//
// Wire sequence:
//   each client: 'hello'{index}
//   server (all clients there): b{i,s} x warmup, 'sync'{n, checksum}
//   each client: verifies, 'ready'{error}
//   server (all ready): b{i,s} x count (timed), 'done'{n, checksum}
//   each client: verifies everything, 'fin'{error}; server finishes when all are in

const { TEXT, FNV_OFFSET, fold, SequenceChecker } = require('./integrity');

const now = process.hrtime.bigint;

module.exports = {
  name: 'broadcast',
  description: 'server broadcasts small messages to several client processes',
  transports: ['unix', 'tcp'],
  clients: 8,
  unit: 'msg/s',
  latency: false,
  defaults: { count: 20000, warmup: 1000 },
  quick: { count: 2000, warmup: 200 },
  types: { toServer: ['hello', 'ready', 'fin'], toClient: ['b', 'sync', 'done'] },
  describe: (s) => `broadcast ${s.count.toLocaleString('en-US')} messages to 8 clients (+${s.warmup.toLocaleString('en-US')} warm-up)`,

  server(params, finish, ctx) {
    const n = ctx.clients;
    const hello = new Set();
    const ready = new Set();
    const fin = new Map();
    let checksum = FNV_OFFSET;
    let i = 0;
    let t0 = null;
    let tSent = null;
    function burst(k) {
      const end = i + k;
      for (; i < end; i++) {
        ctx.broadcast('b', { i, s: TEXT });
        checksum = fold(checksum, i, TEXT);
      }
    }
    return {
      onMessage(type, data) {
        if (type === 'hello') {
          hello.add(data.index);
          if (hello.size === n) {
            burst(params.warmup);
            ctx.broadcast('sync', { n: i, checksum });
          }
        } else if (type === 'ready') {
          if (data.error) {
            finish({ ok: false, error: `client ${data.index} rejected the warm-up: ${data.error}` });
            return;
          }
          ready.add(data.index);
          if (ready.size === n) {
            t0 = now();
            burst(params.count);
            tSent = now();
            ctx.broadcast('done', { n: i, checksum });
          }
        } else if (type === 'fin') {
          fin.set(data.index, data.error);
          if (fin.size === n) {
            const errors = [...fin].filter(([, e]) => e).map(([k, e]) => `client ${k}: ${e}`);
            const error = errors.length ? errors.join('; ') : null;
            finish({ ok: !error, error, t0: String(t0), emitMs: Number(tSent - t0) / 1e6 });
          }
        }
      },
      onPeerClose() {
        if (fin.size < n) finish({ ok: false, error: 'a client disconnected before the scenario finished' });
      },
    };
  },

  client(params, send, finish, ctx) {
    const last = params.warmup + params.count - 1;
    const seq = new SequenceChecker();
    let tLast = null;
    return {
      start() {
        send('hello', { index: ctx.index });
      },
      handle(type, data) {
        if (type === 'b') {
          seq.check(data);
          if (data && data.i === last) tLast = now();
        } else if (type === 'sync') {
          const error = seq.verdict(data.n, data.checksum);
          send('ready', { index: ctx.index, error });
          if (error) finish({ ok: false, error: `warm-up: ${error}` });
        } else if (type === 'done') {
          const error = seq.verdict(data.n, data.checksum) || (tLast === null ? 'last message not seen' : null);
          send('fin', { index: ctx.index, error });
          finish({ ok: !error, error, tLast: tLast === null ? null : String(tLast), received: seq.next });
        }
      },
    };
  },

  measure(params, server, client, clients) {
    if (server.t0 == null || clients.some((c) => c.tLast == null)) return { error: 'missing timestamps' };
    const t0 = BigInt(server.t0);
    const ends = clients.map((c) => Number(BigInt(c.tLast) - t0));
    const ns = Math.max(...ends);
    return {
      rate: params.count / (ns / 1e9),
      ms: ns / 1e6,
      // messages delivered per second, all clients together
      deliveries: (params.count * clients.length) / (ns / 1e9),
      firstClientMs: Math.min(...ends) / 1e6,
    };
  },
};
