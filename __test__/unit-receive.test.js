'use strict';
// lib/receive.js in-process: publishFrames (a run of complete frames → event names and
// data, in order; what is dropped and what is logged), peerId, and RawDecoder (rawBuffer
// reads decoded as a socket with setEncoding would, across read boundaries).

const test = require('node:test');
const assert = require('node:assert/strict');
const { publishFrames, RawDecoder, peerId, LARGE_MESSAGE_LOG } = require('../lib/receive.js');
const { encodeFrame, INVALID_FRAME_MESSAGE } = require('../lib/frame.js');

const UNNAMEABLE = 'Dropped a message whose type cannot be an event name';

/**
 * A Client/Server stand-in: config, and a log method whose calls land in `events` (as
 * ['log', ...args], called with `this` = the owner) next to the deliveries.
 */
function owner({ silent = false } = {}) {
  const events = [];
  return {
    config: { silent },
    events,
    log(...args) { this.events.push(['log', ...args]); },
    deliver: (name, data) => events.push(['deliver', name, data]),
  };
}

function publish(o, run, { delimiter = '\f', partial = false, socket = null } = {}) {
  publishFrames(o, socket, run, delimiter, partial, o.deliver);
  return o.events;
}

test('publishFrames: every frame of the run is delivered as (type, data), in order', () => {
  const run = encodeFrame('a', { x: 1 }, '\f') + encodeFrame('b', [1, 2], '\f') +
    encodeFrame(5, 'five', '\f') + encodeFrame('c', undefined, '\f') + encodeFrame('ünï😀', 'ü', '\f');
  assert.deepEqual(publish(owner(), run), [
    ['deliver', 'a', { x: 1 }],
    ['deliver', 'b', [1, 2]],
    ['deliver', 5, 'five'],
    ['deliver', 'c', {}],
    ['deliver', 'ünï😀', 'ü'],
  ]);
});

test('publishFrames: a delimiter of several characters; one inside a JSON string splits the frame there, as in node-ipc', () => {
  const run = encodeFrame('a', 'x#END#y', '#END#') + encodeFrame('b', 2, '#END#');
  // '#END#' inside a string is not escaped by JSON, so it splits the frame: as node-ipc.
  const events = publish(owner(), run, { delimiter: '#END#' });
  assert.deepEqual(events.map((e) => e.slice(0, 2)), [
    ['deliver', 'error'], ['deliver', 'error'], ['deliver', 'b'],
  ]);
  assert.deepEqual(events[0][2].response, '{"type":"a","data":"x');
  assert.deepEqual(events[1][2].response, 'y"}');
  assert.deepEqual(events[2], ['deliver', 'b', 2]);
  // A form feed inside a string is escaped (\f), so the default delimiter never splits one.
  assert.deepEqual(publish(owner(), encodeFrame('a', 'x\fy', '\f')), [['deliver', 'a', 'x\fy']]);
});

test('publishFrames: empty runs, runs without a delimiter and an empty delimiter deliver nothing; text after the last delimiter is dropped', () => {
  assert.deepEqual(publish(owner(), ''), []);
  assert.deepEqual(publish(owner(), '{"type":"a"}'), []);
  assert.deepEqual(publish(owner(), '{"type":"a"}\f', { delimiter: '' }), []);
  assert.deepEqual(publish(owner(), '{"type":"a"}\f{"type":"b"}'), [['deliver', 'a', undefined]]);
});

test('publishFrames: frames that are not a JSON object are delivered as node-ipc 9.2.1 publishes them', () => {
  const events = publish(owner(), 'not json\f\f\fnull\f5\f"s"\f[1]\f{"data":1}\f');
  assert.deepEqual(events.map((e) => e.slice(0, 2)), [
    ['deliver', 'error'], ['deliver', 'error'], ['deliver', 'error'], ['deliver', 'error'],
    ['deliver', undefined], ['deliver', undefined], ['deliver', undefined], ['deliver', undefined],
  ]);
  const errors = events.slice(0, 4).map(([, , data]) => [data.message, data.err.constructor.name, data.response]);
  assert.deepEqual(errors, [
    [INVALID_FRAME_MESSAGE, 'SyntaxError', 'not json'],
    [INVALID_FRAME_MESSAGE, 'SyntaxError', ''],
    [INVALID_FRAME_MESSAGE, 'SyntaxError', ''],
    [INVALID_FRAME_MESSAGE, 'TypeError', null],
  ]);
  assert.deepEqual(events.slice(4).map((e) => e[2]), [undefined, undefined, undefined, 1]);
});

test('publishFrames: primitive types are the event name as they are; objects and arrays become String(type)', () => {
  const types = [null, true, false, 0, 1.5, -1, '', 'x', [], [1, 'a'], [[1, 2], [3]], {}, { a: 1 }];
  const run = types.map((type) => JSON.stringify({ type, data: 1 }) + '\f').join('');
  const events = publish(owner(), run);
  assert.deepEqual(events.map((e) => e[1]), [
    null, true, false, 0, 1.5, -1, '', 'x', '', '1,a', '1,2,3', '[object Object]', '[object Object]',
  ]);
  assert.ok(events.every((e) => e[0] === 'deliver' && e[2] === 1));
});

test('publishFrames: a type String() cannot convert is dropped and logged; the frames around it are delivered', () => {
  const deep = '['.repeat(100000) + ']'.repeat(100000);
  const run = '{"type":"before"}\f{"type":{"toString":1}}\f{"type":[{"toString":1}]}\f' +
    `{"type":${deep}}\f{"type":{"toString":{},"valueOf":[]}}\f{"type":"after","data":2}\f`;
  assert.deepEqual(publish(owner(), run), [
    ['deliver', 'before', undefined],
    ['log', UNNAMEABLE],
    ['log', UNNAMEABLE],
    ['log', UNNAMEABLE],
    ['log', UNNAMEABLE],
    ['deliver', 'after', 2],
  ]);
  assert.deepEqual(publish(owner({ silent: true }), run), [
    ['deliver', 'before', undefined],
    ['deliver', 'after', 2],
  ]);
});

test('publishFrames: a partial frame still buffered logs the large-message line once, before the deliveries (not when silent)', () => {
  assert.equal(LARGE_MESSAGE_LOG, 'Messages are large, You may want to consider smaller messages.');
  const run = '{"type":"a"}\f{"type":"b"}\f';
  assert.deepEqual(publish(owner(), run, { partial: true }), [
    ['log', LARGE_MESSAGE_LOG],
    ['deliver', 'a', undefined],
    ['deliver', 'b', undefined],
  ]);
  assert.deepEqual(publish(owner(), '', { partial: true }), [['log', LARGE_MESSAGE_LOG]]);
  assert.deepEqual(publish(owner({ silent: true }), run, { partial: true }), [
    ['deliver', 'a', undefined],
    ['deliver', 'b', undefined],
  ]);
});

test('publishFrames: once the socket is destroyed (by a handler, or before) the rest of the run is dropped', () => {
  const run = '{"type":"a"}\f{"type":"b"}\f{"type":"c"}\f';
  const socket = { destroyed: false };
  const o = owner();
  publishFrames(o, socket, run, '\f', false, (name) => {
    o.events.push(name);
    if (name === 'b') socket.destroyed = true;
  });
  assert.deepEqual(o.events, ['a', 'b']);
  assert.deepEqual(publish(owner(), run, { socket: { destroyed: true } }), []);
  assert.deepEqual(publish(owner(), run, { socket: { destroyed: false } }).map((e) => e[1]), ['a', 'b', 'c']);
});

test('peerId: a truthy string or number id; anything else (and no data) is undefined', () => {
  const cases = [
    [{ id: 'c1' }, 'c1'], [{ id: 7 }, 7], [{ id: -1 }, -1], [{ id: '0' }, '0'],
    [{ id: '' }, undefined], [{ id: 0 }, undefined], [{ id: NaN }, undefined], [{ id: true }, undefined],
    [{ id: {} }, undefined], [{ id: ['a'] }, undefined], [{ id: null }, undefined], [{}, undefined],
    [undefined, undefined], [null, undefined], [0, undefined], ['', undefined], ['abc', undefined], [5, undefined],
  ];
  assert.deepEqual(cases.map(([data]) => peerId(data)), cases.map(([, id]) => id));
});

/** The Buffers a RawDecoder returns for these reads, as arrays of byte values. */
function decodeReads(encoding, reads) {
  const decoder = new RawDecoder(encoding);
  return reads.map((bytes) => {
    const out = decoder.decode(Buffer.from(bytes));
    assert.ok(Buffer.isBuffer(out));
    return [...out];
  });
}

test('RawDecoder utf8: a character split across reads comes out whole with the read that completes it', () => {
  // '€' = e2 82 ac; '😀' = f0 9f 98 80. A read holding only part of a character gives an
  // empty Buffer.
  assert.deepEqual(decodeReads('utf8', [[0x61, 0xe2], [0x82, 0xac, 0x62]]), [[0x61], [0xe2, 0x82, 0xac, 0x62]]);
  assert.deepEqual(decodeReads('utf8', [[0xf0], [0x9f], [0x98], [0x80]]), [[], [], [], [0xf0, 0x9f, 0x98, 0x80]]);
  assert.deepEqual(decodeReads('utf8', [[]]), [[]]);
});

test('RawDecoder utf8: invalid bytes become U+FFFD (ef bf bd), as a socket with setEncoding(\'utf8\') reads them', () => {
  assert.deepEqual(decodeReads('utf8', [[0xff, 0x41]]), [[0xef, 0xbf, 0xbd, 0x41]]);
  assert.deepEqual(decodeReads('utf8', [[0xe2, 0x41]]), [[0xef, 0xbf, 0xbd, 0x41]]);
  assert.deepEqual(decodeReads('utf8', [[0xe2], [0x41]]), [[], [0xef, 0xbf, 0xbd, 0x41]]);
});

test('RawDecoder: other encodings (ascii clears the high bit, base64 and utf16le carry incomplete units over)', () => {
  assert.deepEqual(decodeReads('ascii', [[0x68, 0xe9, 0xff]]), [[0x68, 0x69, 0x7f]]);
  assert.deepEqual(decodeReads('latin1', [[0x00, 0xe9, 0xff]]), [[0x00, 0xe9, 0xff]]);
  assert.deepEqual(decodeReads('hex', [[0x00, 0xab], [0xff]]), [[0x00, 0xab], [0xff]]);
  assert.deepEqual(decodeReads('base64', [[1, 2, 3, 4], [5, 6]]), [[1, 2, 3], [4, 5, 6]]);
  assert.deepEqual(decodeReads('utf16le', [[0x61], [0x00, 0x62], [0x00]]), [[], [0x61, 0x00], [0x62, 0x00]]);
});
