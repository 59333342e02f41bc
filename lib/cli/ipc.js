'use strict';
// The IPC object the commands use: the package's own singleton, `require('node-ipc-native')`
// (this repository's index.js), exactly what users get. Logging is off (config.silent)
// unless --verbose, and then goes to stderr so that stdout keeps only the results.

const ipc = require('../..');

/** The singleton, configured for the tool. */
function setupIpc({ verbose }) {
  const config = ipc.config;
  config.silent = !verbose;
  config.logInColor = Boolean(process.stderr.isTTY);
  config.logger = (line) => process.stderr.write(`${line}\n`);
  return ipc;
}

module.exports = { setupIpc };
