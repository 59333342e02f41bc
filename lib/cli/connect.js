'use strict';
// Connecting a client for the one-shot commands (send, request, ping, bench), with the
// package's public API: ipc.connectTo(id[, path]) or ipc.connectToNet(id, host, port).
// One attempt (config.stopRetrying) unless `--wait MS`: then the package's own retries
// (every 100 ms, or MS if shorter) until MS have passed. Once connected, a lost connection
// is not retried either: the command fails.

const { CliError } = require('./errors');
const { connectFailure } = require('./describe-error');
const { applyTarget } = require('./target');

/** The key of the client in ipc.of when the target is not named by an id. */
const CLIENT_ID = 'node-ipc-native';

/** Longest pause between two attempts while waiting. */
const RETRY_MS = 100;

/**
 * Resolves with the connected client (`ipc.of[id]`); rejects with a CliError. Fills in
 * `target.path` for the default Unix path.
 * @param {object} ipc
 * @param {object} target  from resolveTarget
 * @param {number} [waitMs]  how long to keep trying (0 or absent: once)
 */
function connect(ipc, target, waitMs) {
  const config = ipc.config;
  applyTarget(config, target);
  if (waitMs > 0) {
    config.stopRetrying = false;
    config.maxRetries = Infinity;
    config.retry = Math.min(RETRY_MS, waitMs);
  } else {
    config.stopRetrying = true;
    config.maxRetries = 0;
  }
  const id = target.kind === 'unix' && target.path === undefined ? config.id : CLIENT_ID;
  if (target.kind === 'tcp') ipc.connectToNet(id, target.host, target.port);
  else if (target.path !== undefined) ipc.connectTo(id, target.path);
  else ipc.connectTo(id);
  const client = ipc.of[id];
  if (target.kind === 'unix') target.path = client.path;
  return new Promise((resolve, reject) => {
    let lastError = null;
    let timer = null;
    const fail = () => {
      if (timer) clearTimeout(timer);
      ipc.disconnect(id);
      reject(new CliError(connectFailure(lastError, target, waitMs)));
    };
    client.on('error', (err) => { lastError = err; });
    client.on('connect', function connected() {
      if (timer) clearTimeout(timer);
      client.off('connect', connected);
      client.off('destroy', fail);
      // From now on a closed connection is the end: no reconnect.
      config.stopRetrying = true;
      resolve(client);
    });
    client.on('destroy', fail);
    if (waitMs > 0) timer = setTimeout(fail, waitMs);
  });
}

/** Closes the client for good; what it emitted before is still sent. */
function disconnect(ipc, client) {
  ipc.disconnect(client.id);
}

module.exports = { connect, disconnect, CLIENT_ID };
