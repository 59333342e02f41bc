'use strict';
// Node-style system errors (code, errno, syscall, address) built from what the addon
// reports, so handlers written for node-ipc's net.Socket errors keep working.

const util = require('util');

/**
 * libuv's error numbers by code, as Node reports them in `err.errno` on this platform
 * (negative; on Windows libuv's own numbers, e.g. ENOENT -4058, not the CRT's 2 that
 * `os.constants.errno` holds there).
 */
let uvErrnos = null;
function uvErrno(code) {
  if (!uvErrnos) {
    uvErrnos = new Map();
    for (const [errno, [name]] of util.getSystemErrorMap()) uvErrnos.set(name, errno);
  }
  return uvErrnos.get(code);
}

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
    const errno = uvErrno(info.code);
    err.errno = errno === undefined ? info.errno : errno;
    err.code = info.code;
  }
  if (info.syscall) err.syscall = info.syscall;
  const where = info.address || address;
  if (where !== undefined && info.syscall && info.syscall !== 'read' && info.syscall !== 'write') {
    setAddress(err, where);
  }
  return err;
}

/**
 * An error thrown synchronously by the addon (invalid options) carries its code as a
 * message prefix, e.g. "ERR_TLS_CONFIG: key is not a PEM private key"; give it a `code`.
 * Other errors (fs errors reading certificates, ...) are returned as they are.
 */
function nativeThrowToError(err) {
  if (!(err instanceof Error) || err.errno !== undefined) return err;
  const m = /^([A-Z][A-Z0-9_]+): ([\s\S]*)$/.exec(err.message);
  if (!m) return err;
  const out = new Error(m[2]);
  out.code = m[1];
  return out;
}

/** `/tmp/x` → address; `host:port` → address and port, as Node's errors carry them. */
function setAddress(err, address) {
  const m = /^(.*):(\d+)$/.exec(address);
  if (m && !address.startsWith('/')) {
    err.address = m[1].replace(/^\[|\]$/g, '');
    err.port = Number(m[2]);
  } else {
    err.address = address;
  }
}

module.exports = { systemError, nativeThrowToError };
