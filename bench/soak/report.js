'use strict';
// What each soak process reports on every line of its stdin: its descriptors, RSS, the
// JavaScript heap after a full collection (with --expose-gc), and its own counters.
const fs = require('fs');

/** The JavaScript heap in use after a full collection, in KiB (null without --expose-gc). */
function heapAfterGc() {
  if (!global.gc) return null;
  global.gc();
  return Math.round(process.memoryUsage().heapUsed / 1024);
}

/** Answers each stdin line with {ev: 'stats', fds, rssKiB, heapKiB, heapTotalKiB, ...counters()}. */
function reportOnRequest(counters) {
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', () => {
    const heapKiB = heapAfterGc();
    const memory = process.memoryUsage();
    const line = {
      ev: 'stats',
      fds: fs.readdirSync('/proc/self/fd').length,
      rssKiB: Math.round(memory.rss / 1024),
      heapKiB,
      // What V8 holds for its heap, used or not: the RSS that is not V8's is native.
      heapTotalKiB: Math.round(memory.heapTotal / 1024),
      ...counters(),
    };
    process.stdout.write(JSON.stringify(line) + '\n');
  });
  process.stdin.on('end', () => process.exit(0));
}

module.exports = { reportOnRequest };
