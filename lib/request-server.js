'use strict';
// The answering side of request/response (docs/REQUEST.md): `ipc.server.handle(type,
// handler)` subscribes an ordinary listener to `type`; for each message whose data is
// {$req: ID, data: P} it calls handler(P, socket), awaits the result, and replies with
// server.emit(socket, type + '.reply', {$req: ID, data: result}), or with
// {$req: ID, error: {name, message[, code]}} when the handler throws or rejects.
// Messages of that type without a valid $req are not requests: the handler ignores them
// (other listeners still see every message).

const {
  replyType, isRequestId, successData, failureData, codedError, invalidArgType,
} = require('./request');

/** Hidden per-server map: type -> {listener}. */
const HANDLERS = Symbol('node-ipc-native request handlers');

/**
 * Registers the handler of requests of `type`. A type has at most one handler: a second
 * handle() for it throws ERR_IPC_HANDLER_EXISTS (unhandle() it first).
 * @param {object} server  a Server (`ipc.server`)
 * @param {string} type
 * @param {(data: *, socket: object) => *} handler  may return a value or a Promise
 * @returns {object} the server
 */
function handle(server, type, handler) {
  if (typeof type !== 'string') throw invalidArgType('type', 'of type string', type);
  if (typeof handler !== 'function') throw invalidArgType('handler', 'of type function', handler);
  const handlers = handlersOf(server);
  const existing = handlers.get(type);
  if (existing !== undefined && subscribed(server, type, existing.listener)) {
    throw codedError(Error, 'ERR_IPC_HANDLER_EXISTS',
      `A handler for requests "${type}" is already registered; call unhandle("${type}") first`);
  }
  const reply = replyType(type);
  const record = {
    listener: function requestListener(data, socket) {
      if (data === null || typeof data !== 'object' || !isRequestId(data.$req)) return;
      respond(this, socket, reply, data.$req, handler, data.data);
    },
  };
  handlers.set(type, record);
  server.on(type, record.listener);
  return server;
}

/**
 * Removes the handler of `type` (its listener is unsubscribed). Requests already being
 * handled still get their reply.
 * @returns {boolean} whether there was one
 */
function unhandle(server, type) {
  const handlers = server[HANDLERS];
  const record = handlers === undefined ? undefined : handlers.get(type);
  if (record === undefined) return false;
  handlers.delete(type);
  const live = subscribed(server, type, record.listener);
  server.off(type, record.listener);
  return live;
}

function handlersOf(server) {
  let handlers = server[HANDLERS];
  if (handlers === undefined) {
    handlers = new Map();
    Object.defineProperty(server, HANDLERS, { value: handlers });
  }
  return handlers;
}

/** Whether `listener` is still subscribed (the user may have removed it with off()). */
function subscribed(server, type, listener) {
  const list = server._events_[type];
  return list !== undefined && list.includes(listener);
}

/**
 * Runs the handler (synchronously, as any listener runs) and sends its outcome. Never
 * rejects: a result JSON cannot carry becomes an error reply, and a reply that cannot be
 * sent at all is logged.
 */
async function respond(server, socket, type, id, handler, data) {
  let result;
  try {
    result = await handler.call(server, data, socket);
  } catch (err) {
    sendFailure(server, socket, type, id, err);
    return;
  }
  try {
    server.emit(socket, type, successData(id, result));
  } catch (err) {
    sendFailure(server, socket, type, id, err);
  }
}

function sendFailure(server, socket, type, id, err) {
  try {
    server.emit(socket, type, failureData(id, err));
  } catch (sendErr) {
    server.log('could not send the reply', type, id, sendErr);
  }
}

module.exports = { handle, unhandle };
