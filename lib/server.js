'use strict';
// `ipc.server`: node-ipc's server (spec §4), listening through the addon.

const { installEventBus } = require('./event-bus');
const { encodeFrame } = require('./frame');
const { NativeServer, EVENT } = require('./native');
const { SocketFacade } = require('./socket-facade');
const { WriteBatch } = require('./write-batch');
const { systemError } = require('./system-error');
const { publishFrames, RawDecoder } = require('./receive');
const { ListenerFacade } = require('./listener-facade');

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
      value: { delimiter: config.delimiter, native: null, batch: null, closing: null },
    });
    // Registered first, as in node-ipc, so users see socket.disconnected before close.
    this.on('close', socketClosed);
  }

  /** Publishes `start` (node-ipc's internal hook, public there too). */
  onStart(info) {
    this.trigger('start', info);
  }

  /** Stops accepting connections; accepted ones stay open (Q42). */
  stop() {
    this.server.close();
  }

  /** Starts listening (spec §4.2). */
  start() {
    if (!this.path) {
      this.log('Socket Server Path not specified, refusing to start');
      return;
    }
    const config = this.config;
    this.log('starting server on ', this.path, this.port ? `:${this.port}` : '');
    this.log('starting TLS server', config.tls);
    this.log('starting server as', 'Unix || Windows Socket');
    const state = this[STATE];
    const native = new NativeServer((kind, conn, text, bytes, flag) => {
      onNativeEvent(this, kind, conn, text, bytes, flag);
    });
    const batch = new WriteBatch((targets, chunks) => native.writeBatch(targets, chunks));
    state.native = native;
    state.batch = batch;
    state.link = {
      write: (conn, chunk) => batch.push(conn, chunk),
      end: (conn) => { batch.flush(); native.end(conn); },
      destroy: (conn) => { batch.flush(); native.destroy(conn); },
      queued: (conn) => native.queuedBytes(conn),
    };
    state.facades = new Map();
    state.rawDecoders = config.rawBuffer ? new Map() : null;
    native.listenUnix(String(this.path), {
      framing: {
        delimiter: state.delimiter,
        raw: Boolean(config.rawBuffer),
        maxMessageSize: config.maxMessageSize,
      },
      maxConnections: maxConnectionsOption(config.maxConnections),
      unlink: Boolean(config.unlink),
      readableAll: Boolean(config.readableAll),
      writableAll: Boolean(config.writableAll),
    });
    this.server = new ListenerFacade(native, this.path, this);
    this.server.maxConnections = config.maxConnections;
  }
}

function maxConnectionsOption(value) {
  const n = Number(value);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

function onNativeEvent(server, kind, conn, text, bytes, flag) {
  const state = server[STATE];
  switch (kind) {
    case EVENT.FRAMES: {
      const socket = state.facades.get(conn);
      const loud = !server.config.silent;
      publishFrames(server, text, state.delimiter, flag === 1, (message) => {
        const data = message.data;
        if (data && data.id) socket.id = data.id;
        if (loud) server.log('received event of : ', message.type, data);
        server.publish(message.type, data, socket);
      });
      break;
    }
    case EVENT.RAW: {
      const socket = state.facades.get(conn);
      let decoder = state.rawDecoders.get(conn);
      if (!decoder) {
        decoder = new RawDecoder(server.config.encoding);
        state.rawDecoders.set(conn, decoder);
      }
      server.publish('data', decoder.decode(bytes), socket);
      break;
    }
    case EVENT.CONNECTED: {
      const socket = new SocketFacade(state.link, conn, remoteOf(text));
      socket.setEncoding(server.config.encoding);
      state.facades.set(conn, socket);
      server.sockets.push(socket);
      server.log('## socket connection to server detected ##');
      server.publish('connect', socket);
      break;
    }
    case EVENT.ERROR: {
      const err = systemError(text, conn === 0 ? server.path : undefined);
      server.log(conn === 0 ? 'server error' : 'server socket error', err);
      server.publish('error', err);
      break;
    }
    case EVENT.CLOSED: {
      const socket = state.facades.get(conn);
      state.facades.delete(conn);
      if (state.rawDecoders) state.rawDecoders.delete(conn);
      socket._markClosed(flag === 1);
      state.closing = socket;
      try {
        server.publish('close', flag === 1);
      } finally {
        state.closing = null;
      }
      server.server._connectionClosed();
      break;
    }
    case EVENT.LISTENING:
      server.server._listening();
      server.onStart(undefined);
      break;
    case EVENT.LISTEN_FAILED: {
      const err = systemError(text, server.path);
      server.server._listenFailed();
      server.log('server error', err);
      server.publish('error', err);
      break;
    }
    default:
      break;
  }
}

function remoteOf(peer) {
  if (!peer) return {};
  const at = peer.lastIndexOf(':');
  return { remoteAddress: peer.slice(0, at).replace(/^\[|\]$/g, ''), remotePort: Number(peer.slice(at + 1)) };
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
  this.log('socket disconnected', destroyedSocketId.toString());
  this.sockets.splice(index, 1);
  this.publish('socket.disconnected', socket, destroyedSocketId);
}

/** server.emit(socket, type, data): sends to one peer (spec §4.4). */
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
  socket.write(message);
}

/**
 * server.broadcast(type, data): the message is serialised once and fanned out by the
 * addon to every connection (spec §4.6).
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
  if (state.batch && this.sockets.every((s) => s instanceof SocketFacade)) {
    if (this.sockets.length > 0) state.batch.push(BROADCAST, message);
    return;
  }
  for (let i = 0; i < this.sockets.length; i++) this.sockets[i].write(message);
}

module.exports = { Server };
