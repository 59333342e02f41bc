'use strict';
// Adapter for anything with node-ipc's API (node-ipc-native, node-ipc 9.2.1, node-ipc 14):
// the singleton's serve/serveNet/connectTo/connectToNet/disconnect, server.on/emit/
// broadcast, of[id].on/emit. Only the public API is used. Used once per child (a churn
// client connects and disconnects the same id many times in one process).
//
// Adapter interface (shared with net.js):
//   listen(endpoint, types, { onMessage(type, data, peer), onPeerClose(peer) })
//       -> Promise<{ endpoint, send(peer, type, data), broadcast(type, data), close() }>
//   connect(endpoint, types, { onMessage(type, data), onClose() })
//       -> Promise<{ send(type, data), close() }>
// `types` lists the message types the scenario expects on that side. handlers.config:
// ipc.config keys the scenario sets (scenario.config); handlers.onError(err): an error
// on the client's connection once connected (it fails the run with its own message).
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

function configureCommon(ipc) {
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
 * A UDP peer bound to host:port. Resolves once the socket is bound: every
 * implementation publishes `connect` on the server when the dgram socket is listening
 * (`start` comes earlier in 9.x, right after the bind is issued).
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

/**
 * @param {() => object | Promise<object>} load  returns the node-ipc singleton
 * @param {(ipc, endpoint) => void} [configure]  implementation-specific settings
 * @param {{dataListeners?: boolean}} [options]  dataListeners: every socket (server and
 *   client side) gets a 'data' listener, as code that watches raw traffic has
 */
function makeIpcAdapter(load, configure = () => {}, options = {}) {
  const listenData = (socket) => socket.on('data', () => {});
  async function setup(endpoint, handlers) {
    const ipc = await load();
    configureCommon(ipc);
    configure(ipc, endpoint);
    // What the scenario sets as any program would (keys an implementation does not
    // know are ignored by it).
    Object.assign(ipc.config, handlers.config || {});
    return ipc;
  }

  return {
    async listen(endpoint, types, handlers) {
      const ipc = await setup(endpoint, handlers);
      if (endpoint.kind === 'udp') {
        const server = await udpPeer(ipc, endpoint.host, endpoint.port, types, handlers.onMessage);
        return {
          endpoint,
          send: (rinfo, type, data) => server.emit(rinfo, type, data),
          broadcast: (type, data) => server.broadcast(type, data),
          close: () => stopServer(server),
        };
      }
      return new Promise((resolve, reject) => {
        const started = () => {
          const server = ipc.server;
          for (const type of types) {
            server.on(type, (data, socket) => handlers.onMessage(type, data, socket));
          }
          server.on('socket.disconnected', (socket) => handlers.onPeerClose(socket));
          if (options.dataListeners) server.on('connect', listenData);
          resolve({
            endpoint,
            send: (socket, type, data) => server.emit(socket, type, data),
            broadcast: (type, data) => server.broadcast(type, data),
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

    async connect(endpoint, types, handlers) {
      const ipc = await setup(endpoint, handlers);
      if (endpoint.kind === 'udp') {
        const target = { address: endpoint.host, port: endpoint.port };
        const server = await udpPeer(ipc, endpoint.host, endpoint.clientPort, types, (type, data) => handlers.onMessage(type, data));
        return {
          send: (type, data) => server.emit(target, type, data),
          close: () => stopServer(server),
        };
      }
      return new Promise((resolve, reject) => {
        let connected = false;
        let closing = false;
        const onClient = () => {
          const client = ipc.of[SERVER_ID];
          for (const type of types) client.on(type, (data) => handlers.onMessage(type, data));
          client.on('error', (err) => {
            if (!connected) reject(err);
            else if (!closing && handlers.onError) handlers.onError(err);
          });
          client.on('disconnect', () => {
            if (!connected) reject(new Error('could not connect'));
            else if (!closing) handlers.onClose();
          });
          client.on('connect', () => {
            if (connected) return;
            connected = true;
            if (options.dataListeners) listenData(client.socket);
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

module.exports = { makeIpcAdapter, SERVER_ID };
