'use strict';
// The IPC instance: node-ipc's methods connectTo, connectToNet, disconnect, serve,
// serveNet, and the per-instance config, `of` and `server` (CONTRACT §1–§3).

const { Defaults, defaultSocketPath } = require('./config');
const { log } = require('./log');
const { Client, retire } = require('./client');
const { Server } = require('./server');

function noop() {}

class IPC {
  constructor() {
    Object.defineProperties(this, {
      config: { enumerable: true, writable: true, value: new Defaults() },
      connectTo: { enumerable: true, value: connectTo },
      connectToNet: { enumerable: true, value: connectToNet },
      disconnect: { enumerable: true, value: disconnect },
      serve: { enumerable: true, value: serve },
      serveNet: { enumerable: true, value: serveNet },
      of: { enumerable: true, writable: true, value: {} },
      server: { enumerable: true, writable: true, configurable: true, value: false },
      log: { enumerable: true, value: log },
    });
  }
}

/** The class of the singleton: an IPC that also carries the IPC class (CONTRACT §1.1). */
class IPCModule extends IPC {
  constructor() {
    super();
    Object.defineProperty(this, 'IPC', { enumerable: true, value: IPC });
  }
}

/** ipc.connectTo(id, [path], [callback]) — CONTRACT §3.2. */
function connectTo(id, path, callback) {
  if (typeof path === 'function') {
    callback = path;
    path = false;
  }
  if (!callback) callback = noop;
  if (!id) {
    this.log('Service id required', 'Requested service connection without specifying service id. Aborting connection attempt');
    return;
  }
  if (!path) {
    path = defaultSocketPath(this.config, id);
    this.log('Service path not specified, so defaulting to', 'ipc.config.socketRoot + ipc.config.appspace + id', path);
  }
  if (reuseExisting(this, id, callback)) return;
  const client = new Client(this.config, this.log);
  client.id = id;
  client.path = path;
  this.of[id] = client;
  client.connect();
  callback(this);
}

/**
 * An existing client whose socket is connecting or connected is reused (the callback
 * runs without arguments); a finished or retrying one is replaced, and unlike
 * node-ipc 9.x it is retired so it does not reconnect in the background (Q7 fix).
 */
function reuseExisting(ipc, id, callback) {
  const existing = ipc.of[id];
  if (!existing) return false;
  if (existing.socket && !existing.socket.destroyed) {
    ipc.log('Already Connected to', id, '- So executing success without connection');
    callback();
    return true;
  }
  retire(existing);
  return false;
}

/** ipc.connectToNet(id, [host], [port], [callback]) — TCP/TLS client (CONTRACT §3.3). */
function connectToNet(id, host, port, callback) {
  if (!id) {
    this.log('Service id required', 'Requested service connection without specifying service id. Aborting connection attempt');
    return;
  }
  if (typeof host === 'number') {
    callback = port;
    port = host;
    host = false;
  }
  if (typeof host === 'function') {
    callback = host;
    host = false;
    port = false;
  }
  if (!host) {
    this.log('Server host not specified, so defaulting to', 'ipc.config.networkHost', this.config.networkHost);
    host = this.config.networkHost;
  }
  if (typeof port === 'function') {
    callback = port;
    port = false;
  }
  if (!port) {
    this.log('Server port not specified, so defaulting to', 'ipc.config.networkPort', this.config.networkPort);
    port = this.config.networkPort;
  }
  // A UDP type in fourth position threw a ReferenceError in 9.x; it is ignored (Q22).
  if (typeof callback !== 'function') callback = noop;
  if (reuseExisting(this, id, callback)) return;
  const client = new Client(this.config, this.log);
  client.id = id;
  client.path = host;
  client.port = port;
  this.of[id] = client;
  client.connect();
  callback(this);
}

/** ipc.disconnect(id) — CONTRACT §3.4. */
function disconnect(id) {
  const client = this.of[id];
  if (!client) return;
  client.off('*', '*');
  retire(client);
  delete this.of[id];
}

/** ipc.serve([path], [callback]) — CONTRACT §3.5. */
function serve(path, callback) {
  if (typeof path === 'function') {
    callback = path;
    path = false;
  }
  if (!path) {
    path = defaultSocketPath(this.config, this.config.id);
    this.log('Server path not specified, so defaulting to', 'ipc.config.socketRoot + ipc.config.appspace + ipc.config.id', path);
  }
  if (!callback) callback = noop;
  this.server = new Server(path, this.config, this.log);
  this.server.on('start', callback);
}

/** ipc.serveNet([host], [port], [UDPType], [callback]) — TCP, TLS or UDP server (CONTRACT §3.6). */
function serveNet(host, port, UDPType, callback) {
  if (typeof host === 'number') {
    callback = UDPType;
    UDPType = port;
    port = host;
    host = false;
  }
  if (typeof host === 'function') {
    callback = host;
    UDPType = false;
    host = false;
    port = false;
  }
  if (!host) {
    this.log('Server host not specified, so defaulting to', 'ipc.config.networkHost', this.config.networkHost);
    host = this.config.networkHost;
  }
  const lower = String(host).toLowerCase();
  if (lower === 'udp4' || lower === 'udp6') {
    callback = port;
    UDPType = lower;
    port = false;
    host = this.config.networkHost;
  }
  if (typeof port === 'string') {
    callback = UDPType;
    UDPType = port;
    port = false;
  }
  if (typeof port === 'function') {
    callback = port;
    UDPType = false;
    port = false;
  }
  if (!port) {
    this.log('Server port not specified, so defaulting to', 'ipc.config.networkPort', this.config.networkPort);
    port = this.config.networkPort;
  }
  if (typeof UDPType === 'function') {
    callback = UDPType;
    UDPType = false;
  }
  if (!callback) callback = noop;
  this.server = new Server(host, this.config, this.log, port);
  if (UDPType) {
    // Only the exact strings select UDP; anything else is a harmless extra property.
    this.server[UDPType] = true;
    if (UDPType === 'udp4' && host === '::1') this.server.path = '127.0.0.1';
  }
  this.server.on('start', callback);
}

module.exports = { IPC, IPCModule };
