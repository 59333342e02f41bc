'use strict';
// `node-ipc-native request TYPE [DATA]`: one request with the package's request/response
// API (ipc.of[id].request, docs/REQUEST.md) and the reply's data printed as JSON. A
// handler that failed (the remote error's name, message and code), no reply in time and
// a lost connection are failures (status 1).

const { COMMON_OPTIONS, WAIT_OPTION, COMMON_HELP, WAIT_HELP } = require('./common');
const { TARGET_OPTIONS, targetHelp, resolveTarget } = require('./target');
const { CliError } = require('./errors');
const { requestFailure } = require('./describe-error');
const { connect, disconnect } = require('./connect');
const { messageData } = require('./data');
const { setupIpc } = require('./ipc');
const output = require('./output');

/** Default --timeout, in ms (the package's default request timeout). */
const DEFAULT_TIMEOUT = 10000;

const options = {
  ...COMMON_OPTIONS,
  ...TARGET_OPTIONS,
  ...WAIT_OPTION,
  timeout: { type: 'integer', max: 0x7fffffff, value: 'MS' },
};

const help = [
  'Usage: node-ipc-native request [options] TYPE [DATA]',
  '',
  'Sends a request of type TYPE ({"type":TYPE,"data":{"$req":ID,"data":DATA}}) and prints',
  'the data of its reply (TYPE.reply) as JSON on stdout (nothing when the reply has no',
  'data). DATA is read as by send: JSON if it parses, else a string; from stdin when',
  'absent and stdin is not a terminal. The server answers with ipc.server.handle(TYPE,',
  '...), or by hand (docs/REQUEST.md); listen answers "ping".',
  'Fails (status 1) when the handler throws (its error\'s name and message on stderr),',
  'on timeout, or when the connection closes first.',
  '',
  ...targetHelp({ udp: false, server: false }),
  '',
  'Options:',
  `  --timeout MS          how long to wait for the reply (default: ${DEFAULT_TIMEOUT}; 0: forever)`,
  ...WAIT_HELP,
  ...COMMON_HELP,
  '',
  'Examples:',
  '  node-ipc-native request --id world ping \'"hello"\'',
  '  node-ipc-native request --tcp 8000 add \'{"a":2,"b":3}\' --timeout 2000',
].join('\n');

async function run(opts, [type, arg]) {
  const target = resolveTarget(opts, { server: false, udp: false });
  const data = await messageData(arg);
  const ipc = setupIpc(opts);
  const timeout = opts.timeout === undefined ? DEFAULT_TIMEOUT : opts.timeout;
  const client = await connect(ipc, target, opts.wait);
  let result;
  try {
    result = await client.request(type, data, { timeout });
  } catch (err) {
    throw new CliError(requestFailure(err, type, target, timeout));
  } finally {
    disconnect(ipc, client);
  }
  if (result !== undefined) output.out(JSON.stringify(result));
  return 0;
}

module.exports = {
  name: 'request',
  summary: 'send a request and print the reply',
  options,
  positionals: ['TYPE', 'DATA?'],
  help,
  run,
};
