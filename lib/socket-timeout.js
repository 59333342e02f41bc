'use strict';
// net.Socket's idle timeout for the socket facade: `setTimeout(ms[, cb])` arms a timer
// that emits 'timeout' once the socket has seen no activity (data read, write, connect)
// for `ms`. As on net.Socket, it only notifies: the socket stays open, the timer does not
// keep the process alive, and activity after a 'timeout' arms it again.

/** Node's largest timer duration (2^31 - 1 ms); a socket's longer timeout is cut to it, as in Node. */
const TIMEOUT_MAX = 2 ** 31 - 1;

/**
 * The duration as Node's `socket.setTimeout` validates it.
 * @param {*} msecs
 * @returns {number}
 */
function timerDuration(msecs) {
  if (typeof msecs !== 'number') {
    const err = new TypeError(`The "msecs" argument must be of type number. Received ${describe(msecs)}`);
    err.code = 'ERR_INVALID_ARG_TYPE';
    throw err;
  }
  if (!Number.isFinite(msecs) || msecs < 0) {
    const err = new RangeError(`The value of "msecs" is out of range. It must be a non-negative finite number. Received ${msecs}`);
    err.code = 'ERR_OUT_OF_RANGE';
    throw err;
  }
  return Math.min(msecs, TIMEOUT_MAX);
}

function describe(value) {
  if (value === null) return 'null';
  if (typeof value === 'function') return `function ${value.name}`;
  if (typeof value === 'object') return 'an instance of ' + ((value.constructor && value.constructor.name) || 'Object');
  if (typeof value === 'string') return `type string ('${value}')`;
  return `type ${typeof value} (${String(value)})`;
}

class IdleTimer {
  /** @param {import('events').EventEmitter} socket  emits 'timeout' */
  constructor(socket) {
    this.socket = socket;
    this.ms = 0;
    this.lastActive = 0;
    this.timer = null;
  }

  /** Arms (ms > 0, unless `arm` is false: a closed socket) or disarms (0), from now. */
  set(ms, arm = true) {
    this.clear();
    this.ms = ms;
    if (ms === 0 || !arm) return;
    this.lastActive = Date.now();
    this.arm(ms);
  }

  /** Activity on the socket: the idle time starts again. */
  touch() {
    if (this.ms === 0) return;
    this.lastActive = Date.now();
    if (this.timer === null) this.arm(this.ms);
  }

  /** Stops the timer (the socket closed: `ms` stays, as net.Socket's `timeout`). */
  clear() {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  arm(ms) {
    this.timer = setTimeout(fire, ms, this);
    this.timer.unref();
  }
}

function fire(idle) {
  idle.timer = null;
  if (idle.ms === 0) return;
  const quiet = Date.now() - idle.lastActive;
  if (quiet < idle.ms) {
    idle.arm(idle.ms - quiet);
    return;
  }
  idle.socket.emit('timeout');
}

module.exports = { IdleTimer, timerDuration };
