'use strict';
// Message data from the command line: DATA is JSON when it parses (`42`, `"42"`, `{"a":1}`,
// `null`), else the text itself (`hello`). Without DATA, when stdin is not a terminal,
// the data is read from stdin to its end, by the same rule; text read from stdin loses
// one final line break (`echo hello |` sends "hello"), and empty input means no data.
// Also the payloads of `ping` and `bench`: printable ASCII of an exact byte size.

/** JSON when `text` parses as JSON, else `text`. */
function parseData(text) {
  try {
    return JSON.parse(text);
  } catch (_) {
    return text;
  }
}

/** Reads stdin to its end as UTF-8. */
function readStdin() {
  return new Promise((resolve, reject) => {
    const chunks = [];
    process.stdin.on('data', (chunk) => chunks.push(chunk));
    process.stdin.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    process.stdin.on('error', reject);
  });
}

/**
 * The data of `send` / `request`: the DATA argument, or stdin when DATA is absent and
 * stdin is not a terminal, or undefined (a message without data).
 * @param {string|undefined} arg
 * @returns {Promise<*>}
 */
async function messageData(arg) {
  if (arg !== undefined) return parseData(arg);
  if (process.stdin.isTTY) return undefined;
  const text = (await readStdin()).replace(/\r?\n$/, '');
  return text === '' ? undefined : parseData(text);
}

const PATTERN = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** A string of exactly `size` ASCII characters (so `size` bytes in UTF-8). */
function payload(size) {
  return PATTERN.repeat(Math.ceil(size / PATTERN.length)).slice(0, size);
}

module.exports = { parseData, messageData, payload };
