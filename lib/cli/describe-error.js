'use strict';
// One-line wordings of the errors the package reports, for `node-ipc-native: <line>`:
//   no server at /tmp/app.world (connect ENOENT)
//   port 8000 is in use (listen EADDRINUSE)
//   /tmp/app.world is already served (listen EADDRINUSE)
//   "add" failed on the server: RangeError: bad range (code E_RANGE)
//   no reply to "add" within 500 ms

const { describeTarget } = require('./target');

/** `syscall CODE` of a system error, or its message. */
function shortCause(err) {
  if (err && err.syscall && err.code) return `${err.syscall} ${err.code}`;
  return (err && err.message) || String(err);
}

/** Why connecting to `target` failed. */
function connectFailure(err, target, waitedMs) {
  const where = describeTarget(target);
  const waited = waitedMs ? ` after waiting ${waitedMs} ms` : '';
  if (!err) return `no server at ${where}${waited} (no connection)`;
  if (err.code === 'ENOENT' || err.code === 'ECONNREFUSED') return `no server at ${where}${waited} (${shortCause(err)})`;
  if (err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN') return `cannot resolve ${target.host}${waited} (${shortCause(err)})`;
  return `cannot connect to ${where}${waited} (${err.message || shortCause(err)})`;
}

/** Why listening on `target` failed. */
function listenFailure(err, target) {
  const where = describeTarget(target);
  if (err.code === 'EADDRINUSE') {
    return target.kind === 'unix'
      ? `${where} is already served (${shortCause(err)})`
      : `port ${target.port} is in use (${shortCause(err)})`;
  }
  if (err.code === 'EEXIST') return `${where} exists and is not a socket (${shortCause(err)})`;
  if (err.code === 'EACCES') return `cannot listen on ${where}: permission denied or no such directory (${shortCause(err)})`;
  return `cannot listen on ${where} (${err.message || shortCause(err)})`;
}

/** Why a request failed: the remote error, a timeout, the connection, or anything else. */
function requestFailure(err, type, target, timeoutMs) {
  if (err && err.remote) {
    const code = err.code ? ` (code ${err.code})` : '';
    const text = err.message ? `${err.name}: ${err.message}` : err.name;
    return `${JSON.stringify(type)} failed on the server: ${text}${code}`;
  }
  if (err && err.code === 'ERR_IPC_REQUEST_TIMEOUT') return `no reply to ${JSON.stringify(type)} within ${timeoutMs} ms`;
  if (err && err.code === 'ERR_IPC_DISCONNECTED') {
    return `the connection to ${describeTarget(target)} closed before the reply to ${JSON.stringify(type)}`;
  }
  return (err && err.message) || String(err);
}

module.exports = { connectFailure, listenFailure, requestFailure, shortCause };
