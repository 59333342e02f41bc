'use strict';
// Ctrl-C and `kill`: SIGINT and SIGTERM run the command's stop function once (listen
// closes its server and removes the socket file, ping prints its summary), instead of
// Node's default of dying at once.

/** Calls `stop(signal)` on the first SIGINT or SIGTERM. */
function onStopSignal(stop) {
  let stopped = false;
  const handler = (signal) => {
    if (stopped) return;
    stopped = true;
    stop(signal);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}

module.exports = { onStopSignal };
