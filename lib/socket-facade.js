'use strict';
// The object node-ipc code receives where node-ipc 9.x handed out a net.Socket: in server
// handlers, in `server.sockets` and at `ipc.of[id].socket`. The socket itself is owned by
// the addon; this facade has a stable identity per connection and net.Socket's members
// and events as real code uses them: 'connect', 'data' (only computed while someone
// listens), 'end', 'error', 'timeout', 'drain', 'close' (hadError), setTimeout,
// setNoDelay, setKeepAlive, address(), local/remote address fields, bytesRead/Written,
// pending, readyState. It is an EventEmitter but not a net.Socket.
//
// Backpressure as on net.Socket: `write` returns false when the addon holds bytes the
// kernel did not take (or the chunk alone reaches the high-water mark); 'drain' follows
// once they are sent. Code that ignores it still works: past `config.maxQueuedBytes` the
// addon destroys the connection with an ENOBUFS error instead of queueing without end.

const { EventEmitter } = require('events');
const { StringDecoder } = require('string_decoder');
const { IdleTimer, timerDuration } = require('./socket-timeout');

/** net.Socket's default `writableHighWaterMark` on Node 20 (16 KiB). */
const HIGH_WATER_MARK = 16 * 1024;

/**
 * What a facade needs from its owner (server or client) to reach the native socket.
 * @typedef {object} SocketLink
 * @property {(conn: number, chunk: string|Buffer) => void} write
 * @property {(conn: number) => void} end
 * @property {(conn: number) => void} destroy
 * @property {(conn: number) => number} queued
 * @property {(conn: number, on: boolean) => void} setNoDelay
 * @property {(conn: number, on: boolean, delaySecs: number) => void} setKeepAlive
 * @property {(conn: number) => (string|null)} localAddress  `ip:port` of a TCP socket
 * @property {(conn: number) => (object|null)} tcpSettings  a TCP socket's options as read back
 */

/** Hidden (not enumerable) writable fields, so the facade's keys stay net.Socket-like. */
function hide(obj, name, value) {
  Object.defineProperty(obj, name, { value, writable: true });
}

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
    // The addon queues bytes for this connection; a write returned false and 'drain' is owed.
    hide(this, '_pressure', false);
    hide(this, '_needDrain', false);
    hide(this, '_bytesRead', 0);
    // getsockname's answer: sent with CONNECTED, else asked once (net.Socket caches it).
    hide(this, '_sockname', peer.sockname || null);
    // setTimeout's timer, made on first use.
    hide(this, '_idle', null);
    // setNoDelay/setKeepAlive made before the connection exists, applied on connect.
    hide(this, '_options', null);
    hide(this, '_dataDecoder', null);
    // Write callbacks waiting for the connection or for 'drain'.
    hide(this, '_writeCallbacks', null);
  }

  /** Queues data; it is sent in order, batched with the other writes of this tick. */
  write(data, encoding, callback) {
    if (typeof encoding === 'function') {
      callback = encoding;
      encoding = undefined;
    }
    if (this.destroyed || !this.writable) {
      // A closed socket drops writes without an 'error' event, as node-ipc 9.x on Node 20
      // does (Q29); a write callback still hears why, as net.Socket's does.
      if (typeof callback === 'function') {
        process.nextTick(callback, this.destroyed ? closedError() : writeAfterEndError());
      }
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
    if (this._idle !== null) this._idle.touch();
    // A chunk at the high-water mark fills the batch, which is sent at once: whether the
    // kernel took it is known when this returns.
    this._link.write(this._conn, chunk);
    if (typeof callback === 'function') {
      // As net.Socket: called once the data is on its way, so not while connecting or
      // while the addon holds queued bytes (then on connect, or at 'drain').
      if (this.connecting || this._pressure) holdCallback(this, callback);
      else process.nextTick(callback);
    }
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
    } else if (typeof encoding === 'function') {
      callback = encoding;
      encoding = undefined;
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

  /** The encoding 'data' delivers strings in (node-ipc sets config.encoding). */
  setEncoding(encoding) {
    this.encoding = encoding;
    this._dataDecoder = null;
    return this;
  }

  /**
   * Emits 'timeout' after `msecs` without activity (0 turns it off); `callback` is
   * added as a one-time 'timeout' listener (removed again by `setTimeout(0, callback)`).
   */
  setTimeout(msecs, callback) {
    const ms = timerDuration(msecs);
    if (this._idle === null) this._idle = new IdleTimer(this);
    this._idle.set(ms, !this.destroyed);
    if (typeof callback === 'function') {
      if (ms === 0) this.removeListener('timeout', callback);
      else this.once('timeout', callback);
    }
    return this;
  }

  /** The idle timeout set with setTimeout (ms), undefined if none was set. */
  get timeout() {
    return this._idle === null ? undefined : this._idle.ms;
  }

  /** TCP_NODELAY on a TCP socket (default on); nothing on a local socket. */
  setNoDelay(noDelay = true) {
    return this._option('noDelay', Boolean(noDelay), () => this._link.setNoDelay(this._conn, Boolean(noDelay)));
  }

  /** Keep-alive probes on a TCP socket, the first after `initialDelay` ms of silence. */
  setKeepAlive(enable = false, initialDelay = 0) {
    const secs = Math.max(0, ~~(Number(initialDelay) / 1000));
    return this._option('keepAlive', [Boolean(enable), secs], () => this._link.setKeepAlive(this._conn, Boolean(enable), secs));
  }

  _option(name, value, apply) {
    if (this.destroyed) return this;
    if (this.connecting) {
      if (this._options === null) this._options = {};
      this._options[name] = value;
    } else {
      apply();
    }
    return this;
  }

  /** {address, family, port} of the local end of a TCP socket; {} for a local socket. */
  address() {
    // As net.Socket: nothing once closed (the cached answer goes with the handle).
    if (this.destroyed || this.connecting) return {};
    if (this._sockname !== null) return this._sockname;
    this._sockname = parseAddress(this._link.localAddress(this._conn));
    return this._sockname;
  }

  get localAddress() { return this.address().address; }
  get localPort() { return this.address().port; }
  get localFamily() { return this.address().family; }

  /**
   * A TCP socket's options as the kernel reports them ({noDelay, keepAlive,
   * keepAliveIdleSecs}); null for a local socket or a closed one. Diagnostics.
   */
  _tcpSettings() {
    return this.destroyed || this.connecting ? null : this._link.tcpSettings(this._conn);
  }

  /** Bytes received, delimiters included (counted by the addon as they are read). */
  get bytesRead() {
    return this._bytesRead;
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

  /** As net.Socket: true while connecting and once closed (no handle). */
  get pending() {
    return this.connecting || this.destroyed;
  }

  /** 'opening', 'open', 'readOnly', 'writeOnly' or 'closed', as net.Socket computes it. */
  get readyState() {
    if (this.connecting) return 'opening';
    if (this.readable && this.writable) return 'open';
    if (this.readable && !this.writable) return 'readOnly';
    if (!this.readable && this.writable) return 'writeOnly';
    return 'closed';
  }

  // Accepted for compatibility: the addon's sockets keep the process alive while open.
  ref() { return this; }
  unref() { return this; }

  /** Called by the owner when the addon reports the connection established. */
  _markConnected(peer) {
    if (peer) {
      const { sockname, ...fields } = parsePeer(peer);
      Object.assign(this, fields);
      if (sockname) this._sockname = sockname;
    }
    this.connecting = false;
    this.readable = true;
    const options = this._options;
    this._options = null;
    if (options !== null) {
      if (options.noDelay !== undefined) this.setNoDelay(options.noDelay);
      if (options.keepAlive !== undefined) this.setKeepAlive(options.keepAlive[0], options.keepAlive[1] * 1000);
    }
    if (this._idle !== null) this._idle.touch();
    if (!this._pressure) releaseCallbacks(this, null);
  }

  /**
   * Called by the owner for each delivery of received bytes, before it publishes them:
   * counts them and restarts the idle timer.
   * @param {number} length  bytes
   */
  _received(length) {
    this._bytesRead += length;
    if (this._idle !== null) this._idle.touch();
  }

  /**
   * Called by the owner after it published a delivery: 'data' for listeners, with the
   * bytes as a Buffer, or as a string in the socket's encoding.
   * @param {string|null} text  frames as the addon decoded them (UTF-8)
   * @param {Buffer|null} bytes  raw bytes (rawBuffer mode)
   */
  _emitData(text, bytes) {
    if (this.listenerCount('data') === 0) return;
    const encoding = this.encoding;
    let chunk;
    if (bytes !== null) {
      if (!encoding) {
        chunk = bytes;
      } else {
        if (this._dataDecoder === null) this._dataDecoder = new StringDecoder(encoding);
        chunk = this._dataDecoder.write(bytes);
      }
    } else if (!encoding) {
      chunk = Buffer.from(text, 'utf8');
    } else {
      chunk = encoding === 'utf8' || encoding === 'utf-8' ? text : Buffer.from(text, 'utf8').toString(encoding);
    }
    // As a readable stream with an encoding: a read that completes no character emits nothing.
    if (chunk.length === 0) return;
    this.emit('data', chunk);
  }

  /** Called by the owner when the peer ended its side: 'end' (the close follows). */
  _markEnded() {
    this.readable = false;
    this.emit('end');
  }

  /** Called by the owner with a connection error, after it published it. */
  _error(err) {
    if (this.listenerCount('error') > 0) this.emit('error', err);
  }

  /** Called by the owner when the addon reports bytes queued for this connection. */
  _congested() {
    this._pressure = true;
  }

  /** Called by the owner when the addon reports the queue sent. */
  _drained() {
    this._pressure = false;
    releaseCallbacks(this, null);
    drainIfClear(this);
  }

  /** Called by the owner when the addon reports the connection closed ('close' follows). */
  _markClosed() {
    this._pressure = false;
    this._needDrain = false;
    this.connecting = false;
    this.destroyed = true;
    this.readable = false;
    this.writable = false;
    if (this._idle !== null) this._idle.clear();
    releaseCallbacks(this, closedError);
  }

  /** Called by the owner once it has published the close. */
  _emitClose(hadError) {
    this.emit('close', hadError);
  }
}

function holdCallback(socket, callback) {
  if (socket._writeCallbacks === null) socket._writeCallbacks = [];
  socket._writeCallbacks.push(callback);
}

/** Calls the held write callbacks (with an error made by `makeError`, if given). */
function releaseCallbacks(socket, makeError) {
  const callbacks = socket._writeCallbacks;
  if (callbacks === null) return;
  socket._writeCallbacks = null;
  for (const cb of callbacks) process.nextTick(cb, makeError ? makeError() : undefined);
}

/** What a write callback gets when the socket closed before its data was sent. */
function closedError() {
  const err = new Error('Cannot call write after a stream was destroyed');
  err.code = 'ERR_STREAM_DESTROYED';
  return err;
}

/** What a write callback gets for a write after `end()`. */
function writeAfterEndError() {
  const err = new Error('write after end');
  err.code = 'ERR_STREAM_WRITE_AFTER_END';
  return err;
}

/** Emits 'drain' if a write asked for it and nothing is queued any more. */
function drainIfClear(socket) {
  if (!socket._needDrain || socket._pressure || socket.destroyed) return;
  socket._needDrain = false;
  socket.emit('drain');
}

/** `ip:port` (IPv6 in brackets) → {address, family, port}; nothing → {}. */
function parseAddress(text) {
  if (!text) return {};
  const at = text.lastIndexOf(':');
  const address = text.slice(0, at).replace(/^\[|\]$/g, '');
  return { address, family: address.includes(':') ? 'IPv6' : 'IPv4', port: Number(text.slice(at + 1)) };
}

/**
 * What the addon says about the two ends as the facade's fields: a TCP peer's address
 * text (`127.0.0.1:5000`, `[::1]:5000`) as Node's socket fields, and the local address
 * after a space (read when the connection was made) as `sockname`; a Unix socket
 * peer's credentials (JSON `{"pid","uid","gid"}`) as `peer`.
 * @param {string|null|undefined} peer
 */
function parsePeer(peer) {
  if (!peer) return {};
  if (peer[0] === '{') {
    const { pid, uid, gid } = JSON.parse(peer);
    return { peer: Object.freeze({ pid: pid === null ? undefined : pid, uid, gid }) };
  }
  const space = peer.indexOf(' ');
  const { address, family, port } = parseAddress(space === -1 ? peer : peer.slice(0, space));
  const fields = { remoteAddress: address, remotePort: port, remoteFamily: family };
  if (space !== -1) fields.sockname = parseAddress(peer.slice(space + 1));
  return fields;
}

module.exports = { SocketFacade, parsePeer, parseAddress, HIGH_WATER_MARK };
