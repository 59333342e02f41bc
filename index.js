'use strict';
// node-ipc-native: `require('node-ipc-native')` returns the node-ipc 9.x compatible
// singleton. `.default` (the singleton) and `.IPCModule` (its class) are extra,
// non-enumerable, for code written against node-ipc 10.x.

const { IPCModule } = require('./lib/ipc');

const ipc = new IPCModule();
Object.defineProperties(ipc, {
  default: { value: ipc },
  IPCModule: { value: IPCModule },
});

module.exports = ipc;
