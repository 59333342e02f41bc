'use strict';
// Adapter for anything with node-ipc's API (node-ipc 9.2.1 itself and node-ipc-native):
// the singleton's serve/serveNet/connectTo/connectToNet, server.on/emit, of[id].on/emit.
// Used once per child.
//
// Adapter interface (shared with net.js):
//   listen(endpoint, types, { onMessage(type, data, peer), onPeerClose() })
//       -> Promise<{ endpoint, send(peer, type, data), close() }>
//   connect(endpoint, types, { onMessage(type, data), onClose() })
//       -> Promise<{ send(type, data), close() }>
// `types` lists the message types the scenario expects on that side.
//
// Endpoints (bench/lib/transports.js):
//   unix  ipc.serve(path)                 / ipc.connectTo(id, path)
//   tcp   ipc.serveNet(host, port)        / ipc.connectToNet(id, host, port)
//   udp   ipc.serveNet(host, port, 'udp4') on both peers; the "client" binds
//         endpoint.clientPort and emits to {address: host, port} with server.emit.

const SERVER_ID = 'nipcbench';

function unsupported(endpoint) {
  return new Error(`transport ${endpoint.kind} is not supported by this adapter`);
}

function configure(ipc) {
  ipc.config.silent = true;
  ipc.config.id = SERVER_ID;
  ipc.config.retry = 100;
  // Only the first connection attempt matters; a lost connection fails the run.
  ipc.config.maxRetries = 0;
  ipc.config.stopRetrying = true;
}

function stopServer(server) {
  try { server.stop(); } catch (_) { /* closing anyway */ }
}

/**
 * A UDP peer bound to host:port. Resolves once the socket is bound: both
 * implementations publish `connect` on the server when the dgram socket is listening
 * (`start` comes earlier, right after the bind is issued).
 */
function udpPeer(ipc, host, port, types, onMessage) {
  return new Promise((resolve, reject) => {
    ipc.serveNet(host, port, 'udp4', () => {});
    const server = ipc.server;
    for (const type of types) server.on(type, (data, rinfo) => onMessage(type, data, rinfo));
    let bound = false;
    server.on('connect', () => {
      if (bound) return;
      bound = true;
      resolve(server);
    });
    server.on('error', (err) => { if (!bound) reject(err); });
    server.start();
  });
}

function makeIpcAdapter(load) {
  return {
    listen(endpoint, types, handlers) {
      const ipc = load();
      configure(ipc);
      if (endpoint.kind === 'udp') {
        return udpPeer(ipc, endpoint.host, endpoint.port, types, handlers.onMessage).then((server) => ({
          endpoint,
          send: (rinfo, type, data) => server.emit(rinfo, type, data),
          close: () => stopServer(server),
        }));
      }
      return new Promise((resolve, reject) => {
        const started = () => {
          const server = ipc.server;
          for (const type of types) {
            server.on(type, (data, socket) => handlers.onMessage(type, data, socket));
          }
          server.on('socket.disconnected', () => handlers.onPeerClose());
          resolve({
            endpoint,
            send: (socket, type, data) => server.emit(socket, type, data),
            close: () => stopServer(server),
          });
        };
        if (endpoint.kind === 'unix') {
          ipc.serve(endpoint.path, started);
        } else if (endpoint.kind === 'tcp') {
          ipc.serveNet(endpoint.host, endpoint.port, started);
        } else {
          reject(unsupported(endpoint));
          return;
        }
        ipc.server.on('error', reject);
        ipc.server.start();
      });
    },

    connect(endpoint, types, handlers) {
      const ipc = load();
      configure(ipc);
      if (endpoint.kind === 'udp') {
        const target = { address: endpoint.host, port: endpoint.port };
        return udpPeer(ipc, endpoint.host, endpoint.clientPort, types, (type, data) => handlers.onMessage(type, data))
          .then((server) => ({
            send: (type, data) => server.emit(target, type, data),
            close: () => stopServer(server),
          }));
      }
      return new Promise((resolve, reject) => {
        let connected = false;
        let closing = false;
        const onClient = () => {
          const client = ipc.of[SERVER_ID];
          for (const type of types) client.on(type, (data) => handlers.onMessage(type, data));
          client.on('error', (err) => { if (!connected) reject(err); });
          client.on('disconnect', () => {
            if (!connected) reject(new Error('could not connect'));
            else if (!closing) handlers.onClose();
          });
          client.on('connect', () => {
            if (connected) return;
            connected = true;
            resolve({
              send: (type, data) => client.emit(type, data),
              close: () => { closing = true; ipc.disconnect(SERVER_ID); },
            });
          });
        };
        if (endpoint.kind === 'unix') {
          ipc.connectTo(SERVER_ID, endpoint.path, onClient);
        } else if (endpoint.kind === 'tcp') {
          ipc.connectToNet(SERVER_ID, endpoint.host, endpoint.port, onClient);
        } else {
          reject(unsupported(endpoint));
        }
      });
    },
  };
}

module.exports = { makeIpcAdapter };
