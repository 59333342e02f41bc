'use strict';
// `node-ipc-native send TYPE [DATA]`: connects (ipc.connectTo / connectToNet), emits one
// message, disconnects; the process ends once the message has been handed to the system.
// Over UDP it opens its own UDP endpoint (ipc.serveNet(..., 'udp4'|'udp6') on a free port,
// as node-ipc's UDP peers do), sends one datagram and closes.

const { COMMON_OPTIONS, WAIT_OPTION, COMMON_HELP, WAIT_HELP } = require('./common');
const { TARGET_OPTIONS, targetHelp, resolveTarget } = require('./target');
const { CliError } = require('./errors');
const { shortCause } = require('./describe-error');
const { connect, disconnect } = require('./connect');
const { messageData } = require('./data');
const { setupIpc } = require('./ipc');

const options = { ...COMMON_OPTIONS, ...TARGET_OPTIONS, ...WAIT_OPTION };

const help = [
  'Usage: node-ipc-native send [options] TYPE [DATA]',
  '',
  'Sends one message of type TYPE and exits once it is sent. DATA is JSON if it parses',
  '(42, true, null, {"a":1}, "\\"quoted\\""), else the text as a string. Without DATA, when',
  'stdin is not a terminal, DATA is read from stdin (one final line break dropped; empty',
  'input: no data). node-ipc sends no data as {}.',
  '',
  ...targetHelp({ udp: true, server: false }),
  '',
  'Options:',
  ...WAIT_HELP,
  ...COMMON_HELP,
  '',
  'Examples:',
  '  node-ipc-native send --id world app.message \'{"id":"cli","message":"hello"}\'',
  '  node-ipc-native send --tcp 8000 greeting hello',
  '  echo \'{"n":1}\' | node-ipc-native send --path /tmp/my.sock update',
  '  node-ipc-native send --udp 8001 tick 1',
].join('\n');

/** One datagram from a UDP endpoint of our own. */
function sendUdp(ipc, target, type, data) {
  const config = ipc.config;
  // Port 0 in serveNet falls back to config.networkPort: 0 there binds a free port.
  config.networkPort = 0;
  ipc.serveNet(target.family === 'udp6' ? '::' : '0.0.0.0', 0, target.family);
  const server = ipc.server;
  return new Promise((resolve, reject) => {
    let bound = false;
    server.on('connect', () => {
      bound = true;
      server.emit({ address: target.host, port: target.port }, type, data);
      server.stop();
      resolve(0);
    });
    server.on('error', (err) => {
      if (!bound) reject(new CliError(`cannot open a UDP socket (${shortCause(err)})`));
    });
    server.start();
  });
}

async function run(opts, [type, arg]) {
  const target = resolveTarget(opts, { server: false, udp: true });
  const data = await messageData(arg);
  const ipc = setupIpc(opts);
  if (target.kind === 'udp') return sendUdp(ipc, target, type, data);
  const client = await connect(ipc, target, opts.wait);
  client.emit(type, data);
  // What was emitted is still sent: the process lives until it is.
  disconnect(ipc, client);
  return 0;
}

module.exports = {
  name: 'send',
  summary: 'send one message',
  options,
  positionals: ['TYPE', 'DATA?'],
  help,
  run,
};
