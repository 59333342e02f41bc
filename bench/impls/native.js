'use strict';
// node-ipc-native, this repository (require('/work/main') through a relative path).

const { makeIpcAdapter } = require('./ipc-api');

const version = require('../../package.json').version;

module.exports = {
  key: 'native',
  label: 'node-ipc-native',
  short: 'native',
  version,
  transports: ['unix', 'tcp', 'udp'],
  ...makeIpcAdapter(() => require('../..')),
};
