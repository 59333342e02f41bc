'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('path');
const EventEmitter = require('events');
const {
  INVALID_FRAME_MESSAGE, normaliseData, encodeFrame, parseFrame, splitFrames,
} = require('../lib/frame.js');

// Reference implementation: node-ipc 9.2.1's own EventParser and js-message 1.0.7,
// resolved from node-ipc's folder (where node-ipc itself would find it).
const NODE_IPC_DIR = path.dirname(require.resolve('node-ipc/package.json'));
const JS_MESSAGE_DIR = path.dirname(require.resolve('js-message/package.json', { paths: [NODE_IPC_DIR] }));
const Message = require(JS_MESSAGE_DIR);
const EventParser = require(path.join(NODE_IPC_DIR, 'entities', 'EventParser.js'));

/** What node-ipc 9.2.1 writes for emit(type, data) with this delimiter. */
function referenceEncode(type, data, delimiter) {
  const message = new Message();
  message.type = type;
  message.data = data;
  return new EventParser({ delimiter }).format(message);
}

/** What node-ipc 9.2.1 publishes for one received frame text. */
function referenceParse(text) {
  const message = new Message();
  message.load(text);
  return { type: message.type, data: message.data };
}

const hex = (s) => Buffer.from(s, 'utf8').toString('hex');
const spacedHex = (s) => hex(s).replace(/(..)(?!$)/g, '$1 ');

function namedFunction() { return 1; }
const emitter = new EventEmitter();
emitter.setMaxListeners(20);

/** [label, type, data] */
const ENCODE_TABLE = [
  ['object data', 'hello', { id: 'c1', message: 'hi' }],
  ['no data', 'ping', undefined],
  ['null', 'x', null],
  ['empty string', 'x', ''],
  ['NaN', 'x', NaN],
  ['zero', 'n', 0],
  ['negative zero', 'n', -0],
  ['false', 'f', false],
  ['true', 't', true],
  ['BigInt zero (falsy)', 'x', 0n],
  ['plain string', 's', 'text'],
  ['form feed and newline in string', 's', 'a\fb\n'],
  ['all control chars', 's', Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)).join('')],
  ['quotes, backslash, slash, DEL', 's', '"\\/\u007f'],
  ['unicode', 'msg', 'héllo wörld 日本語 😀'],
  ['U+2028 and U+2029', 's', 'a\u2028b\u2029c'],
  ['lone surrogates', 's', '\ud800 x \udfff \udc00\ud800'],
  ['unicode type', 'ñ😀', { 'ключ': 'значение' }],
  ['form feed in type', 'a\fb', 1],
  ['nested objects', 'deep', { a: { b: { c: [1, { d: 'e', f: null }] } }, g: [] }],
  ['array data', 'arr', [1, 'two', null, undefined, namedFunction, NaN, Infinity, -Infinity]],
  ['empty array', 'arr', []],
  ['empty object', 'obj', {}],
  ['undefined and function members', 'obj', { u: undefined, f: namedFunction, k: 1 }],
  ['number special values', 'num', { a: NaN, b: Infinity, c: -0, d: 1e21, e: 5e-7 }],
  ['Date', 'd', new Date(Date.UTC(2020, 1, 29, 12, 30, 15, 5))],
  ['Date in object', 'd', { at: new Date(0) }],
  ['Buffer', 'b', Buffer.from([0, 1, 254, 255])],
  ['empty Buffer', 'b', Buffer.alloc(0)],
  ['function data', 'fn', namedFunction],
  ['arrow function data', 'fn', () => 1],
  ['Symbol data', 'sym', Symbol('s')],
  ['numeric type', 5, 'five'],
  ['zero type', 0, 1],
  ['NaN type', NaN, 1],
  ['undefined type', undefined, 'x'],
  ['null type', null, 'x'],
  ['Symbol type', Symbol('t'), 1],
  ['function type', namedFunction, 1],
  ['object type', { nested: true }, 1],
  ['empty type', '', 'x'],
  ['EventEmitter with _maxListeners', 'ml', emitter],
  ['object with truthy _maxListeners', 'ml', { _maxListeners: 1, keep: 'dropped' }],
  ['object with falsy _maxListeners', 'ml', { _maxListeners: 0, keep: 'kept' }],
  ['array with _maxListeners', 'ml', Object.assign([1, 2], { _maxListeners: 'yes' })],
  ['toJSON returning undefined', 'tj', { toJSON() { return undefined; } }],
  ['toJSON returning value', 'tj', { toJSON() { return { replaced: true }; } }],
  ['Map and Set', 'ms', { m: new Map([[1, 2]]), s: new Set([1]) }],
  ['boxed primitives', 'box', { n: Object(1), s: Object('s'), b: Object(false) }],
  ['large string', 'big', 'x'.repeat(100000)],
];

test('§6.1: encodeFrame is byte-identical to js-message 1.0.7 + node-ipc 9.2.1 EventParser', () => {
  const version = require(path.join(JS_MESSAGE_DIR, 'package.json')).version;
  assert.equal(version, '1.0.7');
  assert.equal(require(path.join(NODE_IPC_DIR, 'package.json')).version, '9.2.1');
  for (const [label, type, data] of ENCODE_TABLE) {
    const expected = referenceEncode(type, data, '\f');
    const actual = encodeFrame(type, data, '\f');
    assert.equal(typeof actual, 'string', label);
    assert.equal(hex(actual), hex(expected), label);
  }
});

test('§6.1: encodeFrame matches the reference with custom delimiters', () => {
  for (const delimiter of ['\n', '\u0000', '\r\n', '<<END>>', 'é', '😀']) {
    for (const [label, type, data] of ENCODE_TABLE) {
      assert.equal(encodeFrame(type, data, delimiter), referenceEncode(type, data, delimiter),
        `${label} / ${JSON.stringify(delimiter)}`);
    }
  }
});

test('§6.1: frame layout is {"type":…,"data":…} + delimiter, type first, no whitespace', () => {
  assert.equal(encodeFrame('a', { x: [1, 2] }, '\f'), '{"type":"a","data":{"x":[1,2]}}\f');
  assert.equal(encodeFrame(5, 'five', '\f'), '{"type":5,"data":"five"}\f');
  assert.equal(encodeFrame(undefined, 'x', '\f'), '{"data":"x"}\f');
  assert.equal(encodeFrame(Symbol('s'), 'x', '\f'), '{"data":"x"}\f');
  assert.equal(encodeFrame('fn', namedFunction, '\f'), '{"type":"fn"}\f');
  assert.equal(encodeFrame('d', new Date(0), '\f'), '{"type":"d","data":"1970-01-01T00:00:00.000Z"}\f');
  assert.equal(encodeFrame('b', Buffer.from([1, 2]), '\f'), '{"type":"b","data":{"type":"Buffer","data":[1,2]}}\f');
  assert.equal(encodeFrame('u', '\u2028\ud800', '\f'), '{"type":"u","data":"\u2028\\ud800"}\f');
});

test('Q13: normaliseData turns falsy data except false and 0 into {}', () => {
  for (const falsy of [undefined, null, '', NaN, 0n]) {
    const out = normaliseData(falsy);
    assert.deepEqual(out, {}, String(falsy));
    assert.equal(Object.getPrototypeOf(out), Object.prototype);
  }
  assert.notEqual(normaliseData(null), normaliseData(null));
  assert.equal(normaliseData(false), false);
  assert.equal(normaliseData(0), 0);
  assert.ok(Object.is(normaliseData(-0), -0));
});

test('Q14: normaliseData turns data with a truthy _maxListeners into {}', () => {
  assert.deepEqual(normaliseData(emitter), {});
  assert.deepEqual(normaliseData({ _maxListeners: 1, a: 1 }), {});
  assert.deepEqual(normaliseData({ _maxListeners: 'x' }), {});
  const kept = { _maxListeners: 0, a: 1 };
  assert.equal(normaliseData(kept), kept);
  const plainEmitter = new EventEmitter();
  assert.equal(normaliseData(plainEmitter), plainEmitter);
});

test('§6.1: normaliseData returns any other value unchanged (same reference)', () => {
  const obj = { a: 1 };
  const arr = [1];
  const sym = Symbol('s');
  for (const value of [obj, arr, sym, namedFunction, 'str', 1, true, -1, Infinity, 1n]) {
    assert.equal(normaliseData(value), value);
  }
  assert.deepEqual(obj, { a: 1 });
});

test('§6.1: BigInt and circular data throw synchronously, like node-ipc 9.2.1', () => {
  const circular = { name: 'loop' };
  circular.self = circular;
  for (const data of [1n, { n: 2n }, circular, [circular]]) {
    let expected;
    try {
      referenceEncode('x', data, '\f');
    } catch (err) {
      expected = err;
    }
    assert.ok(expected instanceof TypeError);
    assert.throws(() => encodeFrame('x', data, '\f'),
      (err) => err instanceof TypeError && err.message === expected.message);
  }
  assert.throws(() => encodeFrame(1n, 'x', '\f'), TypeError);
});

test('§6.1: the default delimiter never occurs inside a frame', () => {
  for (const [label, type, data] of ENCODE_TABLE) {
    const frame = encodeFrame(type, data, '\f');
    assert.equal(frame.indexOf('\f'), frame.length - 1, label);
  }
});

test('§6.2: worked example emit("hello", {id:"c1", message:"hi"}) is 51 bytes', () => {
  const frame = encodeFrame('hello', { id: 'c1', message: 'hi' }, '\f');
  assert.equal(spacedHex(frame),
    '7b 22 74 79 70 65 22 3a 22 68 65 6c 6c 6f 22 2c 22 64 61 74 61 22 3a 7b 22 69 64 22 3a ' +
    '22 63 31 22 2c 22 6d 65 73 73 61 67 65 22 3a 22 68 69 22 7d 7d 0c');
  assert.equal(Buffer.byteLength(frame, 'utf8'), 51);
});

test('§6.2: worked example emit("ping") is 26 bytes', () => {
  const frame = encodeFrame('ping', undefined, '\f');
  assert.equal(frame, '{"type":"ping","data":{}}\f');
  assert.equal(spacedHex(frame),
    '7b 22 74 79 70 65 22 3a 22 70 69 6e 67 22 2c 22 64 61 74 61 22 3a 7b 7d 7d 0c');
  assert.equal(Buffer.byteLength(frame, 'utf8'), 26);
});

test('§6.2: worked example emit("msg", "héllo") is 31 bytes with é as c3 a9', () => {
  const frame = encodeFrame('msg', 'héllo', '\f');
  assert.equal(spacedHex(frame),
    '7b 22 74 79 70 65 22 3a 22 6d 73 67 22 2c 22 64 61 74 61 22 3a 22 68 c3 a9 6c 6c 6f 22 7d 0c');
  assert.equal(Buffer.byteLength(frame, 'utf8'), 31);
});

test('§6.2: worked example emit("n", 0) is 22 bytes', () => {
  const frame = encodeFrame('n', 0, '\f');
  assert.equal(frame, '{"type":"n","data":0}\f');
  assert.equal(hex(frame), '7b2274797065223a226e222c2264617461223a307d0c');
  assert.equal(Buffer.byteLength(frame, 'utf8'), 22);
});

test('§6.2: worked example emit("s", "a\\fb\\n") escapes the form feed as 5c 66 and newline as 5c 6e', () => {
  const frame = encodeFrame('s', 'a\fb\n', '\f');
  assert.equal(frame, '{"type":"s","data":"a\\fb\\n"}\f');
  assert.equal(spacedHex(frame),
    '7b 22 74 79 70 65 22 3a 22 73 22 2c 22 64 61 74 61 22 3a 22 61 5c 66 62 5c 6e 22 7d 0c');
});

test('§6.5: parseFrame returns type and data of a good frame', () => {
  assert.deepEqual(parseFrame('{"type":"hello","data":{"id":"c1","message":"hi"}}'),
    { type: 'hello', data: { id: 'c1', message: 'hi' } });
  assert.deepEqual(parseFrame('{"type":5,"data":0}'), { type: 5, data: 0 });
  const noData = parseFrame('{"type":"x"}');
  assert.deepEqual(Object.keys(noData), ['type', 'data']);
  assert.equal(noData.type, 'x');
  assert.equal(noData.data, undefined);
  assert.deepEqual(parseFrame('{}'), { type: undefined, data: undefined });
  assert.deepEqual(parseFrame(' {"data":[1],"type":"late","extra":1} '), { type: 'late', data: [1] });
  assert.deepEqual(parseFrame('"str"'), { type: undefined, data: undefined });
  assert.deepEqual(parseFrame('7'), { type: undefined, data: undefined });
  assert.deepEqual(parseFrame('[1,2]'), { type: undefined, data: undefined });
  assert.deepEqual(parseFrame('{"__proto__":{"type":"p"}}'), { type: undefined, data: undefined });
});

test('§6.5: a piece that is not JSON gives the error message with the SyntaxError and the text', () => {
  for (const text of ['{', 'not json', '{"type":"a"', '{"type":"a"}}', "{'type':'a'}", '\ud800']) {
    const out = parseFrame(text);
    assert.deepEqual(Object.keys(out), ['type', 'data']);
    assert.equal(out.type, 'error');
    assert.deepEqual(Object.keys(out.data), ['message', 'err', 'response']);
    assert.equal(out.data.message, 'Invalid JSON response format');
    assert.ok(out.data.err instanceof SyntaxError, text);
    assert.equal(out.data.response, text);
    let expected;
    try {
      JSON.parse(text);
    } catch (err) {
      expected = err;
    }
    assert.equal(out.data.err.message, expected.message);
  }
  assert.equal(INVALID_FRAME_MESSAGE, 'Invalid JSON response format');
});

test('§6.5: the empty piece gives the error with SyntaxError and response ""', () => {
  const out = parseFrame('');
  assert.equal(out.type, 'error');
  assert.ok(out.data.err instanceof SyntaxError);
  assert.equal(out.data.err.message, 'Unexpected end of JSON input');
  assert.equal(out.data.response, '');
});

test('§6.5: a piece that parses to null gives the error with TypeError and response null', () => {
  const out = parseFrame('null');
  assert.equal(out.type, 'error');
  assert.equal(out.data.message, 'Invalid JSON response format');
  assert.ok(out.data.err instanceof TypeError);
  assert.equal(out.data.err.message, "Cannot read properties of null (reading 'type')");
  assert.equal(out.data.response, null);
});

test('§6.5: parseFrame matches js-message 1.0.7 Message.load for every case', () => {
  const texts = ['{"type":"a","data":1}', '', 'null', ' null ', '{', 'not json', '5', '"str"', '[1,2]', 'true',
    'false', '{}', '{"type":"x"}', '{"data":2}', '{"type":null,"data":null}', '{"type":"a","data":1} ',
    '{"type":"u","data":"\\u2028\\ud800"}', '{"type":"dup","type":"second"}'];
  for (const [, type, data] of ENCODE_TABLE) {
    let frame;
    try {
      frame = encodeFrame(type, data, '');
    } catch {
      continue;
    }
    texts.push(frame);
  }
  const comparable = (r) => (r.type === 'error'
    ? { ...r, data: { ...r.data, err: [r.data.err.constructor, r.data.err.message] } }
    : r);
  for (const text of texts) {
    assert.deepEqual(comparable(parseFrame(text)), comparable(referenceParse(text)), JSON.stringify(text));
  }
});

test('§6.4: splitFrames matches node-ipc 9.2.1 EventParser.parse for single-character delimiters', () => {
  const runs = ['a\f', 'a\fb\f', '\f', '\f\f', 'a\f\fb\f', '{"type":"x","data":{}}\f{"type":"y","data":1}\f',
    'a\fb', '', 'abc'];
  const parser = new EventParser({ delimiter: '\f' });
  for (const run of runs) {
    assert.deepEqual(splitFrames(run, '\f'), parser.parse(run), JSON.stringify(run));
  }
  assert.deepEqual(splitFrames('x\ny\n', '\n'), ['x', 'y']);
});

test('§6.4/§6.5: an empty piece between two delimiters is kept and parses to the error', () => {
  const pieces = splitFrames('{"type":"a"}\f\f{"type":"b"}\f', '\f');
  assert.deepEqual(pieces, ['{"type":"a"}', '', '{"type":"b"}']);
  assert.deepEqual(pieces.map((p) => parseFrame(p).type), ['a', 'error', 'b']);
});

test('Q11: splitFrames handles multi-character delimiters', () => {
  assert.deepEqual(splitFrames('one\r\ntwo\r\n', '\r\n'), ['one', 'two']);
  assert.deepEqual(splitFrames('a<END><END>b<END>', '<END>'), ['a', '', 'b']);
  assert.deepEqual(splitFrames('solo<END>', '<END>'), ['solo']);
  assert.deepEqual(splitFrames('😀x😀', '😀'), ['', 'x']);
  const frames = [encodeFrame('a', { v: 1 }, '\r\n'), encodeFrame('b', [2], '\r\n')].join('');
  assert.deepEqual(splitFrames(frames, '\r\n').map(parseFrame), [
    { type: 'a', data: { v: 1 } }, { type: 'b', data: [2] }]);
});

test('§6.4: text after the last delimiter and runs without delimiter yield nothing extra', () => {
  assert.deepEqual(splitFrames('a\fpartial', '\f'), ['a']);
  assert.deepEqual(splitFrames('partial', '\f'), []);
  assert.deepEqual(splitFrames('a<END>b<EN', '<END>'), ['a']);
  assert.deepEqual(splitFrames('anything', ''), []);
});

test('§6.1/§6.5: frames round-trip through encodeFrame, splitFrames and parseFrame', () => {
  const messages = [['hello', { id: 'c1', message: 'hi' }], ['n', 0], ['f', false], ['s', 'a\fb\n\u2028'],
    [5, [1, { x: null }]], ['ping', {}]];
  const run = messages.map(([t, d]) => encodeFrame(t, d, '\f')).join('');
  assert.deepEqual(splitFrames(run, '\f').map(parseFrame), messages.map(([type, data]) => ({ type, data })));
});
