'use strict';
// UDP endpoints (CONTRACT §4.7, §6.7): `serveNet(..., 'udp4' | 'udp6')` servers, which every
// UDP peer is. Each datagram is handled on its own; handlers get an rinfo-like object
// ({address, family, port, size}) that is directly usable as an emit target.

const { EventEmitter } = require('events');
const { NativeUdp, EVENT, datagramPort } = require('./native');
const { systemError } = require('./system-error');
const { LARGE_MESSAGE_LOG, publishFrames, peerId } = require('./receive');
const { deliveringEvents } = require('./write-batch');
const { parseAddress } = require('./socket-facade');

/** Stands where node-ipc exposed its dgram socket: `server.server` and `server.sockets[0]`. */
class UdpSocketFacade extends EventEmitter {
  constructor(native) {
    super();
    Object.defineProperty(this, '_native', { value: native });
    this._bound = null;
  }

  /** {address, family, port} once bound. */
  address() {
    return this._bound;
  }

  close(callback) {
    if (typeof callback === 'function') this.once('close', callback);
    this._native.close();
    return this;
  }

  ref() { this._native.setRef(true); return this; }
  unref() { this._native.setRef(false); return this; }
}

/** server.start() for UDP: `start` is published right after the bind is issued (Q32). */
function startUdp(server, state) {
  const config = server.config;
  const family = server.udp4 ? 4 : 6;
  const native = new NativeUdp(deliveringEvents((kind, conn, text, bytes, detail) => {
    onUdpEvent(server, state, kind, text, bytes, detail);
  }));
  const socket = new UdpSocketFacade(native);
  state.udp = native;
  state.udpSocket = socket;
  server.server = socket;
  server.server.maxConnections = config.maxConnections;
  server.log('starting server as', server.udp4 ? 'udp4' : 'udp6');
  native.bind(String(server.path), Number(server.port), family, config.maxQueuedBytes);
  server.onStart({ address: server.path, port: server.port });
}

function onUdpEvent(server, state, kind, text, bytes, detail) {
  const socket = state.udpSocket;
  switch (kind) {
    case EVENT.DATAGRAM:
      receiveDatagram(server, state, text, bytes, datagramPort(detail));
      break;
    case EVENT.LISTENING: {
      // Where the socket is bound (the port the system chose for port 0), as dgram says.
      const bound = state.udp.boundAddress();
      socket._bound = bound
        ? parseAddress(bound)
        : { address: String(server.path), family: server.udp4 ? 'IPv4' : 'IPv6', port: Number(server.port) };
      server.sockets.push(socket);
      server.log('## socket connection to server detected ##');
      server.publish('connect', socket);
      break;
    }
    case EVENT.LISTEN_FAILED: {
      const err = systemError(text);
      server.log('server error', err);
      server.publish('error', err);
      break;
    }
    case EVENT.ERROR: {
      // A failed send is an error event, not an uncaught TypeError as in 9.x (Q18).
      const err = systemError(text);
      server.log('error writing data to socket', err);
      server.publish('error', err);
      break;
    }
    case EVENT.CLOSED:
      state.closing = socket;
      try {
        server.publish('close', undefined);
      } finally {
        state.closing = null;
      }
      socket.emit('close');
      break;
    default:
      break;
  }
}

function receiveDatagram(server, state, address, bytes, port) {
  const config = server.config;
  const rinfo = { address, family: address.includes(':') ? 'IPv6' : 'IPv4', port, size: bytes.length };
  const loud = !config.silent;
  if (loud) server.log('Received UDP message from ', address, port);
  // Decoded with config.encoding, as stream sockets are (9.x always used UTF-8: Q19).
  const text = bytes.toString(config.encoding);
  if (config.rawBuffer) {
    server.publish('data', Buffer.from(text, config.encoding), rinfo);
    return;
  }
  const delimiter = state.delimiter;
  if (!text.endsWith(delimiter)) {
    // A datagram is complete by itself: without a final delimiter it is dropped (Q39).
    if (loud) server.log(LARGE_MESSAGE_LOG);
    return;
  }
  publishFrames(server, null, text, delimiter, false, (type, data) => {
    const id = peerId(data);
    if (id !== undefined) rinfo.id = id;
    if (loud) server.log('received event of : ', type, data);
    server.publish(type, data, rinfo);
  });
}

/** server.emit(target, ...) over UDP: one datagram to target.address:target.port. */
function udpEmit(server, state, target, message, type, data) {
  if (!target || !target.address || !target.port) {
    server.log('Attempting to emit to a single UDP socket without supplying socket address or port. Redispatching event as broadcast to all connected sockets');
    server.broadcast(type, data);
    return;
  }
  const payload = Buffer.from(message, server.config.encoding);
  state.udp.send(String(target.address), Number(target.port), payload);
}

module.exports = { startUdp, udpEmit, UdpSocketFacade };
