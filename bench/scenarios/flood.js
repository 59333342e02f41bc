'use strict';
// flood: `count` small messages client -> server, as fast as emit() goes, measured
// from just before the first emit (client clock) to the arrival of the last one at
// the server (server clock). Both are process.hrtime, i.e. CLOCK_MONOTONIC, which is
// the same clock in every process of one machine.
//
// Wire sequence:
//   client: m{i,s} x warmup, 'sync'          server: verifies, replies 'go'
//   client: m{i,s} x count  (timed), 'done'{n, checksum}
//   server: verifies everything, replies 'ack'{error}

const { TEXT, FNV_OFFSET, fold, SequenceChecker } = require('./integrity');

const now = process.hrtime.bigint;

module.exports = {
  name: 'flood',
  description: 'small messages client -> server, one way',
  transports: ['unix', 'tcp'],
  unit: 'msg/s',
  latency: false,
  defaults: { count: 200000, warmup: 5000 },
  quick: { count: 20000, warmup: 1000 },
  types: { toServer: ['m', 'sync', 'done'], toClient: ['go', 'ack'] },
  describe: (s) => `flood ${s.count.toLocaleString('en-US')} messages (+${s.warmup.toLocaleString('en-US')} warm-up)`,

  server(params, finish) {
    const total = params.warmup + params.count;
    const last = total - 1;
    const seq = new SequenceChecker();
    let tLast = null;
    return (type, data, reply) => {
      switch (type) {
        case 'm':
          seq.check(data);
          if (data && data.i === last) tLast = now();
          break;
        case 'sync': {
          const error = seq.verdict(params.warmup, data.checksum);
          reply('go', { error });
          if (error) finish({ ok: false, error: `warm-up: ${error}`, tLast: null, received: seq.next });
          break;
        }
        case 'done': {
          const error = seq.verdict(data.n, data.checksum) ||
            (data.n !== total ? `client sent ${data.n} messages, expected ${total}` : null) ||
            (tLast === null ? 'last message not seen' : null);
          reply('ack', { error });
          finish({ ok: !error, error, tLast: tLast === null ? null : String(tLast), received: seq.next });
          break;
        }
        default:
          break;
      }
    };
  },

  client(params, send, finish) {
    let checksum = FNV_OFFSET;
    let i = 0;
    let t0 = null;
    let tEmitted = null;
    function burst(n) {
      const end = i + n;
      for (; i < end; i++) {
        send('m', { i, s: TEXT });
        checksum = fold(checksum, i, TEXT);
      }
    }
    return {
      start() {
        burst(params.warmup);
        send('sync', { checksum });
      },
      handle(type, data) {
        if (type === 'go') {
          if (data.error) {
            finish({ ok: false, error: 'server rejected the warm-up' });
            return;
          }
          t0 = now();
          burst(params.count);
          tEmitted = now();
          send('done', { n: i, checksum });
        } else if (type === 'ack') {
          // The server's verdict is in the server's own result.
          finish({
            ok: true,
            t0: String(t0),
            emitMs: Number(tEmitted - t0) / 1e6,
          });
        }
      },
    };
  },

  /** Figures of one run from the two children's results. */
  measure(params, server, client) {
    if (server.tLast === null || client.t0 === null) return { error: 'missing timestamps' };
    const ns = Number(BigInt(server.tLast) - BigInt(client.t0));
    return {
      rate: params.count / (ns / 1e9),
      ms: ns / 1e6,
    };
  },
};
