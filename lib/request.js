'use strict';
// Request/response over ordinary node-ipc messages (docs/REQUEST.md): the wire convention
// shared by both sides, and the errors the API raises. The client side is in
// request-client.js, the server side in request-server.js.
//
// A request of type T is the message {type: T, data: {$req: ID, data: P}}; its reply is
// {type: T + '.reply', data: {$req: ID, data: RESULT}} or, when the handler failed,
// {type: T + '.reply', data: {$req: ID, error: {name, message[, code]}}}.

/** Suffix of a reply's message type. */
const REPLY_SUFFIX = '.reply';

/** Largest request id: ids are positive safe integers, so every JSON reader keeps them exact. */
const MAX_ID = Number.MAX_SAFE_INTEGER;

/** The reply type of request type `type`. */
function replyType(type) {
  return type + REPLY_SUFFIX;
}

/** Whether `id` can be a request id: an integer from 1 to 2^53 - 1. */
function isRequestId(id) {
  return Number.isSafeInteger(id) && id > 0;
}

/** The data of a request message. */
function requestData(id, data) {
  return { $req: id, data };
}

/** The data of a successful reply (`data` is left out of the JSON when undefined). */
function successData(id, result) {
  return { $req: id, data: result };
}

/** The data of a failed reply: the thrown value as {name, message[, code]}. */
function failureData(id, thrown) {
  return { $req: id, error: describeThrown(thrown) };
}

/**
 * What crosses the wire for a thrown value: its string `name` (else 'Error'), its string
 * `message` (else '', or the value itself as text when a primitive was thrown), and its
 * `code` when that is a string. Reading the value cannot throw out of here.
 */
function describeThrown(thrown) {
  const out = { name: 'Error', message: '' };
  if (thrown === null || (typeof thrown !== 'object' && typeof thrown !== 'function')) {
    out.message = safeText(thrown);
    return out;
  }
  const name = safeGet(thrown, 'name');
  const message = safeGet(thrown, 'message');
  const code = safeGet(thrown, 'code');
  if (typeof name === 'string') out.name = name;
  if (typeof message === 'string') out.message = message;
  if (typeof code === 'string') out.code = code;
  return out;
}

function safeGet(obj, key) {
  try {
    return obj[key];
  } catch (_) {
    return undefined;
  }
}

function safeText(value) {
  try {
    return String(value);
  } catch (_) {
    return '';
  }
}

/**
 * The Error a failed reply's `error` member stands for: name, message and code as the
 * remote side sent them, and `remote: true`.
 */
function remoteError(error) {
  const fields = error !== null && typeof error === 'object' ? error : { message: error };
  const message = typeof fields.message === 'string' ? fields.message : '';
  const err = new Error(message);
  err.name = typeof fields.name === 'string' ? fields.name : 'Error';
  if (typeof fields.code === 'string') err.code = fields.code;
  err.remote = true;
  return err;
}

/** An Error with a Node-style `code`, of class `Type` (Error, TypeError, RangeError). */
function codedError(Type, code, message) {
  const err = new Type(message);
  err.code = code;
  return err;
}

/** Node's ERR_INVALID_ARG_TYPE wording: `The "name" argument must be <expected>. Received ...`. */
function invalidArgType(name, expected, actual) {
  return codedError(TypeError, 'ERR_INVALID_ARG_TYPE',
    `The "${name}" argument must be ${expected}. Received ${describeReceived(actual)}`);
}

function outOfRange(name, range, actual) {
  return codedError(RangeError, 'ERR_OUT_OF_RANGE',
    `The value of "${name}" is out of range. It must be ${range}. Received ${safeText(actual)}`);
}

/** How Node's argument errors name the value they got. */
function describeReceived(value) {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'function') return `function ${value.name || '<anonymous>'}`;
  if (typeof value === 'object') {
    const ctor = safeGet(value, 'constructor');
    const name = ctor && typeof ctor === 'function' ? ctor.name : '';
    return name ? `an instance of ${name}` : 'an object';
  }
  let shown = typeof value === 'string' ? JSON.stringify(value) : safeText(value);
  if (typeof value === 'bigint') shown += 'n';
  if (shown.length > 28) shown = `${shown.slice(0, 25)}...`;
  return `type ${typeof value} (${shown})`;
}

module.exports = {
  MAX_ID,
  replyType,
  isRequestId,
  requestData,
  successData,
  failureData,
  remoteError,
  codedError,
  invalidArgType,
  outOfRange,
};
