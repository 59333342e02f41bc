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

/** Answers each stdin line with {ev: 'stats', fds, rssKiB, heapKiB, ...counters()}. */
function reportOnRequest(counters) {
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', () => {
    const line = {
      ev: 'stats',
      fds: fs.readdirSync('/proc/self/fd').length,
      rssKiB: Math.round(process.memoryUsage().rss / 1024),
      heapKiB: heapAfterGc(),
      ...counters(),
    };
    process.stdout.write(JSON.stringify(line) + '\n');
  });
  process.stdin.on('end', () => process.exit(0));
}

module.exports = { reportOnRequest };
