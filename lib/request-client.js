'use strict';
// The requesting side of request/response (docs/REQUEST.md): `ipc.of[id].request(type,
// data, {timeout})` sends {type, data: {$req, data}} with the client's ordinary emit and
// settles its Promise when the matching `type.reply` arrives, the timeout passes, or the
// connection is lost. client.js calls `replyReceived` for every message it publishes and
// `connectionLost` whenever a connection (or attempt) ends.

const {
  MAX_ID, replyType, requestData, remoteError, codedError, invalidArgType, outOfRange,
} = require('./request');

/** Default `options.timeout`, in ms. */
const DEFAULT_TIMEOUT = 10000;

/** The longest delay setTimeout honours (longer ones fire after 1 ms). */
const MAX_TIMEOUT = 0x7fffffff;

/** Hidden per-client state, made on the first request (not an own enumerable key). */
const PENDING = Symbol('node-ipc-native pending requests');

/**
 * Sends a request and returns a Promise of the reply's data. Every failure, argument
 * errors included, is a rejection; nothing throws.
 * @param {object} client  a Client (`ipc.of[id]`)
 * @param {string} type
 * @param {*} data
 * @param {{timeout?: number}|undefined|null} options
 * @returns {Promise<*>}
 */
function request(client, type, data, options) {
  return new Promise((resolve, reject) => {
    if (typeof type !== 'string') throw invalidArgType('type', 'of type string', type);
    const timeout = timeoutOption(options);
    if (client.config.rawBuffer) {
      throw codedError(Error, 'ERR_IPC_RAW_BUFFER',
        `Request "${type}" not sent: requests need JSON messages, and config.rawBuffer is set`);
    }
    // What emit would silently drop (Q29) fails at once instead of waiting for the timeout.
    // While connecting, emit's bytes are sent once connected, and so is the request.
    const socket = client.socket;
    if (!socket || socket.destroyed || !socket.writable) {
      throw codedError(Error, 'ERR_IPC_DISCONNECTED',
        `Request "${type}" not sent: the client "${client.id}" is not connected`);
    }
    const state = stateOf(client);
    const previousId = state.lastId;
    const id = nextId(state);
    const entry = { type, replyType: replyType(type), resolve, reject, timer: null };
    state.entries.set(id, entry);
    try {
      client.emit(type, requestData(id, data));
    } catch (err) {
      // Data JSON cannot carry (a BigInt, a cycle): nothing was sent, no id was used.
      state.entries.delete(id);
      state.lastId = previousId;
      throw err;
    }
    if (timeout > 0 && state.entries.get(id) === entry) {
      entry.timer = setTimeout(expire, timeout, client, state, id, timeout);
    }
  });
}

/** The timeout in ms, 0 for none; throws for a value that is not one. */
function timeoutOption(options) {
  if (options === undefined || options === null) return DEFAULT_TIMEOUT;
  if (typeof options !== 'object') throw invalidArgType('options', 'of type object', options);
  const timeout = options.timeout;
  if (timeout === undefined) return DEFAULT_TIMEOUT;
  if (typeof timeout !== 'number') throw invalidArgType('options.timeout', 'of type number', timeout);
  if (timeout === Infinity) return 0;
  if (!(timeout >= 0 && timeout <= MAX_TIMEOUT)) {
    throw outOfRange('options.timeout', `>= 0 and <= ${MAX_TIMEOUT}, or Infinity`, timeout);
  }
  return timeout;
}

function stateOf(client) {
  let state = client[PENDING];
  if (state === undefined) {
    // One counter per Client object, never reset (not even on reconnect), so an id is
    // not reused while a frame carrying it may still be on its way.
    state = { lastId: 0, entries: new Map() };
    Object.defineProperty(client, PENDING, { value: state });
  }
  return state;
}

/** The next id not pending: 1, 2, 3, ... wrapping to 1 after 2^53 - 1. */
function nextId(state) {
  let id = state.lastId;
  do {
    id = id >= MAX_ID ? 1 : id + 1;
  } while (state.entries.has(id));
  state.lastId = id;
  return id;
}

function expire(client, state, id, timeout) {
  const entry = state.entries.get(id);
  if (entry === undefined) return;
  state.entries.delete(id);
  entry.reject(codedError(Error, 'ERR_IPC_REQUEST_TIMEOUT',
    `Request "${entry.type}" to "${client.id}" timed out: no reply within ${timeout} ms`));
}

/**
 * Settles the pending request a message answers, if it is one: type `T.reply` and data
 * whose `$req` is the id of a pending request of type T. Anything else is left alone (it
 * is published as usual either way).
 * @param {object} client
 * @param {*} type  the event name the message is published under
 * @param {*} data
 */
function replyReceived(client, type, data) {
  const state = client[PENDING];
  if (state === undefined || state.entries.size === 0) return;
  if (data === null || typeof data !== 'object') return;
  const id = data.$req;
  const entry = state.entries.get(id);
  if (entry === undefined || entry.replyType !== type) return;
  state.entries.delete(id);
  if (entry.timer !== null) clearTimeout(entry.timer);
  const error = data.error;
  if (error !== undefined && error !== null) entry.reject(remoteError(error));
  else entry.resolve(data.data);
}

/** Rejects every pending request of a client whose connection (or attempt) ended. */
function connectionLost(client) {
  const state = client[PENDING];
  if (state === undefined || state.entries.size === 0) return;
  const entries = [...state.entries.values()];
  state.entries.clear();
  for (const entry of entries) {
    if (entry.timer !== null) clearTimeout(entry.timer);
    entry.reject(codedError(Error, 'ERR_IPC_DISCONNECTED',
      `Request "${entry.type}" to "${client.id}" failed: the connection closed before the reply`));
  }
}

module.exports = { request, replyReceived, connectionLost, DEFAULT_TIMEOUT };
