'use strict';
// Turning what the addon delivers into published node-ipc events (spec §6.4–6.6), shared
// by the client and the server.

const { StringDecoder } = require('string_decoder');
const { splitFrames, parseFrame } = require('./frame');

const LARGE_MESSAGE_LOG = 'Messages are large, You may want to consider smaller messages.';

/**
 * Publishes every frame of a run (complete frames, each ending with the delimiter).
 * @param {object} owner  Client or Server (has config, log, publish)
 * @param {string} run
 * @param {string} delimiter
 * @param {boolean} partial  whether an incomplete frame is still buffered
 * @param {(message: {type: *, data: *}) => void} deliver
 */
function publishFrames(owner, run, delimiter, partial, deliver) {
  if (partial && !owner.config.silent) owner.log(LARGE_MESSAGE_LOG);
  const frames = splitFrames(run, delimiter);
  for (let i = 0; i < frames.length; i++) {
    deliver(parseFrame(frames[i]));
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

module.exports = { publishFrames, RawDecoder, LARGE_MESSAGE_LOG };
