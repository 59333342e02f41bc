'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const os = require('os');
const path = require('path');
const { Defaults, defaultSocketPath, DEFAULT_MAX_MESSAGE_SIZE } = require('../lib/config.js');

const NODE_IPC_DIR = path.dirname(require.resolve('node-ipc/package.json'));
const OriginalDefaults = require(path.join(NODE_IPC_DIR, 'entities', 'Defaults.js'));

const KEYS_9_2_1 = ['appspace', 'socketRoot', 'id', 'encoding', 'rawBuffer', 'sync', 'unlink',
  'delimiter', 'silent', 'logDepth', 'logInColor', 'logger', 'maxConnections', 'retry',
  'maxRetries', 'stopRetrying', 'IPType', 'tls', 'networkHost', 'networkPort', 'readableAll',
  'writableAll', 'interface'];

test('§2: Defaults own keys are in 9.2.1 order, then maxMessageSize and maxQueuedBytes last', () => {
  const config = new Defaults();
  assert.deepEqual(Object.keys(config), [...KEYS_9_2_1, 'maxMessageSize', 'maxQueuedBytes']);
  assert.equal(config.constructor.name, 'Defaults');
});

test('§2: default values are exactly the 9.2.1 defaults', () => {
  const config = new Defaults();
  const expected = {
    appspace: 'app.',
    socketRoot: '/tmp/',
    id: os.hostname(),
    encoding: 'utf8',
    rawBuffer: false,
    sync: false,
    unlink: true,
    delimiter: '\f',
    silent: false,
    logDepth: 5,
    logInColor: true,
    maxConnections: 100,
    retry: 500,
    maxRetries: Infinity,
    stopRetrying: false,
    IPType: '',
    tls: false,
    networkHost: '127.0.0.1',
    networkPort: 8000,
    readableAll: false,
    writableAll: false,
    interface: { localAddress: false, localPort: false, family: false, hints: false, lookup: false },
    maxMessageSize: 64 * 1024 * 1024,
    maxQueuedBytes: 64 * 1024 * 1024,
  };
  const { logger, ...rest } = config;
  assert.deepEqual(rest, expected);
  assert.equal(typeof logger, 'function');
  assert.equal(config.delimiter, '\u000c');
  assert.equal(DEFAULT_MAX_MESSAGE_SIZE, 67108864);
});

test('§2: keys and values match node-ipc 9.2.1 entities/Defaults.js (logger aside)', () => {
  const ours = new Defaults();
  const theirs = new OriginalDefaults();
  assert.deepEqual(Object.keys(theirs), KEYS_9_2_1);
  const { logger: l1, maxMessageSize, maxQueuedBytes, ...a } = ours;
  const { logger: l2, ...b } = theirs;
  assert.deepEqual(a, b);
  assert.equal(typeof l1, typeof l2);
  assert.equal(maxMessageSize, 67108864);
  assert.equal(maxQueuedBytes, 67108864);
});

test('§2: logger is console.log bound to console, captured at construction', () => {
  const original = console.log;
  const calls = [];
  console.log = function (...args) { calls.push({ self: this, args }); };
  let config;
  try {
    config = new Defaults();
  } finally {
    console.log = original;
  }
  const detached = config.logger;
  detached('line one');
  assert.deepEqual(calls.map((c) => c.args), [['line one']]);
  assert.equal(calls[0].self, console);
});

test('Q1: IPType is always "" and networkHost is the IPv4 loopback', () => {
  const config = new Defaults();
  assert.equal(config.IPType, '');
  assert.equal(config.networkHost, '127.0.0.1');
});

test('§2: each Defaults instance is independent (own interface object)', () => {
  const a = new Defaults();
  const b = new Defaults();
  assert.notEqual(a.interface, b.interface);
  a.interface.localPort = 1234;
  a.retry = 1;
  assert.equal(b.interface.localPort, false);
  assert.equal(b.retry, 500);
});

test('§2: config is a plain mutable object that accepts unknown keys', () => {
  const config = new Defaults();
  config.delay = 10;
  config.silent = true;
  assert.equal(config.delay, 10);
  assert.equal(config.silent, true);
  assert.equal(Object.isExtensible(config), true);
});

test('§2.1: defaultSocketPath is socketRoot + appspace + id by plain concatenation', () => {
  const config = new Defaults();
  assert.equal(defaultSocketPath(config, 'world'), '/tmp/app.world');
  config.socketRoot = '/tmp';
  config.appspace = 'my.';
  assert.equal(defaultSocketPath(config, 'world'), '/tmpmy.world');
  assert.equal(defaultSocketPath({ socketRoot: '/run/', appspace: '' }, 5), '/run/5');
  assert.equal(defaultSocketPath(new Defaults(), new Defaults().id), '/tmp/app.' + os.hostname());
});
