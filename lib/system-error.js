'use strict';
// Node-style system errors (code, errno, syscall, address) built from what the addon
// reports, so handlers written for node-ipc's net.Socket errors keep working. (Errors the
// addon throws synchronously, for invalid options, already carry their `code`.)

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

/** libuv's description of a code (`EADDRINUSE` → 'address already in use'), as Node words it. */
let uvMessages = null;
function uvMessage(code) {
  if (!uvMessages) {
    uvMessages = new Map();
    for (const [, [name, message]] of util.getSystemErrorMap()) uvMessages.set(name, message);
  }
  return uvMessages.get(code);
}

/**
 * A Node-style error from the addon's description. The fields, their order and the
 * message are those of the error `node:net` / `node:dgram` give for the same failure:
 *
 * - `getaddrinfo` (a host name that does not resolve): Node's dnsException,
 *   `{errno, code, syscall, hostname}`, "getaddrinfo ENOTFOUND host"; `errno` is libuv's
 *   EAI_NONAME (-3008), which Node reports as ENOTFOUND.
 * - `listen` (net.Server): uvExceptionWithHostPort, `{code, errno, syscall, address, port}`,
 *   "listen EADDRINUSE: address already in use 127.0.0.1:8000"; a local socket path has
 *   `port: -1`, and, as libuv's uv_pipe_bind reports it on Unix, a missing directory is
 *   EACCES, not ENOENT.
 * - `connect`, `bind`, ... : exceptionWithHostPort, `{errno, code, syscall, address, port}`,
 *   "connect ECONNREFUSED ::1:8000" (no brackets around an IPv6 address).
 * - `read`, `write`: errnoException, `{errno, code, syscall}`, "read ECONNRESET".
 *
 * Messages the addon words itself (limits, TLS, EEXIST for a path that is not a socket)
 * are kept as they are.
 *
 * @param {string} json  the addon's error description: {message, code, errno, syscall, address}
 * @param {string} [address]  the socket path or `host:port` involved, when the addon gives none
 * @returns {Error}
 */
function systemError(json, address) {
  let info;
  try {
    info = JSON.parse(json);
  } catch (_) {
    info = { message: String(json) };
  }
  let { code, syscall, message } = info;
  const where = info.address || address;
  // The addon's plain OS-error wording is "<syscall> <code>[ <address>]"; only that one
  // (and the live-server EADDRINUSE, which Node reports as any address in use) is reworded.
  const plain = Boolean(code && syscall) && (
    message === [syscall, code, info.address].filter(Boolean).join(' ') ||
    (syscall === 'listen' && code === 'EADDRINUSE')
  );

  if (plain && syscall === 'getaddrinfo') {
    const hostname = info.address || undefined;
    const err = new Error(`getaddrinfo ${code}${hostname ? ` ${hostname}` : ''}`);
    err.errno = uvErrno(code === 'ENOTFOUND' ? 'EAI_NONAME' : code);
    err.code = code;
    err.syscall = syscall;
    if (hostname) err.hostname = hostname;
    return err;
  }

  const hasAddress = where !== undefined && syscall && syscall !== 'read' && syscall !== 'write';
  const at = hasAddress ? splitAddress(where) : {};
  const local = hasAddress && at.port === undefined;
  if (syscall === 'listen' && local) {
    at.port = -1;
    if (code === 'ENOENT' && process.platform !== 'win32') code = 'EACCES';
  }
  const errno = code ? uvErrno(code) : undefined;
  const details = !hasAddress ? '' : at.port > 0 ? ` ${at.address}:${at.port}` : ` ${at.address}`;

  if (plain && syscall === 'listen') {
    const err = new Error(`${syscall} ${code}: ${uvMessage(code) || code}${details}`);
    err.code = code;
    err.errno = errno === undefined ? info.errno : errno;
    err.syscall = syscall;
    err.address = at.address;
    err.port = at.port;
    return err;
  }
  const err = new Error(plain ? `${syscall} ${code}${details}` : message);
  if (code) {
    err.errno = errno === undefined ? info.errno : errno;
    err.code = code;
  }
  if (syscall) err.syscall = syscall;
  if (hasAddress) {
    err.address = at.address;
    if (at.port) err.port = at.port;
  }
  return err;
}

/** `/tmp/x` → {address}; `host:port` or `[v6]:port` → {address, port}, as Node's errors carry them. */
function splitAddress(address) {
  const m = /^(.*):(\d+)$/.exec(address);
  if (m && !address.startsWith('/')) return { address: m[1].replace(/^\[|\]$/g, ''), port: Number(m[2]) };
  return { address };
}

module.exports = { systemError };
