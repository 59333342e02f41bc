'use strict';
// The floor: a minimal client/server on node:net (Unix sockets, TCP) and node:dgram
// (UDP) speaking node-ipc's framing, JSON.stringify({type, data}) + '\f'. Streams are
// split on '\f' with the remainder kept for the next chunk, JSON.parse per frame; a
// datagram is one or more whole frames. No events library, no logging, no queue.
// server.broadcast = one encode, one write per connected socket.
// Socket options are Node's defaults (as in node-ipc 9.2.1: no setNoDelay on TCP).

const dgram = require('dgram');
const net = require('net');

const DELIMITER = '\f';

function encode(type, data) {
  return JSON.stringify({ type, data }) + DELIMITER;
}

/**
 * Attaches the decoder to a socket; calls onFrame(type, data) per frame. Only the new
 * chunk is searched for delimiters; an incomplete frame is kept (string concatenation)
 * until the chunk that completes it, so a large frame costs linear time.
 */
function decodeFrom(socket, onFrame) {
  socket.setEncoding('utf8');
  let rest = '';
  const deliver = (frame) => {
    const message = JSON.parse(frame);
    onFrame(message.type, message.data);
  };
  socket.on('data', (chunk) => {
    let end = chunk.indexOf(DELIMITER);
    if (end === -1) {
      rest += chunk;
      return;
    }
    const first = rest + chunk.slice(0, end);
    rest = '';
    deliver(first);
    let start = end + 1;
    while ((end = chunk.indexOf(DELIMITER, start)) !== -1) {
      deliver(chunk.slice(start, end));
      start = end + 1;
    }
    if (start < chunk.length) rest = chunk.slice(start);
  });
}

function unsupported(endpoint) {
  return new Error(`transport ${endpoint.kind} is not supported by the net floor`);
}

function listenArgs(endpoint) {
  if (endpoint.kind === 'unix') return { path: endpoint.path };
  if (endpoint.kind === 'tcp') return { host: endpoint.host, port: endpoint.port };
  throw unsupported(endpoint);
}

function connectArgs(endpoint) {
  if (endpoint.kind === 'unix') return { path: endpoint.path };
  if (endpoint.kind === 'tcp') return { host: endpoint.host, port: endpoint.port };
  throw unsupported(endpoint);
}

/** A udp4 socket bound to host:port; onFrame(type, data, rinfo) per frame of each datagram. */
function udpPeer(host, port, onFrame) {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket('udp4');
    let bound = false;
    socket.on('error', (err) => { if (!bound) reject(err); });
    socket.on('message', (msg, rinfo) => {
      const text = msg.toString('utf8');
      if (!text.endsWith(DELIMITER)) return; // not a whole message: dropped, as node-ipc does
      const frames = text.split(DELIMITER);
      frames.pop();
      for (let i = 0; i < frames.length; i++) {
        const message = JSON.parse(frames[i]);
        onFrame(message.type, message.data, rinfo);
      }
    });
    socket.bind({ address: host, port }, () => {
      bound = true;
      resolve(socket);
    });
  });
}

function udpSend(socket, address, port, type, data) {
  socket.send(Buffer.from(encode(type, data), 'utf8'), port, address);
}

function closeQuietly(socket) {
  try { socket.close(); } catch (_) { /* already closed */ }
}

module.exports = {
  key: 'net',
  label: 'net (raw floor)',
  short: 'net',
  version: process.version,
  transports: ['unix', 'tcp', 'udp'],

  listen(endpoint, types, handlers) {
    if (endpoint.kind === 'udp') {
      return udpPeer(endpoint.host, endpoint.port, handlers.onMessage).then((socket) => ({
        endpoint,
        send: (rinfo, type, data) => udpSend(socket, rinfo.address, rinfo.port, type, data),
        broadcast: () => { throw new Error('no broadcast over UDP'); },
        close: () => closeQuietly(socket),
      }));
    }
    return new Promise((resolve, reject) => {
      const sockets = new Set();
      const server = net.createServer((socket) => {
        sockets.add(socket);
        decodeFrom(socket, (type, data) => handlers.onMessage(type, data, socket));
        socket.on('error', () => {});
        socket.on('close', () => { sockets.delete(socket); handlers.onPeerClose(socket); });
      });
      server.on('error', reject);
      server.listen(listenArgs(endpoint), () => {
        resolve({
          endpoint,
          send: (socket, type, data) => socket.write(encode(type, data)),
          broadcast: (type, data) => {
            const frame = encode(type, data);
            for (const s of sockets) s.write(frame);
          },
          close: () => {
            server.close();
            for (const s of sockets) s.destroy();
          },
        });
      });
    });
  },

  connect(endpoint, types, handlers) {
    if (endpoint.kind === 'udp') {
      return udpPeer(endpoint.host, endpoint.clientPort, (type, data) => handlers.onMessage(type, data)).then((socket) => ({
        send: (type, data) => udpSend(socket, endpoint.host, endpoint.port, type, data),
        close: () => closeQuietly(socket),
      }));
    }
    return new Promise((resolve, reject) => {
      let connected = false;
      let closing = false;
      const socket = net.connect(connectArgs(endpoint));
      decodeFrom(socket, (type, data) => handlers.onMessage(type, data));
      socket.on('error', (err) => {
        if (!connected) reject(err);
        else if (!closing && handlers.onError) handlers.onError(err);
      });
      socket.on('close', () => { if (connected && !closing) handlers.onClose(); });
      socket.on('connect', () => {
        connected = true;
        resolve({
          send: (type, data) => socket.write(encode(type, data)),
          close: () => { closing = true; socket.destroy(); },
        });
      });
    });
  },
};
