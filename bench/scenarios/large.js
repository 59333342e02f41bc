'use strict';
// large: `count` messages of `bytes` (1 MiB) client -> server, emitted in one
// synchronous loop like flood, after `warmup` unmeasured ones. Time = server's receipt
// (and check) of the last message - client's clock just before the first emit.
//
// Payload: message i is {i, v, p} with p = PAYLOADS[v], v = i % VARIANTS, a string of
// exactly `bytes` UTF-8 bytes (ASCII text with a Latin-1 'é' every 64 characters, so
// multi-byte sequences are cut by reads; different per variant). The receiver checks i
// (in order, exactly once) and v, and computes the CRC-32 of every received payload,
// compared with the CRC-32 of the payload it expects (computed at start-up from the same
// generator). The CRC costs ~0.7 ms per MiB on the receiver, inside the measured time,
// alike for every implementation.
//
// Wire sequence:
//   client: L{i,v,p} x warmup, 'sync'{n}      server: verifies, replies 'go'{error}
//   client: L{i,v,p} x count (timed), 'done'{n}
//   server: verifies, replies 'ack'{error}

const zlib = require('zlib');

const now = process.hrtime.bigint;
const VARIANTS = 4;

/** CRC-32 of a string's UTF-8 bytes (zlib.crc32 where Node has it: >= 20.15 / 22.2). */
const crc32 = typeof zlib.crc32 === 'function'
  ? (s) => zlib.crc32(s)
  : (s) => {
    const buf = Buffer.from(s, 'utf8');
    let c = ~0;
    for (let k = 0; k < buf.length; k++) {
      c ^= buf[k];
      for (let b = 0; b < 8; b++) c = (c >>> 1) ^ (0xEDB88320 & -(c & 1));
    }
    return ~c >>> 0;
  };

/** Payload of variant v: exactly `bytes` UTF-8 bytes. */
function makePayload(v, bytes) {
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,:;-+=()[]';
  let unit = '';
  for (let k = 0; k < 63; k++) unit += alphabet[(k * 7 + v * 13) % alphabet.length];
  unit += '\u00e9'; // 64 characters, 65 UTF-8 bytes
  const unitBytes = Buffer.byteLength(unit, 'utf8');
  const whole = Math.floor(bytes / unitBytes);
  let s = unit.repeat(whole);
  s += alphabet.slice(0, bytes - whole * unitBytes).padEnd(bytes - whole * unitBytes, 'x');
  if (Buffer.byteLength(s, 'utf8') !== bytes) throw new Error('payload size mismatch');
  return s;
}

function payloads(bytes) {
  const list = [];
  for (let v = 0; v < VARIANTS; v++) {
    const p = makePayload(v, bytes);
    list.push({ p, crc: crc32(p) });
  }
  return list;
}

class PayloadChecker {
  constructor(bytes) {
    this.expected = payloads(bytes).map((x) => ({ length: x.p.length, crc: x.crc }));
    this.next = 0;
    this.error = null;
  }

  check(data) {
    const k = this.next;
    this.next++;
    if (this.error) return;
    if (!data || data.i !== k || data.v !== k % VARIANTS || typeof data.p !== 'string') {
      this.error = `message #${k}: expected {i: ${k}, v: ${k % VARIANTS}, p: <payload>}, got i=${data && data.i}, v=${data && data.v}, p: ${data && typeof data.p}`;
      if (data && typeof data.i === 'number') this.next = data.i + 1;
      return;
    }
    const want = this.expected[data.v];
    if (data.p.length !== want.length) {
      this.error = `message #${k}: payload has ${data.p.length} characters, expected ${want.length}`;
      return;
    }
    const crc = crc32(data.p);
    if (crc !== want.crc) this.error = `message #${k}: payload CRC-32 ${crc.toString(16)}, expected ${want.crc.toString(16)}`;
  }

  verdict(count) {
    if (this.error) return this.error;
    if (this.next !== count) return `received ${this.next} messages, sender sent ${count}`;
    return null;
  }
}

module.exports = {
  name: 'large',
  description: '1 MiB messages client -> server, one way',
  transports: ['unix', 'tcp'],
  unit: 'msg/s',
  latency: false,
  defaults: { count: 200, warmup: 2, bytes: 1024 * 1024 },
  quick: { count: 20, warmup: 2, bytes: 1024 * 1024 },
  types: { toServer: ['L', 'sync', 'done'], toClient: ['go', 'ack'] },
  // node-ipc 9.2.1 appends every read to one buffer and only parses when a read happens
  // to end on a delimiter, flattening/splitting the whole buffer each time: in a burst
  // of 1 MiB frames that is quadratic in the burst (200 x 1 MiB does not finish in 60 s
  // here). It runs 1/10 of the messages (labelled in the table); --no-reduce runs it in
  // full (and times out).
  reduced: {
    'node-ipc': (params) => ({ ...params, count: Math.max(2, Math.round(params.count / 10)) }),
  },
  // The client emits the whole burst in one synchronous loop, faster than the server
  // parses it: node-ipc-native's default maxQueuedBytes (64 MiB) would destroy the
  // connection with ENOBUFS once the backlog passes it (the package's safety limit, see
  // the README). A program that bursts this much sets the limit to hold the burst, as
  // here; other implementations ignore the key (they queue without limit).
  config: (s) => ({ maxQueuedBytes: (s.warmup + s.count + 1) * (s.bytes + 1024) }),
  describe: (s) => `large ${s.count} x ${s.bytes === 1024 * 1024 ? '1 MiB' : `${s.bytes} B`} (+${s.warmup} warm-up)`,
  describeReduced: (s) => `${s.count} x ${s.bytes === 1024 * 1024 ? '1 MiB' : `${s.bytes} B`}`,

  server(params, finish) {
    const total = params.warmup + params.count;
    const check = new PayloadChecker(params.bytes);
    let tLast = null;
    return (type, data, reply) => {
      if (type === 'L') {
        check.check(data);
        if (data && data.i === total - 1) tLast = now();
      } else if (type === 'sync') {
        const error = check.verdict(data.n);
        reply('go', { error });
        if (error) finish({ ok: false, error: `warm-up: ${error}` });
      } else if (type === 'done') {
        const error = check.verdict(data.n) ||
          (data.n !== total ? `client sent ${data.n} messages, expected ${total}` : null) ||
          (tLast === null ? 'last message not seen' : null);
        reply('ack', { error });
        finish({ ok: !error, error, tLast: tLast === null ? null : String(tLast), received: check.next });
      }
    };
  },

  client(params, send, finish) {
    const list = payloads(params.bytes).map((x) => x.p);
    let i = 0;
    let t0 = null;
    let tEmitted = null;
    function burst(n) {
      const end = i + n;
      for (; i < end; i++) send('L', { i, v: i % VARIANTS, p: list[i % VARIANTS] });
    }
    return {
      start() {
        burst(params.warmup);
        send('sync', { n: i });
      },
      handle(type, data) {
        if (type === 'go') {
          if (data.error) {
            finish({ ok: false, error: `server rejected the warm-up: ${data.error}` });
            return;
          }
          t0 = now();
          burst(params.count);
          tEmitted = now();
          send('done', { n: i });
        } else if (type === 'ack') {
          finish({ ok: true, t0: String(t0), emitMs: Number(tEmitted - t0) / 1e6 });
        }
      },
    };
  },

  measure(params, server, client) {
    if (server.tLast == null || client.t0 == null) return { error: 'missing timestamps' };
    const ns = Number(BigInt(server.tLast) - BigInt(client.t0));
    return {
      rate: params.count / (ns / 1e9),
      ms: ns / 1e6,
      mibps: (params.count * params.bytes) / (1024 * 1024) / (ns / 1e9),
    };
  },
};
