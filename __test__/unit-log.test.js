'use strict';
// lib/log.js in-process (CONTRACT §3.1): how ipc.log formats its arguments and reads
// config; the lines are compared with node-ipc 9.2.1's log for the same arguments.
// session-log.test.js compares the lines of whole sessions.

const test = require('node:test');
const assert = require('node:assert/strict');
const util = require('util');
const { log } = require('../lib/log.js');

/** Build an object carrying `config` and our log method; lines land in `lines`. */
function carrier(overrides) {
  const lines = [];
  const config = {
    silent: false,
    logDepth: 5,
    logInColor: false,
    logger: (...args) => lines.push(args),
    ...overrides,
  };
  return { config, log, lines };
}

test('§3.1: silent returns before reading any other config key or argument', () => {
  const reads = [];
  const config = new Proxy({ silent: true }, {
    get(target, key) {
      reads.push(key);
      return target[key];
    },
  });
  const arg = { get boom() { throw new Error('inspected'); } };
  const obj = { config, log };
  assert.equal(obj.log('x', arg, Symbol('not joined')), undefined);
  assert.deepEqual(reads, ['silent']);
  for (const truthy of [1, 'yes', {}]) {
    const c = carrier({ silent: truthy, logger: () => { throw new Error('called'); } });
    c.log('x');
  }
});

test('§3.1: non-object arguments are joined with one space by Array.prototype.join', () => {
  const c = carrier();
  function namedFn() { return 1; }
  c.log('a', 1, true, undefined, 'b', 2.5, -0, namedFn, 10n);
  assert.deepEqual(c.lines, [['a 1 true  b 2.5 0 ' + String(namedFn) + ' 10']]);
});

test('§3.1: object arguments (null, arrays, Buffers, Errors, Dates) use util.inspect', () => {
  const c = carrier({ logInColor: false, logDepth: 5 });
  const err = new Error('bad');
  const date = new Date(0);
  const args = ['got', null, [1, 'a'], Buffer.from('hi'), err, date, { a: { b: 'c' } }];
  c.log(...args);
  const opts = { depth: 5, colors: false };
  const expected = ['got', 'null', util.inspect([1, 'a'], opts), util.inspect(Buffer.from('hi'), opts),
    util.inspect(err, opts), util.inspect(date, opts), util.inspect({ a: { b: 'c' } }, opts)].join(' ');
  assert.deepEqual(c.lines, [[expected]]);
  assert.equal(c.lines[0][0].startsWith("got null [ 1, 'a' ] <Buffer 68 69> Error: bad"), true);
});

test('§3.1: logInColor controls ANSI colours of inspected objects only', () => {
  const coloured = carrier({ logInColor: true });
  coloured.log('plain', { s: 'str' });
  assert.equal(coloured.lines[0][0], "plain { s: \u001b[32m'str'\u001b[39m }");
  const mono = carrier({ logInColor: false });
  mono.log('plain', { s: 'str' });
  assert.equal(mono.lines[0][0], "plain { s: 'str' }");
});

test('§3.1: logDepth is the util.inspect depth', () => {
  const nested = { a: { b: { c: {} } } };
  const shallow = carrier({ logDepth: 0 });
  shallow.log(nested);
  assert.equal(shallow.lines[0][0], '{ a: [Object] }');
  const deep = carrier({ logDepth: 1 });
  deep.log(nested);
  assert.equal(deep.lines[0][0], '{ a: { b: [Object] } }');
});

test('§3.1: config is read live at every call, through this.config', () => {
  const c = carrier();
  c.log({ x: 1 });
  c.config.logInColor = true;
  c.log({ x: 1 });
  c.config.silent = true;
  c.log('hidden');
  c.config.silent = false;
  const other = [];
  c.config.logger = (s) => other.push(s);
  c.log('new sink');
  assert.deepEqual(c.lines, [['{ x: 1 }'], ['{ x: \u001b[33m1\u001b[39m }']]);
  assert.deepEqual(other, ['new sink']);
  const second = { config: c.config, log };
  second.log('via another carrier');
  assert.deepEqual(other, ['new sink', 'via another carrier']);
});

test('§3.1: logger receives exactly one string; no arguments gives ""', () => {
  const c = carrier();
  c.log();
  c.log('only');
  assert.deepEqual(c.lines, [[''], ['only']]);
});

test('§3.1: a Symbol argument makes log throw TypeError (join cannot convert it)', () => {
  const c = carrier();
  assert.throws(() => c.log('a', Symbol('s')), TypeError);
  assert.deepEqual(c.lines, []);
});

test('§3.1: caller argument values are not modified', () => {
  const c = carrier();
  const obj = { k: 1 };
  const args = ['m', obj];
  c.log(...args);
  assert.equal(args[1], obj);
  assert.deepEqual(obj, { k: 1 });
});

test('§3.1 / Appendix A: output matches node-ipc 9.2.1 log for the same arguments', () => {
  const ipc = require('node-ipc');
  const theirs = [];
  const ours = [];
  const table = [
    ['dispatching event to ', 'world', '/tmp/app.world', ' : ', 'message', ',', { id: 'c1', message: 'hi' }],
    ['connection closed', 'world', '/tmp/app.world', Infinity, 'tries remaining of', Infinity],
    ['socket disconnected', 'false'],
    ['detected event', undefined, undefined],
    ['\n\n######\nerror: ', new Error('connect ENOENT')],
    [null, [1, [2, [3, [4, [5, [6, [7]]]]]]], Buffer.from([0, 255])],
  ];
  for (const colors of [true, false]) {
    for (const args of table) {
      const cfgTheirs = { silent: false, logDepth: 3, logInColor: colors, logger: (s) => theirs.push(s) };
      const cfgOurs = { silent: false, logDepth: 3, logInColor: colors, logger: (s) => ours.push(s) };
      ipc.log.apply({ config: cfgTheirs }, args);
      log.apply({ config: cfgOurs }, args);
    }
  }
  assert.equal(ours.length, 12);
  assert.deepEqual(ours, theirs);
});
