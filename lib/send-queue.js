'use strict';
// The sync-mode send queue (CONTRACT §5.5). Exposed as `client.queue` with the members of
// the js-queue object node-ipc 9.x used: add, next, clear, contents, autoRun, stop.

class SendQueue {
  #jobs = [];
  #busy = false;

  constructor() {
    this.autoRun = true;
    this.stop = false;
  }

  /** Pending jobs, oldest first. */
  get contents() { return this.#jobs; }
  set contents(jobs) { this.#jobs = jobs; }

  /** Appends jobs; starts the first one when the queue is idle. */
  add(...jobs) {
    this.#jobs.push(...jobs);
    if (!this.#busy && !this.stop && this.autoRun) this.next();
  }

  /** Runs the next job (the queue stays busy until the following `next`), or goes idle. */
  next() {
    if (this.#jobs.length === 0 || this.stop) {
      this.#busy = false;
      return;
    }
    this.#busy = true;
    this.#jobs.shift().call(this);
  }

  /** Drops every pending job. */
  clear() {
    this.#jobs = [];
    return this.#jobs;
  }
}

module.exports = { SendQueue };
