'use strict';
// lib/send-queue.js in-process: the sync-mode queue (CONTRACT §5.5). Each scenario is
// asserted exactly, and also run on js-queue 2.0.2, the queue node-ipc 9.2.1 uses
// (resolved from node-ipc's folder), which must leave the same trace.

const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('path');
const { SendQueue } = require('../lib/send-queue.js');

const NODE_IPC_DIR = path.dirname(require.resolve('node-ipc/package.json'));
const JsQueue = require(require.resolve('js-queue', { paths: [NODE_IPC_DIR] }));

test('the reference is js-queue 2.0.2', () => {
  const pkg = require(require.resolve('js-queue/package.json', { paths: [NODE_IPC_DIR] }));
  assert.equal(pkg.version, '2.0.2');
});

/**
 * Runs `scenario(queue, job, trace)` on our queue and on js-queue; `job(name)` makes a job
 * that records [name, this === queue] when it runs. Asserts both traces equal `expected`.
 */
function both(scenario, expected) {
  for (const [label, make] of [['SendQueue', () => new SendQueue()], ['js-queue', () => new JsQueue()]]) {
    const queue = make();
    const trace = [];
    const job = (name, body) => function () {
      trace.push([name, this === queue]);
      if (body) body.call(this);
    };
    scenario(queue, job, trace);
    assert.deepEqual(trace, expected, label);
  }
}

test('initial state: autoRun true, stop false, no jobs', () => {
  const queue = new SendQueue();
  assert.equal(queue.autoRun, true);
  assert.equal(queue.stop, false);
  assert.deepEqual(queue.contents, []);
});

test('add runs the first job at once, with this = the queue; the others wait for next(), in order', () => {
  both((queue, job, trace) => {
    queue.add(job('a'));
    trace.push('after add a');
    queue.add(job('b'), job('c'));
    queue.add(job('d'));
    trace.push(['waiting', queue.contents.length]);
    queue.next();
    queue.next();
    queue.next();
    trace.push(['waiting', queue.contents.length]);
  }, [['a', true], 'after add a', ['waiting', 3], ['b', true], ['c', true], ['d', true], ['waiting', 0]]);
});

test('several jobs in one add: the first runs, the rest wait', () => {
  both((queue, job, trace) => {
    queue.add(job('a'), job('b'), job('c'));
    trace.push(['waiting', queue.contents.length]);
  }, [['a', true], ['waiting', 2]]);
});

test('next() on an empty queue makes it idle: the following add runs at once again', () => {
  both((queue, job, trace) => {
    queue.add(job('a'));
    queue.add(job('b'));
    queue.next();
    queue.next();
    trace.push('idle');
    queue.add(job('c'));
    queue.add(job('d'));
  }, [['a', true], ['b', true], 'idle', ['c', true]]);
});

test('a job that calls this.next() runs the following one inside it', () => {
  both((queue, job, trace) => {
    queue.add(job('a'));
    queue.add(job('b', function () { this.next(); trace.push('end of b'); }), job('c'));
    trace.push('before next');
    queue.next();
  }, [['a', true], 'before next', ['b', true], ['c', true], 'end of b']);
});

test('add() with no jobs on an idle queue does nothing; next() with no jobs is harmless', () => {
  both((queue, job, trace) => {
    queue.add();
    queue.next();
    queue.add(job('a'));
  }, [['a', true]]);
});

test('stop: add does not start and next() runs nothing (and idles); after stop = false, next() or add resumes', () => {
  both((queue, job, trace) => {
    queue.stop = true;
    queue.add(job('a'));
    queue.next();
    trace.push(['stopped, waiting', queue.contents.length]);
    queue.stop = false;
    queue.next();
    queue.add(job('b'));
    trace.push(['waiting', queue.contents.length]);
  }, [['stopped, waiting', 1], ['a', true], ['waiting', 1]]);
  both((queue, job, trace) => {
    queue.stop = true;
    queue.add(job('a'));
    queue.next();
    queue.stop = false;
    queue.add(job('b'));
  }, [['a', true]]);
});

test('autoRun false: add only queues; next() runs the jobs one at a time', () => {
  both((queue, job, trace) => {
    queue.autoRun = false;
    queue.add(job('a'), job('b'));
    trace.push(['waiting', queue.contents.length]);
    queue.next();
    queue.next();
    queue.next();
    queue.add(job('c'));
    trace.push(['waiting', queue.contents.length]);
  }, [['waiting', 2], ['a', true], ['b', true], ['waiting', 1]]);
});

test('contents is the live array of pending jobs; assigning it replaces them', () => {
  both((queue, job, trace) => {
    const b = job('b');
    queue.add(job('a'), b);
    const live = queue.contents;
    trace.push(['same array', queue.contents === live, live.length, live[0] === b]);
    queue.contents = [job('x'), job('y')];
    trace.push(['replaced', queue.contents.length, live.length]);
    queue.next();
    queue.next();
    queue.next();
  }, [['a', true], ['same array', true, 1, true], ['replaced', 2, 1], ['x', true], ['y', true]]);
});

test('clear() drops the pending jobs and returns the new (empty) contents; a running queue stays busy until next()', () => {
  both((queue, job, trace) => {
    queue.add(job('a'), job('b'));
    const cleared = queue.clear();
    trace.push(['cleared', cleared.length, cleared === queue.contents]);
    queue.add(job('c'));
    trace.push('still busy: c waits');
    queue.next();
    queue.next();
  }, [['a', true], ['cleared', 0, true], 'still busy: c waits', ['c', true]]);
});

test('a job that throws: the error reaches the caller of add/next and the queue stays busy', () => {
  both((queue, job, trace) => {
    const boom = new Error('job failed');
    assert.throws(() => queue.add(job('a', () => { throw boom; })), (err) => err === boom);
    queue.add(job('b'));
    trace.push(['waiting', queue.contents.length]);
    queue.next();
  }, [['a', true], ['waiting', 1], ['b', true]]);
});
