'use strict';
// udploss: `count` small datagram messages sender -> receiver over UDP on loopback,
// emitted in one synchronous loop (as fast as the API takes them), no flow control,
// no retransmission. The receiver counts what arrives; loss is measured and reported,
// never a failure. Every peer is a UDP "server" (serveNet(host, port, 'udp4')); the
// bench's server child is the receiver, its client child the sender.
//
// Wire sequence:
//   sender:   m{i,s} x count  (one datagram each: JSON frame + '\f')
//   sender:   'done'{n}, repeated every doneEveryMs until acknowledged (it may be lost too)
//   receiver: at the first 'done', keeps counting for settleMs, then stops counting and
//             answers 'ack' (to that 'done' and to every later one)
//
// Integrity: every message the receiver gets must be {i, s: TEXT} with an integer
// 0 <= i < count not seen before (well-formed, in the sent set, no duplicate); anything
// else fails the run. Reordering is counted, not failed.

const { TEXT } = require('./integrity');

const now = process.hrtime.bigint;

module.exports = {
  name: 'udploss',
  description: 'datagram messages sender -> receiver, one way, loss counted',
  /** This scenario exists for UDP only. */
  transports: ['udp'],
  unit: 'msg/s',
  latency: false,
  defaults: { count: 20000, settleMs: 1000, doneEveryMs: 100 },
  quick: { count: 2000, settleMs: 500, doneEveryMs: 100 },
  types: { toServer: ['m', 'done'], toClient: ['ack'] },
  describe: (s) => `udploss ${s.count.toLocaleString('en-US')} datagrams (${s.settleMs.toLocaleString('en-US')} ms settle)`,

  server(params, finish) {
    const seen = new Uint8Array(params.count);
    let received = 0;
    let reordered = 0;
    let maxIndex = -1;
    let error = null;
    let tFirst = null;
    let tLast = null;
    let settling = null;
    let settled = false;
    const bad = (text) => { if (!error) error = text; };
    return (type, data, reply) => {
      if (type === 'm') {
        const t = now();
        if (settled) return; // after the settle time: not counted
        const i = data !== null && typeof data === 'object' ? data.i : undefined;
        if (!Number.isInteger(i) || i < 0 || i >= params.count || data.s !== TEXT || Object.keys(data).length !== 2) {
          bad(`malformed message: ${JSON.stringify(data).slice(0, 120)}`);
          return;
        }
        if (seen[i]) {
          bad(`duplicate message #${i}`);
          return;
        }
        seen[i] = 1;
        received++;
        if (i < maxIndex) reordered++;
        else maxIndex = i;
        if (tFirst === null) tFirst = t;
        tLast = t;
      } else if (type === 'done') {
        if (settled) {
          reply('ack', {});
          return;
        }
        if (settling) return;
        if (!data || data.n !== params.count) bad(`sender says it sent ${data && data.n}, expected ${params.count}`);
        settling = setTimeout(() => {
          settled = true;
          reply('ack', {});
          finish({
            ok: !error,
            error,
            received,
            reordered,
            tFirst: tFirst === null ? null : String(tFirst),
            tLast: tLast === null ? null : String(tLast),
          });
        }, params.settleMs);
      }
    };
  },

  client(params, send, finish) {
    let t0 = null;
    let tEmitted = null;
    let timer = null;
    let doneSent = 0;
    let acked = false;
    const sendDone = () => {
      doneSent++;
      send('done', { n: params.count });
    };
    return {
      start() {
        t0 = now();
        for (let i = 0; i < params.count; i++) send('m', { i, s: TEXT });
        tEmitted = now();
        sendDone();
        timer = setInterval(sendDone, params.doneEveryMs);
      },
      handle(type) {
        if (type !== 'ack' || acked) return;
        acked = true;
        clearInterval(timer);
        finish({
          ok: true,
          sent: params.count,
          t0: String(t0),
          emitMs: Number(tEmitted - t0) / 1e6,
          doneSent,
        });
      },
    };
  },

  /** Figures of one run from the two children's results. */
  measure(params, server, client) {
    if (client.t0 == null) return { error: 'missing timestamps' };
    const sent = client.sent;
    const received = server.received;
    const ns = server.tLast === null ? null : Number(BigInt(server.tLast) - BigInt(client.t0));
    return {
      sent,
      received,
      lossPct: ((sent - received) / sent) * 100,
      delivered: received / sent,
      // Delivered messages per second, first emit (sender's clock) to last arrival
      // (receiver's clock), both CLOCK_MONOTONIC.
      rate: ns ? received / (ns / 1e9) : 0,
      ms: ns === null ? null : ns / 1e6,
      // How fast the sender's emit loop returned (API cost, not wire rate).
      emitRate: client.emitMs > 0 ? sent / (client.emitMs / 1000) : null,
      reordered: server.reordered,
    };
  },
};
