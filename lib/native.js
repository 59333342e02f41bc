'use strict';
// The compiled addon and the numbers of the events it reports (see src/delivery.rs).

const binding = require('../binding.js');

/** Event kinds passed as the first argument of a native object's callback. */
const EVENT = Object.freeze({
  LISTENING: 1,
  LISTEN_FAILED: 2,
  CONNECTED: 3,
  FRAMES: 4,
  RAW: 5,
  ERROR: 6,
  CLOSED: 7,
  DATAGRAM: 8,
  DRAIN: 9,
});

module.exports = {
  NativeServer: binding.NativeServer,
  NativeClient: binding.NativeClient,
  NativeUdp: binding.NativeUdp,
  EVENT,
};
