'use strict';
// `node-ipc-native listen`: serves the target with ipc.serve / ipc.serveNet and prints
// every message received (format-message.js), answers requests of type `ping` with their
// data (ipc.server.handle), so `ping` and `bench` have a peer, and stops on SIGINT or
// SIGTERM (or after --count messages): the server is stopped, which removes the socket
// file, its connections are closed, and the exit status is 0.

const { COMMON_OPTIONS, COMMON_HELP } = require('./common');
const { TARGET_OPTIONS, targetHelp, resolveTarget, applyTarget, describeTarget, hostPort } = require('./target');
const { CliError } = require('./errors');
const { listenFailure, shortCause } = require('./describe-error');
const { formatMessage, peerTag } = require('./format-message');
const { setupIpc } = require('./ipc');
const { onStopSignal } = require('./signals');
const output = require('./output');

/** How long a stopped listener may take to close its connections before it exits anyway. */
const FORCE_EXIT_MS = 2000;

const options = {
  ...COMMON_OPTIONS,
  ...TARGET_OPTIONS,
  json: { type: 'boolean' },
  timestamps: { type: 'boolean' },
  quiet: { type: 'boolean' },
  count: { type: 'integer', min: 1, value: 'N' },
};

const help = [
  'Usage: node-ipc-native listen [options]',
  '',
  'Serves a socket and prints every message it receives, one line each, on stdout:',
  '  PEER TYPE DATA     PEER is #N (the Nth connection) on a Unix socket, #N HOST:PORT',
  '                     over TCP, HOST:PORT (the sender) over UDP; DATA is JSON',
  'Requests of type "ping" are answered with their data (for the ping and bench',
  'commands). Where it listens, connections and errors are reported on stderr.',
  'Stops on Ctrl-C (SIGINT) or SIGTERM, removing the socket file, with status 0.',
  '',
  ...targetHelp({ udp: true, server: true }),
  '',
  'Output:',
  '  --json                one JSON object per message: {"type","data","conn"} on a Unix',
  '                        socket, {"type","data","conn","address","port"} over TCP,',
  '                        {"type","data","address","port"} over UDP',
  '  --timestamps          prefix each line with the time of receipt (ISO 8601; in JSON',
  '                        a "time" member)',
  '  --quiet               print no messages and no connections (for bench), only',
  '                        errors; the count of messages is reported on stderr when it',
  '                        stops',
  '  --count N             stop after N messages',
  ...COMMON_HELP,
  '',
  'Examples:',
  '  node-ipc-native listen --id world              # serves /tmp/app.world',
  '  node-ipc-native listen --tcp 8000 --json',
  '  node-ipc-native listen --udp 8001',
  '  node-ipc-native listen --path /tmp/my.sock --count 1',
].join('\n');

/** The peer of a message: its connection number, and its address over TCP/UDP. */
function peerOf(connections, target, from) {
  if (target.kind === 'udp') return { address: from.address, port: from.port };
  const peer = { conn: connections.get(from) };
  if (target.kind === 'tcp') {
    peer.address = from.remoteAddress;
    peer.port = from.remotePort;
  }
  return peer;
}

/** Whether a wildcard publish (type, ...args) is a received message: (data, socket|rinfo). */
function isMessage(args) {
  return args.length === 2 && args[1] !== null && typeof args[1] === 'object';
}

/** Whether a published `error` message is the package's report of a frame that is not JSON. */
function isInvalidFrame(type, data) {
  return type === 'error' && data !== null && typeof data === 'object' && data.err instanceof Error;
}

function run(opts) {
  const target = resolveTarget(opts, { server: true, udp: true });
  const ipc = setupIpc(opts);
  const config = ipc.config;
  applyTarget(config, target);
  if (target.kind === 'unix') {
    if (target.path !== undefined) ipc.serve(target.path);
    else ipc.serve();
    target.path = ipc.server.path;
  } else {
    // serveNet reads port 0 as "no port" and uses config.networkPort: 0 binds a free port.
    config.networkPort = target.port;
    if (target.kind === 'udp') ipc.serveNet(target.host, target.port, target.family);
    else ipc.serveNet(target.host, target.port);
  }
  const server = ipc.server;
  const connections = new Map();
  let nextConn = 1;
  let received = 0;
  let listening = false;
  let stopped = false;

  return new Promise((resolve, reject) => {
    function stop() {
      if (stopped) return;
      stopped = true;
      if (listening) {
        server.stop();
        for (const socket of server.sockets) {
          if (typeof socket.destroy === 'function') socket.destroy();
        }
      }
      if (opts.quiet) output.info(`stopped after ${received} message${received === 1 ? '' : 's'}`);
      // The process ends once the connections have closed; should anything still hold
      // it, it ends anyway.
      setTimeout(() => output.exit(0), FORCE_EXIT_MS).unref();
      resolve(0);
    }

    function listeningOn(address) {
      listening = true;
      if (stopped) {
        // A signal came while it was starting.
        server.stop();
        return;
      }
      if (target.kind !== 'unix' && address && typeof address === 'object') target.port = address.port;
      output.info(`listening on ${describeTarget(target)}`);
    }

    // The package's own events have one argument; a peer's message that happens to be
    // called `start`, `connect` or `error` has two (data, socket) and is only printed.
    server.on('start', function started() {
      if (arguments.length > 1 || listening || target.kind === 'udp') return;
      // On Windows the pipe name the path became.
      if (target.kind === 'unix') target.path = server.path;
      listeningOn(server.server.address());
    });
    server.on('connect', function connected(socket) {
      if (arguments.length > 1) return;
      if (target.kind === 'udp') {
        if (listening) return;
        listeningOn(server.server.address());
        return;
      }
      const conn = nextConn++;
      connections.set(socket, conn);
      if (opts.quiet) return;
      let from = '';
      if (target.kind === 'tcp') from = ` from ${hostPort(socket.remoteAddress, socket.remotePort)}`;
      else if (socket.peer && socket.peer.pid) from = ` (pid ${socket.peer.pid})`;
      output.info(`#${conn} connected${from}`);
    });
    server.on('socket.disconnected', function disconnected(socket) {
      if (!connections.has(socket)) return;
      const conn = connections.get(socket);
      connections.delete(socket);
      if (!opts.quiet) output.info(`#${conn} disconnected`);
    });
    server.on('error', function failed(err) {
      if (arguments.length > 1) return;
      if (!listening) {
        if (stopped) return;
        stopped = true;
        reject(new CliError(listenFailure(err, target)));
        return;
      }
      output.info(`error: ${err && err.message ? err.message : shortCause(err)}`);
    });
    server.on('*', (type, ...args) => {
      if (stopped || received === opts.count || !isMessage(args)) return;
      const [data, from] = args;
      const peer = peerOf(connections, target, from);
      if (isInvalidFrame(type, data)) {
        output.info(`${peerTag(peer)} invalid frame: ${JSON.stringify(data.response)}`);
        return;
      }
      received++;
      if (!opts.quiet) {
        const time = opts.timestamps ? new Date().toISOString() : undefined;
        output.out(formatMessage(type, data, peer, { json: Boolean(opts.json), time }));
      }
      // After this tick, so that a ping handler's reply to this message goes out first.
      if (received === opts.count) setImmediate(stop);
    });
    server.handle('ping', (data) => data);
    onStopSignal(stop);
    output.handleClosedStdout(stop);
    server.start();
  });
}

module.exports = {
  name: 'listen',
  summary: 'serve a socket and print every message received',
  options,
  positionals: [],
  help,
  run,
};
