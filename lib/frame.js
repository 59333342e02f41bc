'use strict';

/**
 * JSON frame format of CONTRACT §6.1–6.5 (rawBuffer = false): each message is
 * JSON.stringify({type, data}) followed by the delimiter, byte-identical to
 * node-ipc 9.2.1. All JSON work is done by the JS engine so that encoding and
 * parse results match exactly.
 */

/** `data.message` of the error published for a frame that cannot be read. */
const INVALID_FRAME_MESSAGE = 'Invalid JSON response format';

/**
 * Data normalisation of CONTRACT §6.1 (Q13, Q14): any falsy value except `false`
 * and `0` becomes {}, as does a value with a truthy `_maxListeners` property
 * (e.g. an EventEmitter). Everything else is returned unchanged.
 * @param {*} data
 * @returns {*}
 */
function normaliseData(data) {
  if (!data && data !== false && data !== 0) {
    return {};
  }
  if (data._maxListeners) {
    return {};
  }
  return data;
}

/**
 * Build one frame: JSON.stringify({type, data: normaliseData(data)}) followed
 * by `delimiter` (plain string concatenation). `type` is not validated: a
 * number stays a number, undefined, a function or a Symbol drop the key.
 * @param {*} type
 * @param {*} data
 * @param {string} delimiter
 * @returns {string}
 * @throws {TypeError} for BigInt or circular data, as JSON.stringify does
 */
function encodeFrame(type, data, delimiter) {
  return JSON.stringify({ type: type, data: normaliseData(data) }) + delimiter;
}

/**
 * Read one frame text (delimiter already removed). A good frame gives its
 * `type` and `data` (undefined when absent). When the text is not JSON
 * (including the empty text) or is the JSON `null`, the result is
 * {type: 'error', data: {message: 'Invalid JSON response format',
 * err: <the SyntaxError or TypeError>, response: <the text, or null>}}.
 * @param {string} text
 * @returns {{type: *, data: *}}
 */
function parseFrame(text) {
  let value = text;
  try {
    value = JSON.parse(value);
    return { type: value.type, data: value.data };
  } catch (err) {
    return {
      type: 'error',
      data: { message: INVALID_FRAME_MESSAGE, err: err, response: value },
    };
  }
}

/**
 * Split a run of complete frames, each followed by `delimiter` (which may be
 * several characters long), into the frame texts without delimiters. An
 * empty text between two consecutive delimiters is kept (it parses to the
 * error frame). Text after the last delimiter, if any, is dropped; callers
 * pass runs that end with the delimiter. An empty delimiter yields [].
 * @param {string} run
 * @param {string} delimiter
 * @returns {string[]}
 */
function splitFrames(run, delimiter) {
  if (delimiter.length === 0) {
    return [];
  }
  const first = run.indexOf(delimiter);
  if (first === -1) {
    return [];
  }
  if (first + delimiter.length === run.length) {
    return [run.slice(0, first)];
  }
  const pieces = run.split(delimiter);
  pieces.pop();
  return pieces;
}

module.exports = {
  INVALID_FRAME_MESSAGE,
  normaliseData,
  encodeFrame,
  parseFrame,
  splitFrames,
};
