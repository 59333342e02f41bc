'use strict';
// Per-tick write batching: every write of one tick reaches the addon in a single call,
// consecutive strings for the same target joined into one.
//
// A batch is flushed on process.nextTick, or earlier: at the end of every event the addon
// delivers (see `deliveringEvents`). Node runs the nextTick queue of a thread-safe-function
// callback only some time after it returns (80–200 µs measured here), which would delay
// every reply written from a message handler by that much.

/** Flush early once this many characters/bytes are pending. */
const FLUSH_THRESHOLD = 256 * 1024;

/** Batches with pending writes, flushed together at the end of an addon event. */
const pending = new Set();

class WriteBatch {
  /** @param {(targets: number[], chunks: (string|Buffer)[]) => void} sink */
  constructor(sink) {
    this.sink = sink;
    this.targets = [];
    this.chunks = [];
    this.size = 0;
    this.scheduled = false;
    this.flush = this.flush.bind(this);
  }

  /** @param {number} target  connection id (0 = every connection) */
  push(target, chunk) {
    const last = this.chunks.length - 1;
    if (last >= 0 && this.targets[last] === target &&
        typeof chunk === 'string' && typeof this.chunks[last] === 'string') {
      this.chunks[last] += chunk;
    } else {
      this.targets.push(target);
      this.chunks.push(chunk);
    }
    this.size += chunk.length;
    if (this.size >= FLUSH_THRESHOLD) {
      this.flush();
    } else if (!this.scheduled) {
      this.scheduled = true;
      pending.add(this);
      process.nextTick(this.flush);
    }
  }

  flush() {
    this.scheduled = false;
    pending.delete(this);
    if (this.chunks.length === 0) return;
    const targets = this.targets;
    const chunks = this.chunks;
    this.targets = [];
    this.chunks = [];
    this.size = 0;
    this.sink(targets, chunks);
  }
}

function flushPending() {
  for (const batch of pending) batch.flush();
}

/**
 * Wraps an addon event callback so that whatever its handlers wrote is flushed when it
 * returns (also when a handler throws).
 * @template {Function} F
 * @param {F} callback
 * @returns {F}
 */
function deliveringEvents(callback) {
  return function deliver(kind, conn, text, bytes, flag) {
    try {
      callback(kind, conn, text, bytes, flag);
    } finally {
      if (pending.size > 0) flushPending();
    }
  };
}

module.exports = { WriteBatch, deliveringEvents };
