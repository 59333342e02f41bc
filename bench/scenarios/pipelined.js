'use strict';
// pipelined: `count` round trips with `window` requests in flight. The client keeps
// `window` requests q{i,s} outstanding (emits the next one as each reply arrives); the
// server replies a{i,s} with the same data. Replies must come back exactly once, in
// request order, with the request's content. Latency of each request (emit -> its
// reply) on the client's clock; the first `warmup` round trips are not measured.
//
// Wire sequence:
//   client: q{i,s} (up to `window` outstanding) -> server: a{i,s}   (warmup + count)
//   client: 'done'{n, checksum} -> server: 'ack'{error}

const { TEXT, FNV_OFFSET, fold, SequenceChecker, stallGuard, checkingEchoServer, latencyResult } = require('./integrity');

const { performance } = require('perf_hooks');

const nowMs = () => performance.now();

module.exports = {
  name: 'pipelined',
  description: 'round trips with a window of requests in flight',
  transports: ['unix', 'tcp', 'udp'],
  unit: 'rt/s',
  latency: true,
  defaults: { count: 50000, warmup: 1000, window: 64 },
  quick: { count: 5000, warmup: 500, window: 64 },
  types: { toServer: ['q', 'done'], toClient: ['a', 'ack'] },
  describe: (s) => `pipelined ${s.count.toLocaleString('en-US')} round trips, ${s.window} in flight (+${s.warmup.toLocaleString('en-US')} warm-up)`,

  server(params, finish) {
    return checkingEchoServer('q', 'a', finish);
  },

  client(params, send, finish) {
    const total = params.warmup + params.count;
    const window = params.window;
    const sentAt = new Float64Array(window); // emit time of request i at i % window
    const latencyUs = new Float64Array(params.count);
    const replies = new SequenceChecker();
    let sentChecksum = FNV_OFFSET;
    let sent = 0;
    let received = 0;
    let tStart = 0;
    let tEnd = 0;
    function pump() {
      while (sent < total && sent - received < window) {
        sentAt[sent % window] = nowMs();
        send('q', { i: sent, s: TEXT });
        sentChecksum = fold(sentChecksum, sent, TEXT);
        sent++;
      }
    }
    let guard = null;
    return {
      start() {
        guard = stallGuard(() => received, (k) => finish({
          ok: false,
          error: `${replies.error ? `replies: ${replies.error}; then ` : ''}no reply to request #${k} for 5 s (${sent - k} outstanding; lost?)`,
        }));
        pump();
      },
      handle(type, data) {
        if (type === 'a') {
          const t = nowMs();
          if (received >= params.warmup) latencyUs[received - params.warmup] = (t - sentAt[received % window]) * 1000;
          replies.check(data);
          received++;
          if (received === params.warmup) tStart = t;
          if (received < total) {
            pump();
            return;
          }
          tEnd = t;
          send('done', { n: sent, checksum: sentChecksum });
        } else if (type === 'ack') {
          guard.stop();
          finish(latencyResult(params.count, tEnd - tStart, latencyUs, replies.verdict(total, sentChecksum)));
        }
      },
    };
  },

  measure(params, server, client) {
    return { rate: client.rate, ms: client.ms, p50: client.p50, p99: client.p99 };
  },
};
