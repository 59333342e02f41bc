'use strict';
// The measurements of `node-ipc-native bench`, over one connected client (ipc.of[id])
// to a server that answers requests of type `ping` with their data. Named after
// bench/scenarios (npm run bench), with the same meaning, but run for a time instead
// of a number of messages, and against whatever server is running:
//   pingpong   sequential round trips (request, its reply, the next request)
//   pipelined  round trips with N requests in flight (the next one as each reply comes)
//   flood      one-way emits of type `bench.flood` for the time given (pausing while the
//              socket reports backpressure), then one request as a barrier: messages on
//              a connection are handled in order, so its reply means every one arrived
// Each one starts with a short warm-up that is not measured. A failed request ends the
// run with its error.

const { elapsedUs, summarize } = require('./stats');

const WARMUP = { pingpong: 200, pipelined: 1000, flood: 2000 };

/** Emits between two backpressure checks in flood. */
const FLOOD_BATCH = 256;

/** The type of flood's one-way messages. */
const FLOOD_TYPE = 'bench.flood';

const now = () => process.hrtime.bigint();

/** Checks a ping reply: the server must echo the data. */
function checkEcho(reply, data) {
  if (reply !== data) throw new Error('the reply\'s data differs from the request\'s (does the server echo "ping"?)');
}

async function pingpong(client, { seconds, data, timeout }) {
  for (let i = 0; i < WARMUP.pingpong; i++) checkEcho(await client.request('ping', data, { timeout }), data);
  const rtts = [];
  const t0 = now();
  const endUs = seconds * 1e6;
  while (elapsedUs(t0) < endUs) {
    const t = now();
    checkEcho(await client.request('ping', data, { timeout }), data);
    rtts.push(elapsedUs(t));
  }
  const us = elapsedUs(t0);
  return { scenario: 'pingpong', unit: 'rt/s', count: rtts.length, us, latency: summarize(rtts) };
}

/** `total` round trips (or until `untilUs` passed, when given) with `inflight` outstanding. */
function window(client, { data, timeout, inflight }, total, t0, untilUs, rtts) {
  return new Promise((resolve, reject) => {
    let started = 0;
    let done = 0;
    let failed = false;
    const more = () => (untilUs === undefined ? started < total : elapsedUs(t0) < untilUs);
    function launch() {
      started++;
      const t = now();
      client.request('ping', data, { timeout }).then((reply) => {
        if (failed) return;
        checkEcho(reply, data);
        if (rtts) rtts.push(elapsedUs(t));
        done++;
        if (more()) launch();
        else if (done === started) resolve(done);
      }).catch((err) => {
        if (failed) return;
        failed = true;
        reject(err);
      });
    }
    for (let i = 0; i < inflight && more(); i++) launch();
    if (started === 0) resolve(0);
  });
}

async function pipelined(client, params) {
  await window(client, params, WARMUP.pipelined, now());
  const rtts = [];
  const t0 = now();
  const count = await window(client, params, 0, t0, params.seconds * 1e6, rtts);
  const us = elapsedUs(t0);
  return { scenario: 'pipelined', unit: 'rt/s', count, us, latency: summarize(rtts), inflight: params.inflight };
}

/** Resolves at the socket's next 'drain'; rejects if it closes first. */
function drained(socket) {
  return new Promise((resolve, reject) => {
    const onDrain = () => { socket.off('close', onClose); resolve(); };
    const onClose = () => {
      socket.off('drain', onDrain);
      const err = new Error('the connection closed during the flood');
      err.code = 'ERR_IPC_DISCONNECTED';
      reject(err);
    };
    socket.once('drain', onDrain);
    socket.once('close', onClose);
  });
}

/** Emits for `untilUs` µs (or `total` messages), with backpressure; the number sent. */
async function emitMany(client, data, total, t0, untilUs) {
  let sent = 0;
  for (;;) {
    for (let k = 0; k < FLOOD_BATCH && (untilUs !== undefined || sent < total); k++) {
      client.emit(FLOOD_TYPE, data);
      sent++;
    }
    if (untilUs === undefined ? sent >= total : elapsedUs(t0) >= untilUs) return sent;
    const socket = client.socket;
    if (socket.destroyed) return sent;
    if (socket.writableNeedDrain) await drained(socket);
    else await new Promise((r) => setImmediate(r));
  }
}

async function flood(client, { seconds, data, timeout }) {
  await emitMany(client, data, WARMUP.flood, now());
  checkEcho(await client.request('ping', data, { timeout }), data);
  const t0 = now();
  const count = await emitMany(client, data, 0, t0, seconds * 1e6);
  checkEcho(await client.request('ping', data, { timeout }), data);
  const us = elapsedUs(t0);
  return { scenario: 'flood', unit: 'msg/s', count, us, latency: null };
}

const SCENARIOS = { pingpong, pipelined, flood };

module.exports = { SCENARIOS, FLOOD_TYPE, WARMUP };
