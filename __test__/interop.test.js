'use strict';
/**
 * Interop: node-ipc 9.2.1 and node-ipc-native talking to each other over unix sockets, each in
 * its own process. Every scenario runs in both directions:
 *   - node-ipc 9.2.1 server  <->  our client
 *   - our server             <->  node-ipc 9.2.1 client
 * Validation mode: OUR_IMPL=node-ipc makes "ours" the reference as well (see helpers/impl.js).
 *
 * The scenarios and payload cases live in helpers/net-interop.js (shared with the TCP, TLS and
 * UDP suites); this file runs them over ni.unixTransport() (serve(path) / connectTo(id, path)).
 *
 * CONTRACT references: §6.1 (frame + data normalisation, Q13), §6.2 (worked examples),
 * §6.3 (socket.id from data.id, Q38), §6.4 (receive algorithm), §4.3/§4.4/§4.6 (server events,
 * emit(socket,...), broadcast), §5.2 (client emit).
 */
const { describe, test } = require('node:test');
const h = require('./helpers');
const ni = require('./helpers/net-interop');

const DIRECTIONS = [
  { server: 'node-ipc', client: 'native' },
  { server: 'native', client: 'node-ipc' },
];

const T = { timeout: 60000 };

const unix = ni.unixTransport({ tag: 'io' });
const PIPELINED = 10000;

/** The tests of each direction, in order: [name, run(scope, dir, t)]. */
const SCENARIOS = [
  [
    '§6.1 unicode strings (BMP, astral, U+2028/2029, NUL, lone surrogate) survive both ways',
    (s, dir) => ni.roundTripCases(s, unix, dir, ni.CASES.unicode),
  ],
  [
    "§6.1/§6.2 '\\f' (the delimiter) and '\\n' inside strings are escaped and arrive intact",
    (s, dir) => ni.roundTripCases(s, unix, dir, ni.CASES.formFeed),
  ],
  [
    '§6.1 Q13 falsy data (undefined, null, "", NaN, missing) is normalised to {} on the wire',
    (s, dir) => ni.roundTripCases(s, unix, dir, ni.CASES.falsy),
  ],
  [
    '§6.1 0 and false are kept as 0 and false (not normalised)',
    (s, dir) => ni.roundTripCases(s, unix, dir, ni.CASES.zeroFalse),
  ],
  [
    '§6.1 nested objects, arrays and JSON.stringify conversions (Date, undefined/NaN members, Buffer, Q14)',
    (s, dir) => ni.roundTripCases(s, unix, dir, ni.CASES.nested),
  ],
  [
    '§6.4 a 1 MiB string payload arrives intact both ways (timed)',
    async (s, dir, t) => t.diagnostic(await ni.bigPayloadOnPair(await ni.pair(s, unix, dir))),
  ],
  [
    '§6.4 10,000 pipelined messages arrive complete and in order, both ways (timed)',
    async (s, dir, t) => {
      const p = await ni.pair(s, unix, dir, ni.pipelinedPairOpts(PIPELINED));
      t.diagnostic(await ni.pipelinedOnPair(p, PIPELINED));
    },
  ],
  ['§4.6 broadcast reaches each of 3 clients exactly once, in order', (s, dir) => ni.broadcastThree(s, unix, dir)],
  [
    '§6.3 Q38 socket.disconnected carries the id taken from the last data.id (false when none)',
    (s, dir) => ni.disconnectedId(s, unix, dir),
  ],
  ['§4.4 server replies to one client via server.emit(socket, type, data)', (s, dir) => ni.replyToSender(s, unix, dir)],
];

for (const dir of DIRECTIONS) {
  const label = `${h.implLabel(dir.server)} server <-> ${h.implLabel(dir.client)} client`;

  describe(`interop over unix socket: ${label}`, () => {
    for (const [name, run] of SCENARIOS) {
      test(name, T, async (t) => {
        await run(h.scope(t), dir, t);
      });
    }
  });
}
