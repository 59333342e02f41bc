'use strict';
// Where the tool writes: results on stdout (one line each), diagnostics on stderr, errors
// as `node-ipc-native: <message>` on stderr, and an exit that waits until both streams
// have handed their data over (process.exit could cut a piped stdout short on platforms
// where pipes are asynchronous). A reader that goes away (`| head -1`, EPIPE) ends the
// program quietly with status 0.

const PROGRAM = 'node-ipc-native';

let exiting = false;
let stdoutClosed = false;

/** Writes one line on stdout. */
function out(line) {
  if (!exiting && !stdoutClosed) process.stdout.write(`${line}\n`);
}

/** Writes one line on stderr. */
function info(line) {
  if (!exiting) process.stderr.write(`${line}\n`);
}

/** Writes `node-ipc-native: <message>` on stderr. */
function error(message) {
  process.stderr.write(`${PROGRAM}: ${message}\n`);
}

/** Ends the process with `code` once stdout and stderr are flushed. */
function exit(code) {
  if (exiting) return;
  exiting = true;
  let pending = 2;
  const done = () => {
    if (--pending === 0) process.exit(code);
  };
  if (stdoutClosed) done();
  else process.stdout.write('', done);
  process.stderr.write('', done);
}

/**
 * A closed stdout (EPIPE) is a reader that has seen enough: `onClosed()` (by default, exit
 * with 0), and nothing more is written to it.
 */
function handleClosedStdout(onClosed = () => exit(0)) {
  process.stdout.on('error', (err) => {
    if (err.code !== 'EPIPE') throw err;
    if (stdoutClosed) return;
    stdoutClosed = true;
    onClosed();
  });
}

module.exports = { PROGRAM, out, info, error, exit, handleClosedStdout };
