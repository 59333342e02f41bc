'use strict';
// The floor: a minimal client/server on node:net speaking node-ipc's framing,
// JSON.stringify({type, data}) + '\f', split on '\f' with the remainder kept for the
// next chunk, JSON.parse per frame. No events library, no logging, no queue.

const net = require('net');

const DELIMITER = '\f';

function encode(type, data) {
  return JSON.stringify({ type, data }) + DELIMITER;
}

/** Attaches the decoder to a socket; calls onFrame(type, data) per frame. */
function decodeFrom(socket, onFrame) {
  socket.setEncoding('utf8');
  let rest = '';
  socket.on('data', (chunk) => {
    const frames = (rest + chunk).split(DELIMITER);
    rest = frames.pop();
    for (let i = 0; i < frames.length; i++) {
      const message = JSON.parse(frames[i]);
      onFrame(message.type, message.data);
    }
  });
}

function listenArgs(endpoint) {
  if (endpoint.kind === 'unix') return { path: endpoint.path };
  throw new Error(`transport ${endpoint.kind} is not supported by the net floor yet`);
}

module.exports = {
  key: 'net',
  label: 'net (raw floor)',
  short: 'net',
  version: process.version,
  transports: ['unix'],

  listen(endpoint, types, handlers) {
    return new Promise((resolve, reject) => {
      const sockets = new Set();
      const server = net.createServer((socket) => {
        sockets.add(socket);
        decodeFrom(socket, (type, data) => handlers.onMessage(type, data, socket));
        socket.on('error', () => {});
        socket.on('close', () => { sockets.delete(socket); handlers.onPeerClose(); });
      });
      server.on('error', reject);
      server.listen(listenArgs(endpoint), () => {
        resolve({
          endpoint,
          send: (socket, type, data) => socket.write(encode(type, data)),
          close: () => {
            server.close();
            for (const s of sockets) s.destroy();
          },
        });
      });
    });
  },

  connect(endpoint, types, handlers) {
    return new Promise((resolve, reject) => {
      if (endpoint.kind !== 'unix') {
        reject(new Error(`transport ${endpoint.kind} is not supported by the net floor yet`));
        return;
      }
      let connected = false;
      let closing = false;
      const socket = net.connect({ path: endpoint.path });
      decodeFrom(socket, (type, data) => handlers.onMessage(type, data));
      socket.on('error', (err) => { if (!connected) reject(err); });
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
