'use strict';
// Turning what the addon delivers into published node-ipc events (CONTRACT §6.4–6.6), shared
// by the client and the server.

const { StringDecoder } = require('string_decoder');
const { splitFrames, parseFrame } = require('./frame');

const LARGE_MESSAGE_LOG = 'Messages are large, You may want to consider smaller messages.';

/** Logged (unless silent) for a frame whose `type` cannot name an event; it is dropped. */
const UNNAMEABLE_TYPE_LOG = 'Dropped a message whose type cannot be an event name';

/** What `eventName` returns for a type that cannot name an event. */
const NO_EVENT = Symbol('no event name');

/**
 * The name a peer's `type` is published under. A primitive (string, number, boolean, null,
 * or undefined when the frame has no type) is used as it is, as node-ipc does: the bus
 * turns it into a property key, which cannot fail. An object or array becomes the key
 * node-ipc would have looked up, `String(type)`, computed here once and inside a try: an
 * object whose own `toString` is not a function (or an array holding one, or nested too
 * deep to print) has no key, and publishing it would throw. Those give NO_EVENT.
 * @param {*} type  the parsed frame's type (a JSON value)
 * @returns {*} the name, or NO_EVENT
 */
function eventName(type) {
  if (type === null || typeof type !== 'object') return type;
  try {
    return String(type);
  } catch (_) {
    return NO_EVENT;
  }
}

/**
 * The connection id a message's `data.id` announces (CONTRACT §6.3): a truthy string or
 * number, as node-ipc clients send; any other value (objects, arrays, `true`) is ignored,
 * since the library later formats the id and must not run a peer's value through that.
 * @param {*} data
 * @returns {string|number|undefined}
 */
function peerId(data) {
  if (!data) return undefined;
  const id = data.id;
  return (typeof id === 'string' || typeof id === 'number') && id ? id : undefined;
}

/**
 * Publishes every frame of a run (complete frames, each ending with the delimiter). As
 * with net.Socket, nothing more is read from a socket once it is destroyed: frames still
 * in the run when a handler destroys it (or calls ipc.disconnect) are dropped.
 * @param {object} owner  Client or Server (has config, log, publish)
 * @param {{destroyed: boolean}|null} socket  the socket facade the run arrived on (null
 *   for a datagram, which has none)
 * @param {string} run
 * @param {string} delimiter
 * @param {boolean} partial  whether an incomplete frame is still buffered
 * @param {(name: string|number, data: *) => void} deliver  called with each message's
 *   event name (see `eventName`) and data; messages without a usable name are dropped
 */
function publishFrames(owner, socket, run, delimiter, partial, deliver) {
  const loud = !owner.config.silent;
  if (partial && loud) owner.log(LARGE_MESSAGE_LOG);
  const frames = splitFrames(run, delimiter);
  for (let i = 0; i < frames.length && !(socket && socket.destroyed); i++) {
    const message = parseFrame(frames[i]);
    const name = eventName(message.type);
    if (name === NO_EVENT) {
      if (loud) owner.log(UNNAMEABLE_TYPE_LOG);
      continue;
    }
    deliver(name, message.data);
  }
}

/**
 * rawBuffer receive (§6.6): each read is decoded as a Node socket with
 * setEncoding(encoding) would, then re-encoded with Buffer.from(text, encoding).
 */
class RawDecoder {
  constructor(encoding) {
    this.encoding = encoding;
    this.decoder = new StringDecoder(encoding);
  }

  /** @param {Buffer} bytes */
  decode(bytes) {
    return Buffer.from(this.decoder.write(bytes), this.encoding);
  }
}

module.exports = { publishFrames, RawDecoder, peerId, LARGE_MESSAGE_LOG };
