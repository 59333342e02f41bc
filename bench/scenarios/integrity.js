'use strict';

const { percentileSorted } = require('../lib/stats');
// Message content and the checksum both ends compute over every message.

/** The short text every message carries (non-ASCII on purpose: UTF-8 split across reads). */
const TEXT = 'some short text \u2713';

const FNV_PRIME = 16777619;
const FNV_OFFSET = 2166136261;

function hashString(s) {
  let h = FNV_OFFSET;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), FNV_PRIME);
  return h >>> 0;
}

const TEXT_HASH = hashString(TEXT);

/** Folds one message {i, s} into a running 32-bit checksum. */
function fold(h, i, s) {
  h = Math.imul(h ^ i, FNV_PRIME);
  return Math.imul(h ^ (s === TEXT ? TEXT_HASH : hashString(String(s))), FNV_PRIME) >>> 0;
}

/**
 * Receiving side of a numbered stream: every message must be {i: next, s: TEXT}.
 * Records the first problem only (enough to report, cheap on the hot path).
 */
class SequenceChecker {
  constructor() {
    this.next = 0;
    this.checksum = FNV_OFFSET;
    this.error = null;
  }

  /** @returns {boolean} whether the message was the expected one */
  check(data) {
    const i = data && data.i;
    const s = data && data.s;
    this.checksum = fold(this.checksum, i, s);
    if (i !== this.next || s !== TEXT) {
      if (!this.error) {
        this.error = `message #${this.next}: expected {i: ${this.next}, s: ${JSON.stringify(TEXT)}}, ` +
          `got ${JSON.stringify(data).slice(0, 120)}`;
      }
      this.next = typeof i === 'number' ? i + 1 : this.next + 1;
      return false;
    }
    this.next++;
    return true;
  }

  /** Final verdict once the sender says it sent `count` messages with `checksum`. */
  verdict(count, checksum) {
    if (this.error) return this.error;
    if (this.next !== count) return `received ${this.next} messages in sequence, sender sent ${count}`;
    if (this.checksum !== checksum) return `checksum mismatch: received ${this.checksum}, sent ${checksum}`;
    return null;
  }
}

/**
 * Watchdog of a request/response client: a lost request or reply stalls such a scenario,
 * so when progress() has not changed for `ms`, calls onStall(progress) (once) instead of
 * leaving it to the run's hard timeout. stop() when the scenario is over.
 */
function stallGuard(progress, onStall, ms = 5000) {
  let last = progress();
  let since = Date.now();
  const timer = setInterval(() => {
    const now = progress();
    if (now !== last) {
      last = now;
      since = Date.now();
    } else if (Date.now() - since >= ms) {
      clearInterval(timer);
      onStall(now);
    }
  }, Math.min(500, ms));
  return { stop: () => clearInterval(timer) };
}

/**
 * The server side of the round-trip scenarios: checks every request's sequence and
 * checksum, echoes it back as `replyType`, and answers `done` with the verdict.
 */
function checkingEchoServer(requestType, replyType, finish) {
  const seq = new SequenceChecker();
  return (type, data, reply) => {
    if (type === requestType) {
      seq.check(data);
      reply(replyType, data);
    } else if (type === 'done') {
      const error = seq.verdict(data.n, data.checksum);
      reply('ack', { error });
      finish({ ok: !error, error, received: seq.next });
    }
  };
}

/**
 * The client's result of a latency scenario: the replies' verdict, the rate over `ms`
 * and the percentiles of `latencyUs` (sorted in place).
 */
function latencyResult(count, ms, latencyUs, replyError) {
  const error = replyError && `replies: ${replyError}`;
  const sorted = latencyUs.sort();
  return {
    ok: !error,
    error,
    rate: count / (ms / 1000),
    ms,
    p50: percentileSorted(sorted, 50),
    p99: percentileSorted(sorted, 99),
  };
}

module.exports = { TEXT, FNV_OFFSET, fold, SequenceChecker, stallGuard, checkingEchoServer, latencyResult };
