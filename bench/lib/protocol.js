'use strict';
// Parent <-> child protocol. Children write one JSON object per line to stdout, prefixed
// with MARKER so stray output (a library that logs despite config.silent) is ignored.
// The parent closes a child's stdin to tell it to shut down.

const MARKER = '@@nipc-bench ';

/** Writes one message for the parent (synchronously, so it survives process.exit). */
function send(message) {
  const fs = require('fs');
  fs.writeSync(1, MARKER + JSON.stringify(message) + '\n');
}

/** Splits a child's stdout into protocol messages; calls onMessage(msg) for each. */
function createLineReader(onMessage) {
  let rest = '';
  return function onData(chunk) {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop();
    for (const line of lines) {
      const at = line.indexOf(MARKER);
      if (at === -1) continue;
      let msg;
      try {
        msg = JSON.parse(line.slice(at + MARKER.length));
      } catch (err) {
        msg = { kind: 'error', message: `unparsable child message: ${line.slice(0, 200)}` };
      }
      onMessage(msg);
    }
  };
}

module.exports = { MARKER, send, createLineReader };
