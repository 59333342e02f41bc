'use strict';
// The object node-ipc code receives where node-ipc 9.x handed out a net.Socket: in server
// handlers, in `server.sockets` and at `ipc.of[id].socket`. The socket itself is owned by
// the addon; this facade has a stable identity per connection and the members real code
// uses. It is an EventEmitter ('connect', 'close') but not a net.Socket.

const { EventEmitter } = require('events');

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
    this.encoding = null;
    this.bytesWritten = 0;
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
    this._link.write(this._conn, chunk);
    if (typeof callback === 'function') process.nextTick(callback);
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

  /** Called by the owner when the addon reports the connection closed. */
  _markClosed(hadError) {
    this.connecting = false;
    this.destroyed = true;
    this.readable = false;
    this.writable = false;
    this.emit('close', hadError);
  }
}

/**
 * The addon's peer address text (`127.0.0.1:5000`, `[::1]:5000`) as Node's socket fields.
 * @param {string|null|undefined} peer
 */
function parsePeer(peer) {
  if (!peer) return {};
  const at = peer.lastIndexOf(':');
  const address = peer.slice(0, at).replace(/^\[|\]$/g, '');
  return {
    remoteAddress: address,
    remotePort: Number(peer.slice(at + 1)),
    remoteFamily: address.includes(':') ? 'IPv6' : 'IPv4',
  };
}

module.exports = { SocketFacade, parsePeer };
