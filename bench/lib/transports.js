'use strict';
// Where a server listens. An endpoint is a plain JSON object handed to the children:
//   { kind: 'unix', path }                     path = os.tmpdir()/nipc-bench-<parent pid>/<n>.sock
//   { kind: 'tcp', host: '127.0.0.1', port }
//   { kind: 'udp', host: '127.0.0.1', port, clientPort }   (both peers bind a port)
// The server child reports the endpoint it actually listens on in its `ready` message
// and the client is given that one.
//
// TCP and UDP ports are chosen here, in the parent, and probed free: node-ipc's
// serveNet (and node-ipc-native's, which copies it) treats port 0 as "not given" and
// falls back to config.networkPort (8000), so an ephemeral port cannot be asked for.
// Ports are drawn from 20000..32767, below Linux's default ephemeral range
// (32768..60999), so that the outgoing side of a connection never takes one of them
// between the probe and the bind.

const dgram = require('dgram');
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');

const HOST = '127.0.0.1';
const PORT_MIN = 20000;
const PORT_MAX = 32767;
const PROBE_TRIES = 50;

let seq = 0;
let socketDir = null; // private, owner-only directory of this parent's Unix sockets

/**
 * The directory every implementation's Unix socket files go in: os.tmpdir()/nipc-bench-<pid>,
 * mode 0700, created on first use and removed by removeSocketDir(). It is also the
 * configured socketRoot of node-ipc 14 (which insists on an owner-only root for paths
 * inside it), so all implementations bind exactly the same path.
 */
function ensureSocketDir() {
  if (socketDir === null) {
    const dir = path.join(os.tmpdir(), `nipc-bench-${process.pid}`);
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    fs.chmodSync(dir, 0o700);
    socketDir = dir;
  }
  return socketDir;
}

/** Removes the socket directory and anything left in it (synchronous: runs on exit). */
function removeSocketDir() {
  if (socketDir === null) return;
  try { fs.rmSync(socketDir, { recursive: true, force: true }); } catch (_) { /* best effort */ }
  socketDir = null;
}
const recent = []; // ports handed out lately, not handed out again at once

function candidate() {
  for (;;) {
    const port = PORT_MIN + Math.floor(Math.random() * (PORT_MAX - PORT_MIN + 1));
    if (!recent.includes(port)) return port;
  }
}

function remember(port) {
  recent.push(port);
  if (recent.length > 64) recent.shift();
}

/** Resolves true if a TCP listener can bind HOST:port right now. */
function tcpFree(port) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ host: HOST, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** Resolves true if a udp4 socket can bind HOST:port right now. */
function udpFree(port) {
  return new Promise((resolve) => {
    const socket = dgram.createSocket('udp4');
    socket.once('error', () => { socket.close(); resolve(false); });
    socket.bind({ address: HOST, port, exclusive: true }, () => socket.close(() => resolve(true)));
  });
}

async function freePort(probe) {
  for (let k = 0; k < PROBE_TRIES; k++) {
    const port = candidate();
    // eslint-disable-next-line no-await-in-loop
    if (await probe(port)) {
      remember(port);
      return port;
    }
  }
  throw new Error(`no free port found on ${HOST} in ${PORT_MIN}..${PORT_MAX} after ${PROBE_TRIES} tries`);
}

const transports = {
  unix: {
    name: 'unix',
    label: 'Unix sockets',
    stream: true,
    /** A fresh endpoint for one run (may return a promise); `release` removes whatever it left behind. */
    allocate() {
      seq += 1;
      const file = path.join(ensureSocketDir(), `${seq}.sock`);
      try { fs.unlinkSync(file); } catch (_) { /* not there */ }
      return { kind: 'unix', path: file };
    },
    release(endpoint) {
      try { fs.unlinkSync(endpoint.path); } catch (_) { /* already gone */ }
    },
  },
  tcp: {
    name: 'tcp',
    label: 'TCP on loopback',
    stream: true,
    async allocate() {
      return { kind: 'tcp', host: HOST, port: await freePort(tcpFree) };
    },
    release() {},
  },
  udp: {
    name: 'udp',
    label: 'UDP on loopback',
    stream: false,
    /** Both peers of a UDP scenario bind a port: the receiver (server) and the sender (client). */
    async allocate() {
      const port = await freePort(udpFree);
      let clientPort = await freePort(udpFree);
      while (clientPort === port) clientPort = await freePort(udpFree); // eslint-disable-line no-await-in-loop
      return { kind: 'udp', host: HOST, port, clientPort };
    },
    release() {},
  },
};

/** Transports selectable with --transport (the stream ones; udp comes with udploss). */
const STREAM_TRANSPORTS = Object.keys(transports).filter((k) => transports[k].stream);

module.exports = { transports, STREAM_TRANSPORTS, ALL_TRANSPORTS: Object.keys(transports), removeSocketDir };
