'use strict';
// Adapter for anything with node-ipc's API (node-ipc 9.2.1 itself and node-ipc-native):
// the singleton's serve/connectTo, server.on/emit, of[id].on/emit. Used once per child.
//
// Adapter interface (shared with net.js):
//   listen(endpoint, types, { onMessage(type, data, peer), onPeerClose() })
//       -> Promise<{ endpoint, send(peer, type, data), close() }>
//   connect(endpoint, types, { onMessage(type, data), onClose() })
//       -> Promise<{ send(type, data), close() }>
// `types` lists the message types the scenario expects on that side.

const SERVER_ID = 'nipcbench';

function unsupported(endpoint) {
  return new Error(`transport ${endpoint.kind} is not supported by this adapter yet`);
}

function configure(ipc) {
  ipc.config.silent = true;
  ipc.config.id = SERVER_ID;
  ipc.config.retry = 100;
  // Only the first connection attempt matters; a lost connection fails the run.
  ipc.config.maxRetries = 0;
  ipc.config.stopRetrying = true;
}

function makeIpcAdapter(load) {
  return {
    listen(endpoint, types, handlers) {
      const ipc = load();
      configure(ipc);
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
            close: () => { try { server.stop(); } catch (_) { /* closing anyway */ } },
          });
        };
        if (endpoint.kind === 'unix') {
          ipc.serve(endpoint.path, started);
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
      return new Promise((resolve, reject) => {
        if (endpoint.kind !== 'unix') {
          reject(unsupported(endpoint));
          return;
        }
        let connected = false;
        let closing = false;
        ipc.connectTo(SERVER_ID, endpoint.path, () => {
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
        });
      });
    },
  };
}

module.exports = { makeIpcAdapter };
