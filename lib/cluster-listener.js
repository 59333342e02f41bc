'use strict';
// Listening in a Node cluster worker. Cluster shares one listening socket among workers
// only for sockets of Node's own `net` module: a worker's `net.Server.listen` asks the
// primary, which listens once and hands each accepted connection to one worker. So in a
// worker the listening goes through `net`, and every connection it is given is handed to
// the addon by its descriptor (the addon works on a duplicate; Node's socket, which never
// read a byte, is then closed). Everything after the accept is the addon's, as usual.
//
// Windows handles have no descriptor to hand over: there workers listen themselves.

const net = require('net');

/** Whether listening should go through cluster's shared listener. */
function sharedByCluster() {
  if (process.platform === 'win32') return false;
  // Loaded only when asked: a process that never forks pays nothing for it.
  return require('cluster').isWorker === true;
}

/**
 * Listens through `net` (so through the primary) and feeds accepted connections to a
 * native server started with `serveAdopted`.
 * @param {object} native  NativeServer
 * @param {{path?: string, host?: string, port?: number, readableAll?: boolean,
 *   writableAll?: boolean}} where
 * @param {{listening: () => void, failed: (err: Error) => void, error: (err: Error) => void}} on
 * @returns {net.Server}
 */
function listenShared(native, where, on) {
  const tcp = where.path === undefined;
  const shared = net.createServer({ pauseOnConnect: true });
  shared.on('connection', (socket) => {
    const fd = socket._handle ? socket._handle.fd : -1;
    try {
      native.adoptSocket(fd, tcp);
    } catch (err) {
      on.error(adoptError(err));
    } finally {
      socket.destroy();
    }
  });
  shared.once('listening', () => on.listening());
  shared.on('error', (err) => {
    if (shared.listening) on.error(err);
    else on.failed(err);
  });
  if (tcp) shared.listen({ host: where.host, port: where.port });
  else shared.listen({ path: where.path, readableAll: where.readableAll, writableAll: where.writableAll });
  return shared;
}

function adoptError(err) {
  const out = new Error(`could not serve a connection from the cluster: ${err.message}`);
  out.code = 'ERR_IPC_ADOPT';
  return out;
}

module.exports = { sharedByCluster, listenShared };
