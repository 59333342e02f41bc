'use strict';
// The IPC instance: node-ipc's methods connectTo, connectToNet, disconnect, serve,
// serveNet, and the per-instance config, `of` and `server` (spec §1–§3).

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

/** The class of the singleton: an IPC that also carries the IPC class (spec §1.1). */
class IPCModule extends IPC {
  constructor() {
    super();
    Object.defineProperty(this, 'IPC', { enumerable: true, value: IPC });
  }
}

/** ipc.connectTo(id, [path], [callback]) — spec §3.2. */
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

/** ipc.connectToNet(id, [host], [port], [callback]) — TCP/TLS (spec §3.3). */
function connectToNet() {
  throw notYet('connectToNet (TCP/TLS)');
}

/** ipc.disconnect(id) — spec §3.4. */
function disconnect(id) {
  const client = this.of[id];
  if (!client) return;
  client.off('*', '*');
  retire(client);
  delete this.of[id];
}

/** ipc.serve([path], [callback]) — spec §3.5. */
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

/** ipc.serveNet([host], [port], [UDPType], [callback]) — TCP/TLS/UDP (spec §3.6). */
function serveNet() {
  throw notYet('serveNet (TCP/TLS/UDP)');
}

function notYet(what) {
  const err = new Error(`node-ipc-native: ${what} is not available in this version; Unix sockets are (connectTo/serve).`);
  err.code = 'ERR_NOT_IMPLEMENTED';
  return err;
}

module.exports = { IPC, IPCModule };
