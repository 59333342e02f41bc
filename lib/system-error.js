'use strict';
// Node-style system errors (code, errno, syscall, address) built from what the addon
// reports, so handlers written for node-ipc's net.Socket errors keep working.

const os = require('os');

/**
 * @param {string} json  the addon's error description: {message, code, errno, syscall}
 * @param {string} [address]  the socket path or host involved
 * @returns {Error}
 */
function systemError(json, address) {
  let info;
  try {
    info = JSON.parse(json);
  } catch (_) {
    info = { message: String(json) };
  }
  const err = new Error(info.message);
  if (info.code) {
    const errno = os.constants.errno[info.code];
    err.errno = errno === undefined ? info.errno : -errno;
    err.code = info.code;
  }
  if (info.syscall) err.syscall = info.syscall;
  if (address !== undefined && info.syscall && (info.syscall === 'connect' || info.syscall === 'listen')) {
    err.address = address;
  }
  return err;
}

module.exports = { systemError };
