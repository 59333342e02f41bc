'use strict';
// pingpong: `count` sequential round trips; the client emits p{i,s}, the server
// replies r with the same data, the client emits the next one when the reply
// arrives. Latency of each round trip on the client's clock; the first `warmup`
// round trips are not measured.
//
// Wire sequence:
//   client: p{i,s} -> server: r{i,s}      (warmup + count times)
//   client: 'done'{n, checksum} -> server: 'ack'{error}

const { TEXT, FNV_OFFSET, fold, SequenceChecker, stallGuard, checkingEchoServer, latencyResult } = require('./integrity');

const now = process.hrtime.bigint;

module.exports = {
  name: 'pingpong',
  description: 'sequential round trips client -> server -> client',
  transports: ['unix', 'tcp', 'udp'],
  unit: 'rt/s',
  latency: true,
  defaults: { count: 20000, warmup: 500 },
  quick: { count: 2000, warmup: 200 },
  types: { toServer: ['p', 'done'], toClient: ['r', 'ack'] },
  describe: (s) => `pingpong ${s.count.toLocaleString('en-US')} round trips (+${s.warmup.toLocaleString('en-US')} warm-up)`,

  server(params, finish) {
    return checkingEchoServer('p', 'r', finish);
  },

  client(params, send, finish) {
    const total = params.warmup + params.count;
    const latencyUs = new Float64Array(params.count);
    const replies = new SequenceChecker();
    let sentChecksum = FNV_OFFSET;
    let i = 0;
    let tSent = 0n;
    let tStart = 0n;
    let tEnd = 0n;
    function ping() {
      if (i === params.warmup) tStart = now();
      tSent = now();
      send('p', { i, s: TEXT });
      sentChecksum = fold(sentChecksum, i, TEXT);
    }
    let guard = null;
    return {
      start() {
        guard = stallGuard(() => i, (k) => finish({
          ok: false,
          error: `${replies.error ? `replies: ${replies.error}; then ` : ''}no reply to request #${k} for 5 s (lost?)`,
        }));
        ping();
      },
      handle(type, data) {
        if (type === 'r') {
          const t = now();
          if (i >= params.warmup) latencyUs[i - params.warmup] = Number(t - tSent) / 1e3;
          replies.check(data);
          i++;
          if (i < total) {
            ping();
            return;
          }
          tEnd = t;
          send('done', { n: i, checksum: sentChecksum });
        } else if (type === 'ack') {
          guard.stop();
          // The server's verdict on the pings is in the server's own result.
          const ms = Number(tEnd - tStart) / 1e6;
          finish(latencyResult(params.count, ms, latencyUs, replies.verdict(total, sentChecksum)));
        }
      },
    };
  },

  measure(params, server, client) {
    return { rate: client.rate, ms: client.ms, p50: client.p50, p99: client.p99 };
  },
};
