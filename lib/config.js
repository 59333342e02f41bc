'use strict';

/**
 * `ipc.config`: the defaults of CONTRACT §2, shared by reference with every
 * Server and Client an IPC instance creates.
 */

const os = require('os');

/** Default upper bound, in bytes, for one received frame (new key). */
const DEFAULT_MAX_MESSAGE_SIZE = 64 * 1024 * 1024;

/**
 * Default upper bound, in bytes, for what may be queued for one peer that does not read
 * (new key): the same as the largest message, so any message a peer accepts fits.
 */
const DEFAULT_MAX_QUEUED_BYTES = 64 * 1024 * 1024;

/**
 * Configuration object. Own keys are created in the order of CONTRACT §2 with
 * node-ipc 9.2.1's defaults, followed by the two keys this package adds,
 * `maxMessageSize` and `maxQueuedBytes`. Users may add any other key.
 */
class Defaults {
  constructor() {
    this.appspace = 'app.';
    this.socketRoot = '/tmp/';
    this.id = os.hostname();

    this.encoding = 'utf8';
    this.rawBuffer = false;
    this.sync = false;
    this.unlink = true;

    this.delimiter = '\f';

    this.silent = false;
    this.logDepth = 5;
    this.logInColor = true;
    this.logger = console.log.bind(console);

    this.maxConnections = 100;
    this.retry = 500;
    this.maxRetries = Infinity;
    this.stopRetrying = false;

    // 9.2.1 tries to detect the address family here but its test can
    // never succeed, so the value is always '' and the default host is
    // always the IPv4 loopback (CONTRACT §2, Q1).
    this.IPType = '';
    this.tls = false;
    this.networkHost = '127.0.0.1';
    this.networkPort = 8000;

    this.readableAll = false;
    this.writableAll = false;

    this.interface = {
      localAddress: false,
      localPort: false,
      family: false,
      hints: false,
      lookup: false,
    };

    /** Frames longer than this many bytes close the connection with an error. */
    this.maxMessageSize = DEFAULT_MAX_MESSAGE_SIZE;

    /**
     * A connection whose queue of unsent bytes would grow past this many is
     * destroyed with an `ENOBUFS` error (0 or Infinity: no limit).
     */
    this.maxQueuedBytes = DEFAULT_MAX_QUEUED_BYTES;
  }
}

/**
 * Default unix socket path (CONTRACT §2.1): plain concatenation of
 * config.socketRoot, config.appspace and id, read at call time.
 * @param {{socketRoot: string, appspace: string}} config
 * @param {string} id
 * @returns {string}
 */
function defaultSocketPath(config, id) {
  return config.socketRoot + config.appspace + id;
}

module.exports = { Defaults, defaultSocketPath, DEFAULT_MAX_MESSAGE_SIZE, DEFAULT_MAX_QUEUED_BYTES };
