'use strict';
// The two kinds of failure of the command-line tool and their exit statuses: a
// UsageError (a bad command line: unknown command or option, missing argument, bad
// number) exits with 2, a CliError (no server, timeout, remote error, port in use, ...)
// with 1. Both print one line on stderr: `node-ipc-native: <message>`.

/** Exit status of a bad command line. */
const USAGE = 2;

/** Exit status of a failure at run time. */
const FAILURE = 1;

class CliError extends Error {
  constructor(message) {
    super(message);
    this.name = 'CliError';
    this.exitCode = FAILURE;
  }
}

class UsageError extends Error {
  constructor(message) {
    super(message);
    this.name = 'UsageError';
    this.exitCode = USAGE;
  }
}

module.exports = { CliError, UsageError, USAGE, FAILURE };
