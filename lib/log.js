'use strict';

/**
 * `ipc.log(...args)` (CONTRACT §3.1). Installed as a method of the IPC instance,
 * Clients and Servers: it reads `this.config` at every call.
 */

const util = require('util');

/**
 * Does nothing when config.silent is truthy. Otherwise every argument whose
 * typeof is 'object' (null, arrays, Buffers, Errors, Dates included) is
 * rendered with util.inspect({depth: logDepth, colors: logInColor}); the
 * arguments are joined with one space by Array.prototype.join (undefined
 * gives '', a Symbol throws) and the string is passed to config.logger.
 * @this {{config: object}}
 * @param {...*} args
 * @returns {void}
 */
function log() {
  const config = this.config;
  if (config.silent) {
    return;
  }
  const count = arguments.length;
  const parts = new Array(count);
  let options;
  for (let i = 0; i < count; i++) {
    const arg = arguments[i];
    if (typeof arg === 'object') {
      if (options === undefined) {
        options = { depth: config.logDepth, colors: config.logInColor };
      }
      parts[i] = util.inspect(arg, options);
    } else {
      parts[i] = arg;
    }
  }
  config.logger(parts.join(' '));
}

module.exports = { log };
