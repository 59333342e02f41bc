'use strict';
// node-ipc-native with a 'data' listener on every socket: what watching the raw traffic
// costs (without listeners, 'data' is never computed; compare with the `native` row).

const { makeIpcAdapter } = require('./ipc-api');

const version = require('../../package.json').version;

module.exports = {
  key: 'native-data',
  label: "node-ipc-native + socket 'data' listeners",
  short: 'native+data',
  version,
  transports: ['unix', 'tcp'],
  ...makeIpcAdapter(() => require('../..'), () => {}, { dataListeners: true }),
};
