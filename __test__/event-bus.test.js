'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const { installEventBus, createEventBus } = require('../lib/event-bus.js');

const BUS_KEYS = ['_events_', 'emit', 'trigger', 'publish', 'on', 'subscribe',
  'once', 'off', 'unSubscribe', 'emit$'];

test('§4.9: installEventBus defines the own enumerable keys in order, on the target', () => {
  const target = { before: 1 };
  const returned = installEventBus(target);
  assert.equal(returned, target);
  assert.deepEqual(Object.keys(target), ['before', ...BUS_KEYS]);
  assert.equal(Object.getPrototypeOf(target._events_), null);
  assert.deepEqual(Object.keys(target._events_), []);
  assert.equal(target.emit, target.publish);
  assert.equal(target.trigger, target.publish);
  assert.equal(target['emit$'], target.publish);
  assert.equal(target.subscribe, target.on);
  assert.equal(target.unSubscribe, target.off);
  for (const key of BUS_KEYS) {
    const d = Object.getOwnPropertyDescriptor(target, key);
    assert.equal(d.enumerable, true, key);
    assert.equal(d.writable, true, key);
  }
});

test('§4.9: createEventBus returns independent plain objects', () => {
  const a = createEventBus();
  const b = createEventBus();
  assert.deepEqual(Object.keys(a), BUS_KEYS);
  assert.equal(Object.getPrototypeOf(a), Object.prototype);
  assert.notEqual(a._events_, b._events_);
  let calls = 0;
  a.on('x', () => calls++);
  b.publish('x');
  assert.equal(calls, 0);
  a.publish('x');
  assert.equal(calls, 1);
});

test('§4.9: emit can be overwritten without affecting publish/trigger/emit$', () => {
  const bus = createEventBus();
  const seen = [];
  bus.on('x', (v) => seen.push(v));
  bus.emit = () => seen.push('network');
  bus.emit('x', 0);
  bus.publish('x', 1);
  bus.trigger('x', 2);
  bus['emit$']('x', 3);
  assert.deepEqual(seen, ['network', 1, 2, 3]);
});

test('§4.9: on/subscribe append in registration order, allow duplicates, are chainable', () => {
  const bus = createEventBus();
  const order = [];
  const h = () => order.push('h');
  assert.equal(bus.on('e', () => order.push(1)), bus);
  assert.equal(bus.subscribe('e', h), bus);
  bus.on('e', h).on('e', () => order.push(3));
  assert.equal(bus._events_.e.length, 4);
  assert.equal(bus._events_.e[1], h);
  bus.publish('e');
  assert.deepEqual(order, [1, 'h', 'h', 3]);
});

test('§4.9: on/subscribe/once without a handler throw ReferenceError("handler not defined.")', () => {
  const bus = createEventBus();
  for (const method of ['on', 'subscribe', 'once']) {
    for (const missing of [undefined, null, 0, '', false]) {
      assert.throws(() => bus[method]('e', missing),
        (err) => err instanceof ReferenceError && err.message === 'handler not defined.',
        `${method}(${String(missing)})`);
    }
    assert.throws(() => bus[method]('e'), ReferenceError);
  }
  assert.equal(bus._events_.e, undefined);
});

test('§4.9: publish passes arguments through with their exact count and returns the target', () => {
  const bus = createEventBus();
  const seen = [];
  bus.on('e', function () { seen.push(Array.from(arguments)); });
  assert.equal(bus.publish('e'), bus);
  bus.publish('e', undefined);
  bus.publish('e', 1, 'two');
  bus.publish('e', 1, 2, 3, 4, 5, 6);
  assert.deepEqual(seen, [[], [undefined], [1, 'two'], [1, 2, 3, 4, 5, 6]]);
  const obj = { a: 1 };
  let received;
  bus.on('o', (v) => { received = v; });
  bus.publish('o', obj);
  assert.equal(received, obj);
});

test('§4.9: publishing a type without handlers returns the target and calls nothing', () => {
  const bus = createEventBus();
  let calls = 0;
  bus.on('a', () => calls++);
  assert.equal(bus.publish('b', 1), bus);
  assert.equal(calls, 0);
});

test('§4.9: type keys are coerced like property keys (5 reaches "5", undefined reaches "undefined")', () => {
  const bus = createEventBus();
  const seen = [];
  bus.on('5', (d) => seen.push(['5', d]));
  bus.on('undefined', (d) => seen.push(['undefined', d]));
  bus.on(7, (d) => seen.push(['7', d]));
  bus.on('null', (d) => seen.push(['null', d]));
  bus.publish(5, 'five');
  bus.publish(undefined, 'u');
  bus.publish('7', 'seven');
  bus.publish(null, 'n');
  assert.deepEqual(seen, [['5', 'five'], ['undefined', 'u'], ['7', 'seven'], ['null', 'n']]);
  assert.deepEqual(Object.keys(bus._events_), ['5', '7', 'undefined', 'null']);
  bus.off(5, '*');
  assert.equal(bus._events_['5'], undefined);
});

test('§4.9: symbol types are distinct keys', () => {
  const bus = createEventBus();
  const s1 = Symbol('s');
  const s2 = Symbol('s');
  const seen = [];
  bus.on(s1, () => seen.push(1));
  bus.on(s2, () => seen.push(2));
  bus.publish(s2);
  bus.publish(s1);
  assert.deepEqual(seen, [2, 1]);
});

test('§4.9: once handler runs only for the first publish', () => {
  const bus = createEventBus();
  const seen = [];
  assert.equal(bus.once('e', (v) => seen.push(v)), bus);
  bus.publish('e', 1);
  bus.publish('e', 2);
  assert.deepEqual(seen, [1]);
  assert.equal(bus._events_.e, undefined);
});

test('§4.9: once removes only its own registration (a plain on of the same function stays)', () => {
  const bus = createEventBus();
  const seen = [];
  const h = (v) => seen.push(v);
  bus.once('e', h);
  bus.on('e', h);
  bus.on('other', h);
  bus.publish('e', 1);
  bus.publish('e', 2);
  bus.publish('other', 3);
  assert.deepEqual(seen, [1, 1, 2, 3]);
  assert.equal(bus._events_.e.length, 1);
  assert.equal(bus._events_.e[0], h);
  assert.equal(Object.prototype.hasOwnProperty.call(h, '_once_'), false);
});

test('§4.9: off(type, handler) also removes a once registration of that handler', () => {
  const bus = createEventBus();
  let calls = 0;
  const h = () => calls++;
  bus.once('e', h);
  bus.off('e', h);
  bus.publish('e');
  assert.equal(calls, 0);
  assert.equal(bus._events_.e, undefined);
});

test('§4.9: once handler is not called again by a publish made from inside it', () => {
  const bus = createEventBus();
  let calls = 0;
  bus.once('e', () => {
    calls++;
    bus.publish('e');
  });
  bus.publish('e');
  assert.equal(calls, 1);
});

test('§4.9: once handler reached by a nested publish is not called again by the outer one', () => {
  const bus = createEventBus();
  const seen = [];
  let nested = false;
  bus.on('e', () => {
    seen.push('first');
    if (!nested) {
      nested = true;
      bus.publish('e');
    }
  });
  bus.once('e', () => seen.push('once'));
  bus.publish('e');
  assert.deepEqual(seen, ['first', 'first', 'once']);
});

test('§4.9: off/unSubscribe remove every occurrence, keep others, delete empty entries, return target', () => {
  const bus = createEventBus();
  const seen = [];
  const a = () => seen.push('a');
  const b = () => seen.push('b');
  bus.on('e', a).on('e', b).on('e', a);
  assert.equal(bus.off('e', a), bus);
  bus.publish('e');
  assert.deepEqual(seen, ['b']);
  assert.equal(bus.unSubscribe('e', b), bus);
  assert.equal('e' in bus._events_, false);
  assert.equal(bus.off('e', b), bus);
  const c = () => seen.push('c');
  bus.on('e', c);
  bus.off('e', a);
  bus.publish('e');
  assert.deepEqual(seen, ['b', 'c']);
});

test('§4.9: off(type, "*") removes all handlers of that type only', () => {
  const bus = createEventBus();
  const seen = [];
  bus.on('e', () => seen.push(1)).on('e', () => seen.push(2)).on('f', () => seen.push(3));
  assert.equal(bus.off('e', '*'), bus);
  assert.equal('e' in bus._events_, false);
  bus.publish('e');
  bus.publish('f');
  assert.deepEqual(seen, [3]);
});

test('§4.9: off without handler throws ReferenceError when the type has handlers, is silent otherwise', () => {
  const bus = createEventBus();
  assert.equal(bus.off('none'), bus);
  bus.on('e', () => {});
  assert.throws(() => bus.off('e'), ReferenceError);
  assert.throws(() => bus.unSubscribe('e', null), ReferenceError);
  assert.equal(bus._events_.e.length, 1);
});

test('§4.9: handler exceptions propagate out of publish and stop later handlers', () => {
  const bus = createEventBus();
  let later = 0;
  bus.on('e', () => { throw new RangeError('boom'); });
  bus.on('e', () => later++);
  assert.throws(() => bus.publish('e'), RangeError);
  assert.equal(later, 0);
});

test('§4.9: a handler removed during a publish does not disturb that publish', () => {
  const bus = createEventBus();
  const seen = [];
  const b = () => seen.push('b');
  const c = () => seen.push('c');
  bus.on('e', () => { seen.push('a'); bus.off('e', b); });
  bus.on('e', b);
  bus.on('e', c);
  bus.publish('e');
  assert.deepEqual(seen, ['a', 'b', 'c']);
  seen.length = 0;
  bus.publish('e');
  assert.deepEqual(seen, ['a', 'c']);
});

test('§4.9: a handler removing itself does not skip the next handler', () => {
  const bus = createEventBus();
  const seen = [];
  const self = () => { seen.push('self'); bus.off('e', self); };
  bus.on('e', self);
  bus.on('e', () => seen.push('next'));
  bus.on('e', () => seen.push('last'));
  bus.publish('e');
  bus.publish('e');
  assert.deepEqual(seen, ['self', 'next', 'last', 'next', 'last']);
});

test('§4.9: consecutive once handlers all run exactly once', () => {
  const bus = createEventBus();
  const seen = [];
  bus.once('e', () => seen.push(1));
  bus.once('e', () => seen.push(2));
  bus.on('e', () => seen.push(3));
  bus.once('e', () => seen.push(4));
  bus.publish('e');
  bus.publish('e');
  assert.deepEqual(seen, [1, 2, 3, 4, 3]);
});

test('§4.9: off(type, "*") during a publish lets that publish finish', () => {
  const bus = createEventBus();
  const seen = [];
  bus.on('e', () => { seen.push(1); bus.off('e', '*'); });
  bus.on('e', () => seen.push(2));
  bus.publish('e');
  bus.publish('e');
  assert.deepEqual(seen, [1, 2]);
});

test('§4.9: a handler added during a publish runs from the next publish on', () => {
  const bus = createEventBus();
  const seen = [];
  bus.once('e', () => {
    seen.push('first');
    bus.on('e', () => seen.push('added'));
  });
  bus.publish('e');
  assert.deepEqual(seen, ['first']);
  bus.publish('e');
  assert.deepEqual(seen, ['first', 'added']);
});

test('Q9: "*" handlers run before typed handlers and receive (type, ...args)', () => {
  const bus = createEventBus();
  const seen = [];
  bus.on('message', (...args) => seen.push(['typed', ...args]));
  bus.on('*', (...args) => seen.push(['star1', ...args]));
  bus.on('*', (...args) => seen.push(['star2', ...args]));
  bus.publish('message', { a: 1 }, 'sock');
  bus.publish(5, 'x');
  assert.deepEqual(seen, [
    ['star1', 'message', { a: 1 }, 'sock'],
    ['star2', 'message', { a: 1 }, 'sock'],
    ['typed', { a: 1 }, 'sock'],
    ['star1', 5, 'x'],
    ['star2', 5, 'x'],
  ]);
});

test('Q9: "*" works for publishes without data and never mutates the arguments', () => {
  const bus = createEventBus();
  const seen = [];
  bus.on('*', function () { seen.push(Array.from(arguments)); });
  const typed = [];
  bus.on('data', (d) => typed.push(d));
  const arr = [1, 2, 3];
  const obj = { a: 1 };
  bus.publish('connect');
  bus.publish('data', arr);
  bus.publish('data', obj);
  bus.publish('data', 'text');
  assert.deepEqual(seen, [['connect'], ['data', [1, 2, 3]], ['data', { a: 1 }], ['data', 'text']]);
  assert.deepEqual(arr, [1, 2, 3]);
  assert.deepEqual(Object.keys(obj), ['a']);
  assert.equal(typed[0], arr);
  assert.equal(typed[1], obj);
  assert.deepEqual(typed, [[1, 2, 3], { a: 1 }, 'text']);
});

test('Q9: publishing "*" runs each "*" handler once, as ("*", ...args)', () => {
  const bus = createEventBus();
  const seen = [];
  bus.on('*', (...args) => seen.push(args));
  bus.publish('*', 1);
  assert.deepEqual(seen, [['*', 1]]);
});

test('Q9: "*" handlers can be once-handlers and can be removed', () => {
  const bus = createEventBus();
  const seen = [];
  const h = (t) => seen.push('h:' + t);
  bus.once('*', (t) => seen.push('once:' + t));
  bus.on('*', h);
  bus.publish('a');
  bus.publish('b');
  bus.off('*', h);
  bus.publish('c');
  assert.deepEqual(seen, ['once:a', 'h:a', 'h:b']);
  assert.equal('*' in bus._events_, false);
});

test('Q35: Object.prototype names are ordinary events', () => {
  const bus = createEventBus();
  const names = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__'];
  for (const name of names) {
    assert.equal(bus.publish(name, 1), bus, `publish ${name} without handlers`);
    assert.equal(bus.off(name), bus, `off ${name} without handlers`);
  }
  const seen = [];
  for (const name of names) {
    bus.on(name, (v) => seen.push([name, v]));
  }
  for (const name of names) {
    bus.publish(name, name.length);
  }
  assert.deepEqual(seen, names.map((n) => [n, n.length]));
  assert.equal(Object.getPrototypeOf(bus._events_), null);
  assert.deepEqual(Object.keys(bus._events_), names);
  bus.off('__proto__', '*');
  assert.equal(Object.getPrototypeOf(bus._events_), null);
  assert.equal(Object.prototype.hasOwnProperty.call(bus._events_, '__proto__'), false);
  bus.off('toString', '*');
  assert.equal(bus._events_.toString, undefined);
});

test('Q36: handlers run with this = the target (on, once, "*")', () => {
  class Carrier {}
  const target = installEventBus(new Carrier());
  const selves = [];
  target.on('e', function () { selves.push(this); });
  target.once('e', function () { selves.push(this); });
  target.on('*', function () { selves.push(this); });
  target.publish('e');
  assert.equal(selves.length, 3);
  for (const s of selves) {
    assert.equal(s, target);
  }
});

test('Q40: publishing "error" without a listener does nothing and does not throw', () => {
  const bus = createEventBus();
  assert.equal(bus.publish('error', new Error('x')), bus);
  assert.equal(bus.emit('error'), bus);
  let got;
  bus.on('error', (e) => { got = e; });
  const err = new Error('y');
  bus.publish('error', err);
  assert.equal(got, err);
});

test('Q40: many listeners produce no MaxListeners warning', async () => {
  const warnings = [];
  const onWarning = (w) => warnings.push(w);
  process.on('warning', onWarning);
  try {
    const bus = createEventBus();
    let calls = 0;
    for (let i = 0; i < 1000; i++) {
      bus.on('e', () => calls++);
    }
    bus.publish('e');
    assert.equal(calls, 1000);
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(warnings, []);
  } finally {
    process.off('warning', onWarning);
  }
});
