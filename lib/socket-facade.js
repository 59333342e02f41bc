'use strict';
// The object node-ipc code receives where node-ipc 9.x handed out a net.Socket: in server
// handlers, in `server.sockets` and at `ipc.of[id].socket`. The socket itself is owned by
// the addon; this facade has a stable identity per connection and the members real code
// uses. It is an EventEmitter ('connect', 'close', 'drain') but not a net.Socket.
//
// Backpressure as on net.Socket: `write` returns false when the addon holds bytes the
// kernel did not take (or the chunk alone reaches the high-water mark); 'drain' follows
// once they are sent. Code that ignores it still works: past `config.maxQueuedBytes` the
// addon destroys the connection with an ENOBUFS error instead of queueing without end.

const { EventEmitter } = require('events');

/** net.Socket's default `writableHighWaterMark` on Node 20 (16 KiB). */
const HIGH_WATER_MARK = 16 * 1024;

/**
 * What a facade needs from its owner (server or client) to reach the native socket.
 * @typedef {object} SocketLink
 * @property {(conn: number, chunk: string|Buffer) => void} write
 * @property {(conn: number) => void} end
 * @property {(conn: number) => void} destroy
 * @property {(conn: number) => number} queued
 */

class SocketFacade extends EventEmitter {
  /**
   * @param {SocketLink} link
   * @param {number} conn  the addon's connection id
   * @param {{remoteAddress?: string, remotePort?: number, connecting?: boolean}} [peer]
   */
  constructor(link, conn, peer = {}) {
    super();
    Object.defineProperty(this, '_link', { value: link });
    Object.defineProperty(this, '_conn', { value: conn });
    this.id = undefined;
    this.connecting = Boolean(peer.connecting);
    this.destroyed = false;
    this.readable = !this.connecting;
    this.writable = true;
    this.remoteAddress = peer.remoteAddress;
    this.remotePort = peer.remotePort;
    this.remoteFamily = peer.remoteFamily;
    /** The peer process on a Unix socket ({pid, uid, gid}, read at connect); else undefined. */
    this.peer = peer.peer;
    this.encoding = null;
    this.bytesWritten = 0;
    // Hidden (not enumerable): the addon queues bytes for this connection; a write
    // returned false and 'drain' is owed.
    Object.defineProperty(this, '_pressure', { value: false, writable: true });
    Object.defineProperty(this, '_needDrain', { value: false, writable: true });
  }

  /** Queues data; it is sent in order, batched with the other writes of this tick. */
  write(data, encoding, callback) {
    if (typeof encoding === 'function') {
      callback = encoding;
      encoding = undefined;
    }
    if (this.destroyed || !this.writable) {
      // A closed socket drops writes silently, as node-ipc 9.x on Node 20 does (Q29).
      return false;
    }
    let chunk = data;
    if (typeof data === 'string') {
      if (encoding && encoding !== 'utf8' && encoding !== 'utf-8') chunk = Buffer.from(data, encoding);
    } else if (data instanceof Uint8Array) {
      chunk = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    } else {
      throw new TypeError('The "chunk" argument must be of type string or an instance of Buffer or Uint8Array');
    }
    this.bytesWritten += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
    // A chunk at the high-water mark fills the batch, which is sent at once: whether the
    // kernel took it is known when this returns.
    this._link.write(this._conn, chunk);
    if (typeof callback === 'function') process.nextTick(callback);
    if (this._pressure || chunk.length >= HIGH_WATER_MARK) {
      this._needDrain = true;
      if (!this._pressure) process.nextTick(drainIfClear, this);
      return false;
    }
    return true;
  }

  /** Sends what is queued, then half-closes (the peer sees the end of the stream). */
  end(data, encoding, callback) {
    if (typeof data === 'function') {
      callback = data;
      data = undefined;
    }
    if (data !== undefined && data !== null) this.write(data, encoding);
    if (!this.destroyed && this.writable) {
      this.writable = false;
      this._link.end(this._conn);
    }
    if (typeof callback === 'function') this.once('close', () => callback());
    return this;
  }

  /** Closes the connection; data written before is still sent. */
  destroy() {
    if (this.destroyed) return this;
    this.destroyed = true;
    this.readable = false;
    this.writable = false;
    this._link.destroy(this._conn);
    return this;
  }

  /** Remembers the encoding (node-ipc calls it); decoding happens in the receive path. */
  setEncoding(encoding) {
    this.encoding = encoding;
    return this;
  }

  /** Bytes written and not yet handed to the kernel. */
  get writableLength() {
    return this.destroyed ? 0 : this._link.queued(this._conn);
  }

  /** Whether a `write` returned false and 'drain' has not been emitted yet. */
  get writableNeedDrain() {
    return this._needDrain;
  }

  get writableHighWaterMark() {
    return HIGH_WATER_MARK;
  }

  /** Received data waiting to be read: always 0, data is delivered as it arrives. */
  get readableLength() {
    return 0;
  }

  get pending() {
    return this.connecting;
  }

  // Accepted for compatibility; the addon manages these itself.
  setNoDelay() { return this; }
  setKeepAlive() { return this; }
  setTimeout() { return this; }
  ref() { return this; }
  unref() { return this; }

  /** Called by the owner when the addon reports the connection established. */
  _markConnected(peer) {
    if (peer) Object.assign(this, parsePeer(peer));
    this.connecting = false;
    this.readable = true;
    this.emit('connect');
  }

  /** Called by the owner when the addon reports bytes queued for this connection. */
  _congested() {
    this._pressure = true;
  }

  /** Called by the owner when the addon reports the queue sent. */
  _drained() {
    this._pressure = false;
    drainIfClear(this);
  }

  /** Called by the owner when the addon reports the connection closed. */
  _markClosed(hadError) {
    this._pressure = false;
    this._needDrain = false;
    this.connecting = false;
    this.destroyed = true;
    this.readable = false;
    this.writable = false;
    this.emit('close', hadError);
  }
}

/** Emits 'drain' if a write asked for it and nothing is queued any more. */
function drainIfClear(socket) {
  if (!socket._needDrain || socket._pressure || socket.destroyed) return;
  socket._needDrain = false;
  socket.emit('drain');
}

/**
 * What the addon says about the peer as the facade's fields: a TCP peer's address text
 * (`127.0.0.1:5000`, `[::1]:5000`) as Node's socket fields; a Unix socket peer's
 * credentials (JSON `{"pid","uid","gid"}`) as `peer`.
 * @param {string|null|undefined} peer
 */
function parsePeer(peer) {
  if (!peer) return {};
  if (peer[0] === '{') {
    const { pid, uid, gid } = JSON.parse(peer);
    return { peer: Object.freeze({ pid: pid === null ? undefined : pid, uid, gid }) };
  }
  const at = peer.lastIndexOf(':');
  const address = peer.slice(0, at).replace(/^\[|\]$/g, '');
  return {
    remoteAddress: address,
    remotePort: Number(peer.slice(at + 1)),
    remoteFamily: address.includes(':') ? 'IPv6' : 'IPv4',
  };
}

module.exports = { SocketFacade, parsePeer, HIGH_WATER_MARK };
