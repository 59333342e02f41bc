'use strict';
// node-ipc's `entities/EventParser` (its frame formatter), which programs built on node-ipc
// load by path from beside the package's main file (jest-runner-vscode does, to write
// frames itself with a write callback). Same API, on this package's frame code.

const { encodeFrame } = require('./frame');

/** node-ipc's default delimiter. */
const DEFAULT_DELIMITER = '\f';

class EventParser {
  /** @param {{delimiter?: string}} [config]  an ipc.config (its delimiter is used) */
  constructor(config) {
    this.delimiter = config && config.delimiter !== undefined ? config.delimiter : DEFAULT_DELIMITER;
  }

  /**
   * One frame for a js-message-like `{type, data}`: its JSON with the data normalised
   * as emit() does (falsy except false/0, or an EventEmitter, becomes {}), then the
   * delimiter.
   * @param {{type: *, data: *}} message
   * @returns {string}
   */
  format(message) {
    return encodeFrame(message.type, message.data, this.delimiter);
  }

  /**
   * The complete frames of received text (the text after the last delimiter is
   * dropped, as node-ipc's parser does).
   * @param {string} data
   * @returns {string[]}
   */
  parse(data) {
    const frames = String(data).split(this.delimiter);
    frames.pop();
    return frames;
  }
}

module.exports = EventParser;
