'use strict';
// node-ipc from node_modules (the devDependency pinned to 9.2.1).

const { makeIpcAdapter } = require('./ipc-api');

function installedVersion() {
  try {
    return require('node-ipc/package.json').version;
  } catch (_) {
    return null;
  }
}

const version = installedVersion();

module.exports = {
  key: 'node-ipc',
  label: `node-ipc ${version || '(missing)'}`,
  short: `node-ipc ${version || '(missing)'}`,
  version,
  transports: ['unix', 'tcp', 'udp'],
  /** Why it cannot run, or null. */
  unavailable: version ? null : 'node-ipc is not installed (npm install)',
  ...makeIpcAdapter(() => require('node-ipc')),
};
