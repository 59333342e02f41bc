'use strict';
// The command-line program: `node-ipc-native <command> [options]` (bin/node-ipc-native.js).
// Picks the command, handles --help / --version, parses the command's options (args.js)
// and runs it. A command's run(options, positionals) returns its exit status (or a
// Promise of it); the process then ends by itself, so that whatever the package still has
// to send is sent. A thrown UsageError exits with 2, any other error with 1, after one
// `node-ipc-native: <message>` line on stderr.

const { parseArgs } = require('./args');
const { UsageError, FAILURE } = require('./errors');
const output = require('./output');

const COMMANDS = [
  require('./listen'),
  require('./send'),
  require('./request'),
  require('./ping'),
  require('./bench'),
];

function version() {
  return require('../../package.json').version;
}

function programHelp() {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'Usage: node-ipc-native <command> [options]',
    '',
    'Talks to node-ipc 9.x peers (Unix sockets, TCP, UDP) through node-ipc-native\'s own API.',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Options:',
    '  -h, --help     this help (node-ipc-native <command> --help: the command\'s)',
    '  --version      the version of node-ipc-native',
    '',
    'Exit status: 0 success, 1 failure (no server, timeout, remote error, address in use),',
    '2 bad command line.',
    '',
    'Examples:',
    '  node-ipc-native listen --id world',
    '  node-ipc-native send --id world app.message \'{"text":"hello"}\'',
    '  node-ipc-native request --id world ping \'"hi"\'',
    '  node-ipc-native ping --id world --count 5',
    '  node-ipc-native bench --id world --seconds 2',
  ].join('\n');
}

/** Whether argv asks for help (before any `--`). */
function wantsHelp(argv) {
  for (const arg of argv) {
    if (arg === '--') return false;
    if (arg === '-h' || arg === '--help') return true;
  }
  return false;
}

/** Checks the positional arguments against the command's list (`DATA?` is optional). */
function checkPositionals(command, positionals) {
  const names = command.positionals;
  const required = names.filter((n) => !n.endsWith('?')).length;
  if (positionals.length < required) throw new UsageError(`missing ${names[positionals.length]}`);
  if (positionals.length > names.length) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[names.length])}`);
}

async function dispatch(argv) {
  const [name, ...rest] = argv;
  if (name === undefined) throw new UsageError('missing command (see node-ipc-native --help)');
  if (name === '-h' || name === '--help' || name === 'help') {
    const command = COMMANDS.find((c) => c.name === rest[0]);
    output.out(command ? command.help : programHelp());
    return 0;
  }
  if (name === '--version') {
    output.out(version());
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    const what = name.startsWith('-') ? `unknown option ${name}` : `unknown command ${JSON.stringify(name)}`;
    throw new UsageError(`${what} (see node-ipc-native --help)`);
  }
  if (wantsHelp(rest)) {
    output.out(command.help);
    return 0;
  }
  try {
    const { options, positionals } = parseArgs(rest, command.options);
    checkPositionals(command, positionals);
    return await command.run(options, positionals);
  } catch (err) {
    if (err instanceof UsageError) err.message += ` (see node-ipc-native ${command.name} --help)`;
    throw err;
  }
}

/** Runs the program with `argv` (without node and the script). */
function main(argv) {
  Promise.resolve()
    .then(() => dispatch(argv))
    .then((code) => {
      process.exitCode = code;
    }, (err) => {
      const known = err && typeof err.exitCode === 'number';
      output.error(known ? err.message : `internal error: ${err && err.stack ? err.stack : err}`);
      output.exit(known ? err.exitCode : FAILURE);
    });
}

module.exports = { main, COMMANDS };
