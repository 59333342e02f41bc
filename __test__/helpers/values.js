'use strict';
/**
 * JSON-line safe rendering of values that fixtures observe, shared by fixtures (which report)
 * and tests (which compute the expected report). Small values are reported as themselves;
 * values whose JSON text exceeds BIG_LIMIT are reported as a digest so that a 1 MiB payload
 * does not travel back over the stdout pipe.
 */
const crypto = require('crypto');

const BIG_LIMIT = 64 * 1024;

function sha256(text) {
  return crypto.createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * @param {*} v a value received from the IPC layer (already JSON-parsed, or undefined)
 * @returns {*} JSON-serialisable description
 */
function describeValue(v) {
  if (v === undefined) return { $undefined: true };
  let json;
  try {
    json = JSON.stringify(v);
  } catch (e) {
    return { $unserialisable: String(e && e.message) };
  }
  if (json === undefined) return { $unserialisable: typeof v };
  if (json.length > BIG_LIMIT) {
    return { $big: { type: typeof v, jsonLength: json.length, sha256: sha256(json) } };
  }
  return v;
}

/** Numbers such as Infinity are not JSON: report them as strings. */
function num(v) {
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  return v;
}

module.exports = { describeValue, num, sha256, BIG_LIMIT };
