'use strict';
// The compiled addon and the numbers of the events it reports (see src/delivery.rs).
// FRAMES' flag is the run's byte length times two, plus one if a frame is incomplete;
// CLOSED's is 1 after an error; DATAGRAM's is the sender's port.

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
  END: 10,
});

/** FRAMES' flag: whether an incomplete frame is still buffered. */
function framesPartial(flag) {
  return (flag & 1) === 1;
}

/** FRAMES' flag: the run's length in bytes. */
function framesLength(flag) {
  return flag >>> 1;
}

module.exports = {
  framesPartial,
  framesLength,
  NativeServer: binding.NativeServer,
  NativeClient: binding.NativeClient,
  NativeUdp: binding.NativeUdp,
  EVENT,
};
