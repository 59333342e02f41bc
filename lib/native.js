'use strict';
// The compiled addon and the numbers of the events it reports (see src/js_api.rs). Each
// native object calls its callback with (kind, conn, text, bytes, detail); `detail` is a
// number whose meaning depends on the kind, read only through the decoders below:
// FRAMES' is the run's byte length times two, plus one if a frame is incomplete;
// CLOSED's is 1 after an error; DATAGRAM's is the sender's port; 0 otherwise.

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

/** FRAMES' detail: whether an incomplete frame is still buffered. */
function framesPartial(detail) {
  return (detail & 1) === 1;
}

/** FRAMES' detail: the run's length in bytes. */
function framesLength(detail) {
  return detail >>> 1;
}

/** CLOSED's detail: whether the connection closed because of an error. */
function closedWithError(detail) {
  return detail === 1;
}

/** DATAGRAM's detail: the sender's port. */
function datagramPort(detail) {
  return detail;
}

module.exports = {
  framesPartial,
  framesLength,
  closedWithError,
  datagramPort,
  NativeServer: binding.NativeServer,
  NativeClient: binding.NativeClient,
  NativeUdp: binding.NativeUdp,
  EVENT,
};
