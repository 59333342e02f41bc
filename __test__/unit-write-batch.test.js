'use strict';
// lib/write-batch.js in-process: what reaches the sink (targets, chunks, how many calls),
// and when (next tick, the 16 KiB threshold, the end of an addon event).

const test = require('node:test');
const assert = require('node:assert/strict');
const { WriteBatch, deliveringEvents } = require('../lib/write-batch.js');

const THRESHOLD = 16 * 1024;

/** Resolves after every process.nextTick callback queued so far has run. */
const afterTicks = () => new Promise((resolve) => setImmediate(resolve));

/** A batch whose sink records each call as [targets, chunks] and returns `congested()`. */
function recorded(congested = () => null) {
  const calls = [];
  const congestions = [];
  const batch = new WriteBatch((targets, chunks) => {
    calls.push([targets, chunks]);
    return congested();
  }, (conns) => congestions.push(conns));
  return { batch, calls, congestions };
}

test('strings pushed for one target in one tick reach the sink in one call on the next tick, joined', async () => {
  const { batch, calls } = recorded();
  batch.push(1, 'a');
  batch.push(1, 'b');
  batch.push(1, '');
  batch.push(1, 'cd');
  assert.deepEqual(calls, [], 'nothing is sent synchronously');
  assert.equal(batch.size, 4);
  let ranInSameTick = false;
  process.nextTick(() => { ranInSameTick = calls.length === 1; });
  await afterTicks();
  assert.equal(ranInSameTick, true, 'flushed by a nextTick queued before the test\'s own');
  assert.deepEqual(calls, [[[1], ['abcd']]]);
  assert.equal(batch.size, 0);
  await afterTicks();
  assert.equal(calls.length, 1, 'no second call');
});

test('other targets and Buffers keep their own entries, in push order; Buffers are passed as they are', async () => {
  const { batch, calls } = recorded();
  const e = Buffer.from('e');
  const g = Buffer.from('g');
  const h = Buffer.from('h');
  batch.push(1, 'a');
  batch.push(2, 'b');
  batch.push(2, 'c');
  batch.push(1, 'd');
  batch.push(1, e);
  batch.push(1, 'f');
  batch.push(1, g);
  batch.push(1, h);
  batch.push(0, 'i');
  batch.push(0, 'j');
  await afterTicks();
  assert.equal(calls.length, 1);
  const [targets, chunks] = calls[0];
  assert.deepEqual(targets, [1, 2, 1, 1, 1, 1, 1, 0]);
  assert.deepEqual(chunks, ['a', 'bc', 'd', e, 'f', g, h, 'ij']);
  assert.equal(chunks[3], e);
  assert.equal(chunks[5], g);
  assert.equal(chunks[6], h, 'consecutive Buffers are not concatenated');
});

test('size counts a string\'s UTF-16 code units and a Buffer\'s bytes', async () => {
  const { batch, calls } = recorded();
  batch.push(1, 'é😀');
  assert.equal(batch.size, 3);
  batch.push(1, Buffer.from('é😀'));
  assert.equal(batch.size, 9);
  await afterTicks();
  assert.equal(calls.length, 1);
  assert.equal(batch.size, 0);
});

test('the push that brings the batch to 16 KiB flushes it at once; the tick after sends nothing more', async () => {
  const { batch, calls } = recorded();
  batch.push(1, 'x'.repeat(THRESHOLD - 1));
  assert.equal(calls.length, 0);
  batch.push(1, 'y');
  assert.equal(calls.length, 1, 'flushed inside push');
  assert.deepEqual(calls[0], [[1], ['x'.repeat(THRESHOLD - 1) + 'y']]);
  assert.equal(batch.size, 0);
  // The next write of the same tick starts a new batch, sent on the next tick.
  batch.push(1, 'z');
  assert.equal(calls.length, 1);
  await afterTicks();
  assert.deepEqual(calls.slice(1), [[[1], ['z']]]);
  await afterTicks();
  assert.equal(calls.length, 2);
});

test('one chunk of 16 KiB (counted in code units: 8192 emoji) is sent inside push; one unit less waits', async () => {
  const { batch, calls } = recorded();
  const emoji = '😀'.repeat(THRESHOLD / 2);
  batch.push(3, emoji);
  assert.deepEqual(calls, [[[3], [emoji]]]);
  const buf = Buffer.alloc(THRESHOLD - 1, 1);
  batch.push(3, buf);
  assert.equal(calls.length, 1);
  await afterTicks();
  assert.deepEqual(calls.slice(1), [[[3], [buf]]]);
});

test('flush() sends now and only when something is pending; the arrays handed over are not touched afterwards', async () => {
  const { batch, calls } = recorded();
  batch.flush();
  assert.equal(calls.length, 0, 'empty batch: no sink call');
  batch.push(1, 'a');
  batch.push(2, Buffer.from('b'));
  batch.flush();
  assert.equal(calls.length, 1);
  const [targets, chunks] = calls[0];
  batch.push(1, 'c');
  assert.deepEqual(targets, [1, 2]);
  assert.deepEqual(chunks, ['a', Buffer.from('b')]);
  await afterTicks();
  assert.deepEqual(calls.slice(1), [[[1], ['c']]], 'the write after flush() is sent on a tick, once');
});

test('onCongested gets exactly what the sink returned, after it, and only when that is truthy', async () => {
  let answer = null;
  const order = [];
  const batch = new WriteBatch(() => { order.push('sink'); return answer; }, (conns) => order.push(['congested', conns]));
  batch.push(1, 'a');
  batch.flush();
  answer = undefined;
  batch.push(1, 'b');
  batch.flush();
  const list = [4, 2];
  answer = list;
  batch.push(1, 'c');
  batch.flush();
  answer = [];
  batch.push(1, 'd');
  batch.flush();
  assert.deepEqual(order, ['sink', 'sink', 'sink', ['congested', [4, 2]], 'sink', ['congested', []]]);
  assert.equal(order[3][1], list);
});

test('deliveringEvents: the callback gets the five arguments; writes made inside are sent when it returns, before any tick', async () => {
  const a = recorded();
  const b = recorded();
  const seen = [];
  const deliver = deliveringEvents((...args) => {
    seen.push(args);
    a.batch.push(7, 'x');
    b.batch.push(8, 'y');
    a.batch.push(7, 'z');
    assert.equal(a.calls.length + b.calls.length, 0, 'nothing sent during the event');
    return 'ignored';
  });
  assert.equal(deliver(1, 2, 'text', null, 5, 'extra'), undefined);
  assert.deepEqual(seen, [[1, 2, 'text', null, 5]]);
  assert.deepEqual(a.calls, [[[7], ['xz']]]);
  assert.deepEqual(b.calls, [[[8], ['y']]]);
  await afterTicks();
  assert.equal(a.calls.length + b.calls.length, 2, 'no tick-scheduled second send');
});

test('deliveringEvents: a batch already waiting for its tick is sent with the event\'s writes, once', async () => {
  const { batch, calls } = recorded();
  batch.push(1, 'before ');
  deliveringEvents(() => batch.push(1, 'during'))(0, 0, null, null, 0);
  assert.deepEqual(calls, [[[1], ['before during']]]);
  await afterTicks();
  assert.equal(calls.length, 1);
});

test('deliveringEvents: the 16 KiB threshold still flushes inside the event', () => {
  const { batch, calls } = recorded();
  deliveringEvents(() => {
    batch.push(1, 'x'.repeat(THRESHOLD));
    assert.equal(calls.length, 1);
    batch.push(1, 'tail');
    assert.equal(calls.length, 1);
  })(0, 0, null, null, 0);
  assert.deepEqual(calls.map(([, chunks]) => chunks.map((c) => c.length)), [[THRESHOLD], [4]]);
});

test('deliveringEvents: a throwing callback still flushes, the error reaches the caller, and later writes go back to ticks', async () => {
  const { batch, calls } = recorded();
  const boom = new Error('handler failed');
  const deliver = deliveringEvents(() => {
    batch.push(1, 'reply');
    throw boom;
  });
  assert.throws(() => deliver(0, 0, null, null, 0), (err) => err === boom);
  assert.deepEqual(calls, [[[1], ['reply']]]);
  batch.push(1, 'later');
  assert.equal(calls.length, 1, 'outside an event a write waits for the tick');
  await afterTicks();
  assert.deepEqual(calls.slice(1), [[[1], ['later']]]);
});

test('deliveringEvents: an event that writes nothing sends nothing', async () => {
  const { batch, calls } = recorded();
  deliveringEvents(() => {})(0, 0, null, null, 0);
  batch.flush();
  await afterTicks();
  assert.deepEqual(calls, []);
});
