'use strict';
// churn: `count` cycles of connect, one round trip, disconnect, one after the other, by
// one client process reusing the same client id (ipc.connectTo(id, ...) /
// ipc.disconnect(id) through the public API; a new net.Socket each time for the floor).
// The next cycle starts as soon as disconnect() returns. Cycle time (connect call ->
// reply received -> disconnect returned) on the client's clock; the first `warmup`
// cycles are not measured.
//
// Integrity: cycle k sends p{i: k, s} and must get r{i: k, s} back on that connection
// (the client checks every reply); the server checks that the requests arrive in order,
// one per connection, and that it saw every cycle's connection close: after the last
// cycle, a final connection sends 'done'{n, checksum}, and the server answers 'ack' once
// it has seen n disconnections (it waits up to 5 s for late ones).

const { TEXT, FNV_OFFSET, fold, SequenceChecker, stallGuard, latencyResult } = require('./integrity');

const now = process.hrtime.bigint;
const CLOSE_WAIT_MS = 5000;

module.exports = {
  name: 'churn',
  description: 'connect, one round trip, disconnect; repeated',
  transports: ['unix', 'tcp'],
  manualConnect: true,
  unit: 'cycles/s',
  latency: true,
  defaults: { count: 500, warmup: 20 },
  quick: { count: 50, warmup: 10 },
  types: { toServer: ['p', 'done'], toClient: ['r', 'ack'] },
  describe: (s) => `churn ${s.count} connect/round trip/disconnect cycles (+${s.warmup} warm-up)`,

  server(params, finish) {
    const seq = new SequenceChecker();
    const peers = new Set();
    let closes = 0;
    let finished = false;
    let error = null;
    return {
      onMessage(type, data, reply, peer) {
        if (type === 'p') {
          if (peers.has(peer) && !error) error = `request #${data && data.i} arrived on the connection of an earlier cycle`;
          peers.add(peer);
          seq.check(data);
          reply('r', data);
        } else if (type === 'done') {
          const deadline = Date.now() + CLOSE_WAIT_MS;
          const answer = () => {
            if (closes < data.n && Date.now() < deadline) {
              setTimeout(answer, 5);
              return;
            }
            const verdict = error || seq.verdict(data.n, data.checksum) ||
              (closes < data.n ? `server saw ${closes} disconnections of ${data.n} cycles within ${CLOSE_WAIT_MS} ms` : null) ||
              (closes > data.n ? `server saw ${closes} disconnections, ${data.n} cycles were closed` : null);
            reply('ack', { error: verdict });
            finished = true;
            finish({ ok: !verdict, error: verdict, received: seq.next, closes });
          };
          answer();
        }
      },
      onPeerClose() {
        if (!finished) closes++;
      },
    };
  },

  client(params, _send, finish, ctx) {
    const total = params.warmup + params.count;
    const cycleUs = new Float64Array(params.count);
    const replies = new SequenceChecker();
    let checksum = FNV_OFFSET;
    let closing = false;
    let waiting = null; // {type, resolve}
    const handlers = {
      onMessage(type, data) {
        if (!waiting || waiting.type !== type) {
          finish({ ok: false, error: `unexpected '${type}' message ${JSON.stringify(data).slice(0, 80)}` });
          return;
        }
        const w = waiting;
        waiting = null;
        w.resolve(data);
      },
      onClose() {
        if (!closing) finish({ ok: false, error: 'connection closed by the server during a cycle' });
      },
    };
    const expect = (type) => new Promise((resolve) => { waiting = { type, resolve }; });

    let step = 0; // progress: 3 steps per cycle
    let where = 'connect';
    const guard = stallGuard(() => step, () => finish({ ok: false, error: `cycle #${Math.floor(step / 3)} stuck for 5 s at ${where}` }));
    async function run() {
      let tStart = 0n;
      for (let k = 0; k < total; k++) {
        const t0 = now();
        if (k === params.warmup) tStart = t0;
        closing = false;
        where = 'connect';
        const conn = await ctx.connect(handlers); // eslint-disable-line no-await-in-loop
        step++;
        where = 'waiting for the reply';
        const reply = expect('r');
        conn.send('p', { i: k, s: TEXT });
        checksum = fold(checksum, k, TEXT);
        replies.check(await reply); // eslint-disable-line no-await-in-loop
        step++;
        where = 'disconnect';
        closing = true;
        conn.close();
        step++;
        if (k >= params.warmup) cycleUs[k - params.warmup] = Number(now() - t0) / 1e3;
      }
      const ns = Number(now() - tStart);
      guard.stop();
      closing = false;
      const conn = await ctx.connect(handlers);
      const ack = expect('ack');
      conn.send('done', { n: total, checksum });
      await ack; // the server's verdict is in the server's own result (it waits up to 5 s for disconnections)
      closing = true;
      conn.close();
      finish(latencyResult(params.count, ns / 1e6, cycleUs, replies.verdict(total, checksum)));
    }
    return {
      start() {
        run().catch((err) => {
          guard.stop();
          finish({ ok: false, error: `cycle #${Math.floor(step / 3)} failed at ${where}: ${err && err.message}` });
        });
      },
    };
  },

  measure(params, server, client) {
    return { rate: client.rate, ms: client.ms, p50: client.p50, p99: client.p99 };
  },
};
