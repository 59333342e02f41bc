'use strict';
// The Rust-to-Rust part of `npm run bench`: ipc-core beside a bare tokio loop with the same
// framing (crates/node-ipc-tokio/examples/bench.rs), run through cargo.

const { spawnSync } = require('child_process');
const path = require('path');

const ROOT = path.join(__dirname, '..', '..');

/**
 * @param {{quick: boolean}} opts
 * @returns {{ok: true, doc: object} | {ok: false, reason: string}}
 */
function runRustBench(opts) {
  const args = ['run', '--release', '--quiet', '-p', 'node-ipc-tokio', '--features', 'embed', '--example', 'bench', '--', '--json'];
  if (opts.quick) args.push('--quick');
  const r = spawnSync('cargo', args, { cwd: ROOT, encoding: 'utf8', timeout: 300000, stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.error) return { ok: false, reason: r.error.message };
  if (r.status !== 0) return { ok: false, reason: `cargo exited ${r.status}: ${(r.stderr || '').trim().split('\n').slice(-3).join(' | ')}` };
  try {
    return { ok: true, doc: JSON.parse(r.stdout.trim().split('\n').pop()) };
  } catch (e) {
    return { ok: false, reason: `unreadable output: ${e.message}` };
  }
}

function formatRustBench(result) {
  if (!result.ok) return `Rust<->Rust (node-ipc-tokio vs bare tokio and the node-ipc 14 crate): not run: ${result.reason}\n`;
  const { doc } = result;
  const lines = [
    `Rust<->Rust: node-ipc-tokio's engine vs a bare tokio loop with the same framing, and its typed requests vs the node-ipc 14 crate; one process, 2 tokio workers; ` +
      `flood ${doc.flood.toLocaleString('en-US')} msgs, pingpong ${doc.rounds.toLocaleString('en-US')} round trips, median of ${doc.runs}`,
    'via   scenario            engine      bare tokio   engine/bare',
  ];
  const fmt = (n, d) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }).padStart(12);
  for (const r of doc.results) {
    const f = r.flood_msgs_per_s;
    lines.push(`${r.via.padEnd(5)} flood msg/s     ${fmt(f.ipc_core, 0)}  ${fmt(f.bare_tokio, 0)}   ${(f.ipc_core / f.bare_tokio).toFixed(2)}x (higher = faster)`);
    for (const [key, label] of [['pingpong_p50_us', 'pingpong p50 us'], ['pingpong_p99_us', 'pingpong p99 us']]) {
      const p = r[key];
      lines.push(`${r.via.padEnd(5)} ${label} ${fmt(p.ipc_core, 1)}  ${fmt(p.bare_tokio, 1)}   ${(p.ipc_core / p.bare_tokio).toFixed(2)}x (lower = faster)`);
    }
    const q = r.requests_64_in_flight_per_s;
    if (q) {
      lines.push(`${r.via.padEnd(5)} requests/s, ${doc.in_flight} in flight: node-ipc-tokio ${fmt(q.node_ipc_tokio, 0)}, ` +
        `node-ipc 14 crate ${fmt(q.node_ipc_14, 0)}   ${(q.node_ipc_tokio / q.node_ipc_14).toFixed(2)}x (higher = faster)`);
    }
  }
  return `${lines.join('\n')}\n`;
}

module.exports = { runRustBench, formatRustBench };
