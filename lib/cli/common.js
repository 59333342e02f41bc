'use strict';
// Options and help lines every command shares.

/** --help and --verbose. */
const COMMON_OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  verbose: { type: 'boolean' },
};

/** --wait, for the commands that connect. */
const WAIT_OPTION = {
  wait: { type: 'integer', value: 'MS' },
};

const COMMON_HELP = [
  '  --verbose             node-ipc\'s log lines, on stderr (default: logging off)',
  '  -h, --help            this help',
];

const WAIT_HELP = [
  '  --wait MS             keep trying to connect for up to MS ms (default: one attempt)',
];

module.exports = { COMMON_OPTIONS, WAIT_OPTION, COMMON_HELP, WAIT_HELP };
