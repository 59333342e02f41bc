'use strict';
// Latency figures for `ping` and `bench`: nearest-rank percentiles (as bench/lib/stats.js
// computes them) over round-trip times in microseconds, and their formatting.

/** Nearest-rank percentile of an ascending array (p in 0..100); null when empty. */
function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1];
}

/** {count, min, p50, p90, p99, max} of a list of microsecond values (null figures when empty). */
function summarize(values) {
  const sorted = Float64Array.from(values).sort();
  return {
    count: sorted.length,
    min: sorted.length ? sorted[0] : null,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted.length ? sorted[sorted.length - 1] : null,
  };
}

/** Microseconds as milliseconds with 3 decimals (`0.123`), `-` for none. */
function ms(us) {
  return us === null ? '-' : (us / 1000).toFixed(3);
}

/** An integer with thousands separators (`12,345`), without depending on ICU. */
function grouped(n) {
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Microseconds since `start` (a process.hrtime.bigint() value). */
function elapsedUs(start) {
  return Number(process.hrtime.bigint() - start) / 1000;
}

module.exports = { percentile, summarize, ms, grouped, elapsedUs };
