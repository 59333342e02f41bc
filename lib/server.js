'use strict';
// `ipc.server`: node-ipc's server (CONTRACT §4), listening through the addon.

const { installEventBus } = require('./event-bus');
const { encodeFrame } = require('./frame');
const { NativeServer, EVENT, framesPartial, framesLength, closedWithError } = require('./native');
const { SocketFacade, parsePeer } = require('./socket-facade');
const { WriteBatch, deliveringEvents } = require('./write-batch');
const { systemError } = require('./system-error');
const { publishFrames, RawDecoder, peerId } = require('./receive');
const { ListenerFacade } = require('./listener-facade');
const { localSocketPath } = require('./pipe-path');
const { serverTls } = require('./tls-options');
const { sharedByCluster, listenShared } = require('./cluster-listener');
const { startUdp, udpEmit } = require('./udp-server');
const requests = require('./request-server');

const STATE = Symbol('node-ipc-native server state');

/** Target id meaning "every connection" in the addon's writeBatch. */
const BROADCAST = 0;

class Server {
  constructor(path, config, log, port) {
    installEventBus(this);
    this.emit = emit;
    this.config = config;
    this.path = path;
    this.port = port;
    this.udp4 = false;
    this.udp6 = false;
    this.log = log;
    this.server = false;
    this.sockets = [];
    this.broadcast = broadcast;
    Object.defineProperty(this, STATE, {
      // The delimiter is captured per server (Q12 fix).
      // `network`: made by serveNet, so TCP (or UDP) even on port 0, which node-ipc took
      // for "no port" and served as a Unix socket named after the host.
      value: { delimiter: config.delimiter, listener: null, closing: null, network: port !== undefined && port !== false },
    });
    // Registered first, as in node-ipc, so users see socket.disconnected before close.
    this.on('close', socketClosed);
  }

  /** Publishes `start` (node-ipc's internal hook, public there too). */
  onStart(info) {
    this.trigger('start', info);
  }

  /** Answers requests of `type` with `handler(data, socket)` (docs/REQUEST.md). */
  handle(type, handler) {
    return requests.handle(this, type, handler);
  }

  /** Removes the request handler of `type`; whether there was one. */
  unhandle(type) {
    return requests.unhandle(this, type);
  }

  /** Stops accepting connections; accepted ones stay open (Q42). */
  stop() {
    this.server.close();
  }

  /** Starts listening (CONTRACT §4.2). */
  start() {
    if (!this.path) {
      this.log('Socket Server Path not specified, refusing to start');
      return;
    }
    const config = this.config;
    this.log('starting server on ', this.path, this.port ? `:${this.port}` : '');
    if (this.udp4 || this.udp6) {
      startUdp(this, this[STATE]);
      return;
    }
    this.log('starting TLS server', config.tls);
    let tls;
    if (config.tls) {
      this.log('starting TLS server', config.tls);
      try {
        tls = serverTls(config.tls);
      } catch (err) {
        // Unreadable key/certificate files: an error event, not a throw (node-ipc threw).
        process.nextTick(() => {
          this.log('server error', err);
          this.publish('error', err);
        });
        return;
      }
    }
    const state = this[STATE];
    // Each start() has its own listener: node-ipc lets a second start() open another
    // listening socket while the first one's connections live on.
    const listener = {
      native: null,
      batch: null,
      link: null,
      facades: new Map(),
      rawDecoders: config.rawBuffer ? new Map() : null,
    };
    const native = new NativeServer(deliveringEvents((kind, conn, text, bytes, detail) => {
      onNativeEvent(this, listener, kind, conn, text, bytes, detail);
    }));
    const batch = new WriteBatch((targets, chunks) => native.writeBatch(targets, chunks), (conns) => {
      for (const conn of conns) {
        const socket = listener.facades.get(conn);
        if (socket) socket._congested();
      }
    });
    listener.native = native;
    listener.batch = batch;
    listener.link = {
      write: (conn, chunk) => batch.push(conn, chunk),
      end: (conn) => { batch.flush(); native.end(conn); },
      destroy: (conn) => { batch.flush(); native.destroy(conn); },
      queued: (conn) => native.queuedBytes(conn),
      setNoDelay: (conn, on) => native.setNoDelay(conn, on),
      setKeepAlive: (conn, on, secs) => native.setKeepAlive(conn, on, secs),
      localAddress: (conn) => native.localAddress(conn),
      tcpSettings: (conn) => native.tcpSettings(conn),
    };
    state.listener = listener;
    const framing = {
      delimiter: state.delimiter,
      raw: Boolean(config.rawBuffer),
      maxMessageSize: config.maxMessageSize,
      maxQueuedBytes: config.maxQueuedBytes,
    };
    const maxConnections = maxConnectionsOption(config.maxConnections);
    if (sharedByCluster()) {
      startShared(this, listener, { framing, maxConnections, tls }, state.network);
      return;
    }
    let address;
    if (!state.network) {
      this.log('starting server as', 'Unix || Windows Socket');
      // On Windows the pipe name is written back to server.path, as node-ipc does.
      if (process.platform === 'win32') this.path = localSocketPath(this.path);
      address = String(this.path);
      native.listenUnix(address, {
        framing,
        maxConnections,
        // Only Unix socket files are ever unlinked (Q20): not pipes, not TCP hosts.
        unlink: Boolean(config.unlink) && process.platform !== 'win32',
        readableAll: Boolean(config.readableAll),
        writableAll: Boolean(config.writableAll),
        // node-ipc serves TLS on a Unix socket too when config.tls is set (Q24, kept).
        tls,
      });
    } else {
      this.log('starting server as', config.tls ? 'TLS' : 'TCP');
      const host = String(this.path);
      address = { address: host, family: host.includes(':') ? 'IPv6' : 'IPv4', port: Number(this.port) };
      native.listenTcp(host, Number(this.port), { framing, maxConnections, tls });
    }
    listener.facade = new ListenerFacade(native, address, this);
    this.server = listener.facade;
    this.server.maxConnections = config.maxConnections;
  }
}

/**
 * start() in a cluster worker: the worker listens through Node's net (which cluster
 * shares with the primary and the other workers), the addon serves what it accepts.
 * `unlink` does not apply: the path is the primary's, and removing it would cut every
 * worker off (node-ipc's cluster example sets unlink: false and clears the path in the
 * primary).
 */
function startShared(server, listener, options, network) {
  const config = server.config;
  const native = listener.native;
  native.serveAdopted(options);
  const where = network
    ? { host: String(server.path), port: Number(server.port) }
    : { path: String(server.path), readableAll: Boolean(config.readableAll), writableAll: Boolean(config.writableAll) };
  server.log('starting server as', network ? (config.tls ? 'TLS' : 'TCP') : 'Unix || Windows Socket', 'shared by the cluster');
  let facade = null;
  const shared = listenShared(native, where, {
    listening() {
      facade._listening(network ? formatAddress(shared.address()) : undefined);
      server.onStart(undefined);
    },
    failed(err) {
      facade._listenFailed();
      native.close();
      server.log('server error', err);
      server.publish('error', err);
    },
    error(err) {
      server.log('server error', err);
      server.publish('error', err);
    },
  });
  const owner = {
    close() { shared.close(); native.close(); },
    setRef(on) {
      if (on) shared.ref(); else shared.unref();
      native.setRef(on);
    },
  };
  const address = network
    ? { address: where.host, family: where.host.includes(':') ? 'IPv6' : 'IPv4', port: where.port }
    : where.path;
  facade = new ListenerFacade(owner, address, server);
  listener.facade = facade;
  server.server = facade;
  server.server.maxConnections = config.maxConnections;
}

/** net.Server's address() as the addon's `ip:port` text. */
function formatAddress(a) {
  return a.family === 'IPv6' ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`;
}

function maxConnectionsOption(value) {
  const n = Number(value);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

function onNativeEvent(server, listener, kind, conn, text, bytes, detail) {
  const state = server[STATE];
  switch (kind) {
    case EVENT.FRAMES: {
      const socket = listener.facades.get(conn);
      const loud = !server.config.silent;
      socket._received(framesLength(detail));
      publishFrames(server, socket, text, state.delimiter, framesPartial(detail), (type, data) => {
        const id = peerId(data);
        if (id !== undefined) socket.id = id;
        if (loud) server.log('received event of : ', type, data);
        server.publish(type, data, socket);
      });
      socket._emitData(text, null);
      break;
    }
    case EVENT.RAW: {
      const socket = listener.facades.get(conn);
      // As with net.Socket, nothing more is read from a socket once it is destroyed.
      if (socket.destroyed) break;
      let decoder = listener.rawDecoders.get(conn);
      if (!decoder) {
        decoder = new RawDecoder(server.config.encoding);
        listener.rawDecoders.set(conn, decoder);
      }
      socket._received(bytes.length);
      // node-ipc's socket has the encoding set: a read that completes no character
      // (part of a multi-byte one) publishes nothing.
      const data = decoder.decode(bytes);
      if (data.length > 0) server.publish('data', data, socket);
      socket._emitData(null, bytes);
      break;
    }
    case EVENT.END: {
      const socket = listener.facades.get(conn);
      if (socket) socket._markEnded();
      break;
    }
    case EVENT.CONNECTED: {
      const socket = new SocketFacade(listener.link, conn, parsePeer(text));
      socket.setEncoding(server.config.encoding);
      listener.facades.set(conn, socket);
      server.sockets.push(socket);
      server.log('## socket connection to server detected ##');
      server.publish('connect', socket);
      break;
    }
    case EVENT.DRAIN: {
      const socket = listener.facades.get(conn);
      if (socket) socket._drained();
      break;
    }
    case EVENT.ERROR: {
      const err = systemError(text, conn === 0 ? server.path : undefined);
      server.log(conn === 0 ? 'server error' : 'server socket error', err);
      server.publish('error', err);
      // As on node-ipc's net.Socket: its own 'error' listener publishes, then the user's.
      const socket = conn === 0 ? undefined : listener.facades.get(conn);
      if (socket) socket._error(err);
      break;
    }
    case EVENT.CLOSED: {
      const socket = listener.facades.get(conn);
      listener.facades.delete(conn);
      if (listener.rawDecoders) listener.rawDecoders.delete(conn);
      socket._markClosed();
      state.closing = socket;
      try {
        server.publish('close', closedWithError(detail));
      } finally {
        state.closing = null;
      }
      // node-ipc's 'close' listener came first; the user's socket listeners after it.
      socket._emitClose(closedWithError(detail));
      listener.facade._connectionClosed();
      break;
    }
    case EVENT.LISTENING:
      listener.facade._listening(listener.native.boundAddress());
      server.onStart(undefined);
      break;
    case EVENT.LISTEN_FAILED: {
      const err = systemError(text, server.path);
      listener.facade._listenFailed();
      server.log('server error', err);
      server.publish('error', err);
      break;
    }
    default:
      break;
  }
}

/**
 * node-ipc's internal `close` handler: drops the closed socket from `sockets` and
 * publishes socket.disconnected(socket, id || false). node-ipc picks "the first
 * non-readable socket"; this picks the socket that closed (Q16, same result).
 */
function socketClosed() {
  const state = this[STATE];
  const socket = state.closing;
  if (!socket) return;
  const index = this.sockets.indexOf(socket);
  if (index === -1) return;
  const destroyedSocketId = socket.id || false;
  // Logged as it is (the log joins it into the same text node-ipc's toString() gave), so
  // whatever an id holds, nothing is called on it.
  this.log('socket disconnected', destroyedSocketId);
  this.sockets.splice(index, 1);
  this.publish('socket.disconnected', socket, destroyedSocketId);
}

/** server.emit(socket, type, data): sends to one peer (CONTRACT §4.4). */
function emit(socket, type, data) {
  const config = this.config;
  if (!config.silent) this.log('dispatching event to socket', ' : ', type, data);
  let message;
  if (config.rawBuffer) {
    this.log(config.encoding);
    message = Buffer.from(type, config.encoding);
  } else {
    message = encodeFrame(type, data, this[STATE].delimiter);
  }
  if (this.udp4 || this.udp6) {
    udpEmit(this, this[STATE], socket, message, type, data);
    return;
  }
  socket.write(message);
}

/**
 * server.broadcast(type, data): the message is serialised once and fanned out by the
 * addon to every connection (CONTRACT §4.6).
 */
function broadcast(type, data) {
  const config = this.config;
  if (!config.silent) {
    this.log('broadcasting event to all known sockets listening to ', this.path, ' : ', this.port ? this.port : '', type, data);
  }
  const message = config.rawBuffer
    ? Buffer.from(type, config.encoding)
    : encodeFrame(type, data, this[STATE].delimiter);
  const state = this[STATE];
  if (this.udp4 || this.udp6) {
    // node-ipc sends UDP broadcasts to sockets[1..], and sockets only ever holds the
    // UDP socket itself at index 0: a UDP broadcast reaches nobody (Q17, kept).
    for (let i = 1; i < this.sockets.length; i++) udpEmit(this, state, this.sockets[i], message, type, data);
    return;
  }
  // One native fan-out when every socket belongs to the current listener (the usual
  // case); otherwise (sockets of an earlier start(), foreign streams) one write each.
  const listener = state.listener;
  if (listener && this.sockets.every((socket) => socket._link === listener.link)) {
    if (this.sockets.length > 0) listener.batch.push(BROADCAST, message);
    return;
  }
  for (let i = 0; i < this.sockets.length; i++) this.sockets[i].write(message);
}

module.exports = { Server };
