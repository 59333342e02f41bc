'use strict';
// `ipc.of[id]`: node-ipc's client with its reconnect state machine (CONTRACT §5).

const { installEventBus } = require('./event-bus');
const { encodeFrame } = require('./frame');
const { NativeClient, EVENT, framesPartial, framesLength, closedWithError } = require('./native');
const { SocketFacade } = require('./socket-facade');
const { SendQueue } = require('./send-queue');
const { WriteBatch, deliveringEvents } = require('./write-batch');
const { systemError } = require('./system-error');
const { localSocketPath } = require('./pipe-path');
const { clientTls } = require('./tls-options');
const { publishFrames, RawDecoder } = require('./receive');
const requests = require('./request-client');

/** Hidden per-client state (not an own enumerable key, so the shape matches node-ipc). */
const STATE = Symbol('node-ipc-native client state');

/** The connection id the addon uses for a client's only connection. */
const CONN = 1;

class Client {
  constructor(config, log) {
    installEventBus(this);
    this.emit = emit;
    this.Client = Client;
    this.config = config;
    this.queue = new SendQueue();
    this.socket = false;
    this.connect = connect;
    this.log = log;
    this.retriesRemaining = config.maxRetries || 0;
    this.explicitlyDisconnected = false;
    Object.defineProperty(this, STATE, {
      // The delimiter is captured per client (Q12 fix).
      value: { delimiter: config.delimiter, retryTimer: null },
    });
  }

  /** Request/response (docs/REQUEST.md): a Promise of the `type.reply` message's data. */
  request(type, data, options) {
    return requests.request(this, type, data, options);
  }
}

/** Sends a message (CONTRACT §5.2); dropped silently while disconnected (Q29). */
function emit(type, data) {
  const config = this.config;
  if (!config.silent) this.log('dispatching event to ', this.id, this.path, ' : ', type, ',', data);
  const message = config.rawBuffer
    ? Buffer.from(type, config.encoding)
    : encodeFrame(type, data, this[STATE].delimiter);
  if (!config.sync) {
    this.socket.write(message);
    return;
  }
  const client = this;
  this.queue.add(function syncEmit() {
    if (!client.config.silent) client.log('dispatching event to ', client.id, client.path, ' : ', message);
    client.socket.write(message);
  });
}

/** Starts one connection attempt (CONTRACT §5.3). Also callable by users. */
function connect() {
  const client = this;
  const config = client.config;
  client.log('requested connection to ', client.id, client.path);
  if (!client.path) {
    client.log('\n\n######\nerror: ', client.id, ' client has not specified socket path it wishes to connect to.');
    return;
  }
  const framing = {
    delimiter: client[STATE].delimiter,
    raw: Boolean(config.rawBuffer),
    maxMessageSize: config.maxMessageSize,
    maxQueuedBytes: config.maxQueuedBytes,
  };
  if (!client.port) {
    if (typeof client.path !== 'string') {
      const err = new TypeError(`The "path" argument must be of type string. Received ${typeof client.path}`);
      err.code = 'ERR_INVALID_ARG_TYPE';
      throw err;
    }
    client.log('Connecting client on Unix Socket :', client.path);
    const path = localSocketPath(client.path);
    const attempt = startAttempt(client, path);
    attempt.run(() => attempt.native.connectUnix(path, framing));
    return;
  }
  const host = client.path;
  const port = client.port;
  const options = { host, port, ...interfaceOptions(config) };
  const attempt = startAttempt(client, `${host}:${port}`);
  if (!config.tls) {
    client.log('Connecting client via TCP to', options);
  } else {
    client.log('Connecting client via TLS to', host, port, config.tls);
  }
  attempt.run(() => {
    const tcp = {
      framing,
      localAddress: options.localAddress || undefined,
      localPort: options.localPort || undefined,
      family: options.family || undefined,
      tls: config.tls ? clientTls(config.tls, options) : undefined,
    };
    if (typeof options.lookup !== 'function') {
      attempt.native.connectTcp(String(host), Number(port), tcp);
      return;
    }
    // A user lookup function (config.interface.lookup) resolves the host in JavaScript.
    options.lookup(host, { family: options.family || 0, hints: options.hints || 0 }, (err, address) => {
      if (err) {
        attempt.fail(err);
        return;
      }
      if (tcp.tls && !tcp.tls.servername) tcp.tls.servername = host;
      attempt.run(() => attempt.native.connectTcp(String(address), Number(port), tcp));
    });
  });
}

/**
 * Truthy `config.interface` fields; the documented spelling `config.interfaces` fills the
 * fields `interface` leaves false (Q2 fix).
 */
function interfaceOptions(config) {
  const primary = config.interface || {};
  const alias = config.interfaces || {};
  const out = {};
  for (const key of ['localAddress', 'localPort', 'family', 'hints', 'lookup']) {
    const value = primary[key] || alias[key];
    if (value) out[key] = value;
  }
  return out;
}

/**
 * One attempt: a NativeClient, its socket facade (as `client.socket`, synchronously, as
 * node-ipc sets it), and the wiring of its events into the client.
 */
function startAttempt(client, address) {
  const config = client.config;
  const rawDecoder = config.rawBuffer ? new RawDecoder(config.encoding) : null;
  let socket = null;
  let finished = false;
  const native = new NativeClient(deliveringEvents((kind, conn, text, bytes, detail) => {
    switch (kind) {
      case EVENT.FRAMES:
        if (socket.destroyed) break;
        socket._received(framesLength(detail));
        receiveFrames(client, socket, text, framesPartial(detail));
        socket._emitData(text, null);
        break;
      case EVENT.RAW: {
        // As with net.Socket, nothing more is read once the socket is destroyed.
        if (socket.destroyed) break;
        socket._received(bytes.length);
        // node-ipc's socket has the encoding set: a read that completes no character
        // (part of a multi-byte one) is no 'data' event at all.
        const data = rawDecoder.decode(bytes);
        if (data.length > 0) {
          if (!config.silent) client.log('## received events ##');
          client.publish('data', data);
          if (config.sync) client.queue.next();
        }
        socket._emitData(null, bytes);
        break;
      }
      case EVENT.CONNECTED:
        socket._markConnected(text);
        // node-ipc's own 'connect' listener came first; the user's socket listeners after.
        client.publish('connect');
        client.retriesRemaining = config.maxRetries;
        client.log('retrying reset');
        socket.emit('connect');
        socket.emit('ready');
        break;
      case EVENT.END:
        socket._markEnded();
        break;
      case EVENT.DRAIN:
        socket._drained();
        break;
      case EVENT.ERROR: {
        const err = systemError(text, address);
        reportError(client, err);
        socket._error(err);
        break;
      }
      case EVENT.CLOSED:
        finished = true;
        socket._markClosed();
        connectionClosed(client, socket, closedWithError(detail));
        break;
      default:
        break;
    }
  }));
  const batch = new WriteBatch((targets, chunks) => native.writeBatch(chunks), () => socket._congested());
  socket = new SocketFacade({
    write: (c, chunk) => batch.push(CONN, chunk),
    end: () => { batch.flush(); native.end(); },
    destroy: () => { batch.flush(); native.destroy(); },
    queued: () => native.queuedBytes() + batch.size,
    setNoDelay: (c, on) => native.setNoDelay(on),
    setKeepAlive: (c, on, secs) => native.setKeepAlive(on, secs),
    localAddress: () => native.localAddress(),
    tcpSettings: () => native.tcpSettings(),
  }, CONN, { connecting: true });
  socket.setEncoding(config.encoding);
  client.socket = socket;
  const attempt = {
    native,
    /** Runs a step that may throw (bad TLS files, bad options): a throw fails the attempt. */
    run(step) {
      try {
        step();
      } catch (err) {
        attempt.fail(err);
      }
    },
    /** Fails the attempt asynchronously: error, then the close handling (retry or destroy). */
    fail(err) {
      // Releases the addon's event function if the attempt never started.
      native.destroy();
      process.nextTick(() => {
        if (finished) return;
        finished = true;
        reportError(client, err);
        socket._error(err);
        socket._markClosed();
        connectionClosed(client, socket, true);
      });
    },
  };
  return attempt;
}

function reportError(client, err) {
  client.log('\n\n######\nerror: ', err);
  client.publish('error', err);
}

function receiveFrames(client, socket, run, partial) {
  if (socket.destroyed) return;
  const loud = !client.config.silent;
  if (loud) client.log('## received events ##');
  publishFrames(client, socket, run, client[STATE].delimiter, partial, (type, data) => {
    if (loud) client.log('detected event', type, data);
    requests.replyReceived(client, type, data);
    client.publish(type, data);
  });
  if (client.config.sync) client.queue.next();
}

/**
 * What happens after every closed connection or failed attempt (CONTRACT §5.3): node-ipc's
 * 'close' listener of the socket, then the user's.
 */
function connectionClosed(client, socket, hadError) {
  closeHandling(client);
  socket._emitClose(hadError);
}

function closeHandling(client) {
  const config = client.config;
  requests.connectionLost(client);
  client.log('connection closed', client.id, client.path,
    client.retriesRemaining, 'tries remaining of', config.maxRetries);
  if (config.stopRetrying || client.retriesRemaining < 1 || client.explicitlyDisconnected) {
    client.publish('disconnect');
    client.log(config.id, 'exceeded connection rety amount of', ' or stopRetrying flag set.');
    client.socket.destroy();
    client.publish('destroy');
    return;
  }
  const state = client[STATE];
  state.retryTimer = setTimeout(() => {
    state.retryTimer = null;
    if (client.explicitlyDisconnected) return;
    client.retriesRemaining--;
    client.connect();
  }, config.retry);
  client.publish('disconnect');
}

/**
 * Ends a client for good: no reconnect, pending retry cancelled (used by
 * `ipc.disconnect` and, for the Q7 fix, when `connectTo` replaces a client).
 */
function retire(client) {
  client.explicitlyDisconnected = true;
  const state = client[STATE];
  if (state.retryTimer) {
    clearTimeout(state.retryTimer);
    state.retryTimer = null;
  }
  if (client.socket && typeof client.socket.destroy === 'function') client.socket.destroy();
}

module.exports = { Client, retire };
