'use strict';
// `ipc.server.server`: stands where node-ipc 9.x exposed its net.Server, with the members
// real code uses (close(cb), address(), listening, maxConnections, ref/unref, events).

const { EventEmitter } = require('events');
const { parseAddress } = require('./socket-facade');

class ListenerFacade extends EventEmitter {
  /**
   * @param {object} native  the NativeServer
   * @param {string|{address: string, family: string, port: number}} address  what
   *   address() returns while listening (a path for local sockets, as net.Server does)
   * @param {object} owner  the Server
   */
  constructor(native, address, owner) {
    super();
    Object.defineProperty(this, '_native', { value: native });
    Object.defineProperty(this, '_owner', { value: owner });
    this.listening = false;
    this.maxConnections = undefined;
    this._address = address;
    this._closed = false;
    this._finished = false;
    this._closeCallbacks = [];
    native.setRef(true);
  }

  /**
   * The socket path (local sockets) or {address, family, port} (TCP) as net.Server gives
   * it: the address the listener is bound to, with the port the system chose for port 0.
   */
  address() {
    return this.listening ? this._address : null;
  }

  /**
   * Stops accepting. As with net.Server, `callback` runs once every accepted
   * connection has closed too (or with an error if the server was not listening).
   */
  close(callback) {
    if (!this.listening) {
      if (typeof callback === 'function') {
        const err = new Error('Server is not running.');
        err.code = 'ERR_SERVER_NOT_RUNNING';
        process.nextTick(callback, err);
      }
      return this;
    }
    this.listening = false;
    this._closed = true;
    // Accepted connections stay open and, as in Node, keep the process alive until they
    // close (Q42); the listener itself no longer does.
    this._native.close();
    if (typeof callback === 'function') this._closeCallbacks.push(callback);
    this._maybeFinished();
    return this;
  }

  ref() { this._native.setRef(true); return this; }
  unref() { this._native.setRef(false); return this; }

  getConnections(callback) {
    process.nextTick(callback, null, this._owner.sockets.length);
    return this;
  }

  /** @param {string|null} [bound]  `ip:port` a TCP listener is bound to (the real port for 0) */
  _listening(bound) {
    if (bound && typeof this._address === 'object') this._address = parseAddress(bound);
    this.listening = true;
    this.emit('listening');
  }

  _listenFailed() {
    this.listening = false;
    this._native.setRef(false);
  }

  _connectionClosed() {
    this._maybeFinished();
  }

  _maybeFinished() {
    if (!this._closed || this._finished || this._owner.sockets.length > 0) return;
    this._finished = true;
    const callbacks = this._closeCallbacks.splice(0);
    process.nextTick(() => {
      for (const cb of callbacks) cb();
      this.emit('close');
    });
  }
}

module.exports = { ListenerFacade };
