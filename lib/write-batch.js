'use strict';
// Per-tick write batching: every write of one tick reaches the addon in a single call,
// consecutive strings for the same target joined into one.

/** Flush early once this many characters/bytes are pending. */
const FLUSH_THRESHOLD = 256 * 1024;

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
      process.nextTick(this.flush);
    }
  }

  flush() {
    this.scheduled = false;
    if (this.chunks.length === 0) return;
    const targets = this.targets;
    const chunks = this.chunks;
    this.targets = [];
    this.chunks = [];
    this.size = 0;
    this.sink(targets, chunks);
  }
}

module.exports = { WriteBatch };
