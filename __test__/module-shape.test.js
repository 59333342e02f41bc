'use strict';
// CONTRACT §1 (module shape) and §2 (config defaults) of the package entry itself.

const test = require('node:test');
const assert = require('node:assert/strict');
const os = require('os');

const ipc = require('..');

const OWN_KEYS = ['config', 'connectTo', 'connectToNet', 'disconnect', 'serve', 'serveNet', 'of', 'server', 'log', 'IPC'];

test('§1.1 require returns the singleton with its own properties in order', () => {
  assert.deepEqual(Object.keys(ipc), OWN_KEYS);
  assert.equal(ipc.constructor.name, 'IPCModule');
  assert.equal(require('..'), ipc, 'cached singleton');
  assert.equal(ipc.server, false);
  assert.deepEqual(ipc.of, {});
});

test('§1.1 writability and configurability of each own property', () => {
  const expect = {
    config: [true, false], connectTo: [false, false], connectToNet: [false, false],
    disconnect: [false, false], serve: [false, false], serveNet: [false, false],
    of: [true, false], server: [true, true], log: [false, false], IPC: [false, false],
  };
  for (const [key, [writable, configurable]] of Object.entries(expect)) {
    const d = Object.getOwnPropertyDescriptor(ipc, key);
    assert.equal(d.writable, writable, `${key} writable`);
    assert.equal(d.configurable, configurable, `${key} configurable`);
    assert.equal(d.enumerable, true, `${key} enumerable`);
  }
  assert.throws(() => { 'use strict'; ipc.serve = null; }, TypeError);
});

test('§1.2 new ipc.IPC() is independent and has no IPC property', () => {
  const other = new ipc.IPC();
  assert.deepEqual(Object.keys(other), OWN_KEYS.slice(0, -1));
  assert.notEqual(other.config, ipc.config);
  assert.notEqual(other.of, ipc.of);
  other.config.id = 'changed';
  assert.notEqual(ipc.config.id, 'changed');
});

test('§1.3 10.x extras: default and IPCModule are non-enumerable', () => {
  assert.equal(ipc.default, ipc);
  assert.equal(typeof ipc.IPCModule, 'function');
  assert.equal(new ipc.IPCModule().constructor.name, 'IPCModule');
  assert.equal(Object.keys(ipc).includes('default'), false);
  assert.equal(Object.keys(ipc).includes('IPCModule'), false);
});

test('§2 config defaults, including the new maxMessageSize', () => {
  const c = new ipc.IPC().config;
  assert.equal(c.id, os.hostname());
  assert.equal(c.appspace, 'app.');
  assert.equal(c.socketRoot, '/tmp/');
  assert.equal(c.delimiter, '\f');
  assert.equal(c.retry, 500);
  assert.equal(c.maxRetries, Infinity);
  assert.equal(c.maxConnections, 100);
  assert.equal(c.networkHost, '127.0.0.1');
  assert.equal(c.networkPort, 8000);
  assert.equal(c.maxMessageSize, 64 * 1024 * 1024);
});

test('§3.2 connectTo without id logs and does nothing; §3.5 serve builds a server without opening anything', () => {
  const inst = new ipc.IPC();
  const lines = [];
  inst.config.logger = (l) => lines.push(l);
  inst.config.logInColor = false;
  let called = false;
  inst.connectTo('', () => { called = true; });
  assert.equal(called, false);
  assert.deepEqual(lines, ['Service id required Requested service connection without specifying service id. Aborting connection attempt']);
  inst.config.silent = true;
  inst.serve('/tmp/never-started.sock', () => {});
  assert.equal(inst.server.path, '/tmp/never-started.sock');
  assert.equal(inst.server.server, false);
  assert.deepEqual(inst.server.sockets, []);
});
