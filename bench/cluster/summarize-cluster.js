#!/usr/bin/env node
'use strict';
// Summarize fanout2.js JSON lines: median over rounds per server kind (min..max in brackets), kinds side by side,
// then the per-round ratio csharp/node of server CPU per delivery (both servers). Like the harness's summarize.js.
//   node summarize-cluster.js results/<run>/results.jsonl [more.jsonl ...] [--markdown]
const fs = require('fs');

const files = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const markdown = process.argv.includes('--markdown');
if (!files.length) { console.error('usage: node summarize-cluster.js results.jsonl [...] [--markdown]'); process.exit(2); }

let rows = [];
for (const f of files) {
  for (const line of fs.readFileSync(f, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try { rows.push(JSON.parse(line)); } catch (e) { /* skip */ }
  }
}
const noisy = rows.filter((r) => r.noisy);
rows = rows.filter((r) => !r.noisy);
const labels = [...new Set(rows.map((r) => r.label || '?'))];
const keys = [...new Set(rows.map((r) => r.key))];

const us = (ms, n) => (ms === null || ms === undefined || !n ? null : (ms * 1000) / n);
// CPU of the .NET background tier-up JIT thread (".NET Tiered Com") per delivery on that server; null for Node
const jit = (threads, n) => {
  if (!threads || !n) return null;
  const ks = Object.keys(threads);
  if (!ks.some((k) => k.startsWith('.NET'))) return null;
  return us(ks.filter((k) => k.startsWith('.NET Tiered')).reduce((a, k) => a + threads[k], 0), n);
};
const spec = [
  ['delivered msgs/s', (r) => r.delivered_per_s, 0],
  ['target / actual send rate (msg/s)', (r) => r.actual_send_rate, 0, (r) => r.target_rate],
  ['delivery latency p50 (us)', (r) => r.latency.p50_us, 0],
  ['delivery latency p99 (us)', (r) => r.latency.p99_us, 0],
  ['  p50 receivers on A / on B (us)', (r) => r.latency_a.p50_us, 0, null, (r) => r.latency_b.p50_us],
  ['**server CPU per delivery, A+B (us)**', (r) => us(r.server_cpu_ms, r.received), 2],
  ['  server A CPU per delivery on A (us)', (r) => us(r.server_a_cpu_ms, r.received_a), 2],
  ['  server B CPU per delivery on B (us)', (r) => us(r.server_b_cpu_ms, r.received_b), 2],
  ['  of which .NET JIT tier-up thread, A / B (us)', (r) => jit(r.server_a_threads_ms, r.received_a), 2, null, (r) => jit(r.server_b_threads_ms, r.received_b)],
  ['  A+B without the .NET JIT tier-up thread (us)', (r) => { const a = jit(r.server_a_threads_ms, 1), b = jit(r.server_b_threads_ms, 1);
    return a === null || b === null ? null : us(r.server_cpu_ms - (a + b) / 1000, r.received); }, 2],
  ['redis CPU over the window (ms, 10 ms ticks)', (r) => r.redis_cpu_ms, 0],
  ['lost (expected - received)', (r) => r.lost, 0],
  ['  lost on A / on B', (r) => r.lost_a, 0, null, (r) => r.lost_b],
  ['duplicates', (r) => r.dups, 0],
  ['CPU % of a core: loadgen', (r) => r.loadgen_cpu_pct, 0],
  ['CPU % of a core: server A / server B', (r) => r.server_a_cpu_pct, 0, null, (r) => r.server_b_cpu_pct],
  ['CPU % of a core: redis', (r) => r.redis_cpu_pct, 0],
  ['CPU % of a core: irq+softirq (network)', (r) => r.irq_cpu_pct, 0],
  ['CPU % of a core: other processes', (r) => r.other_cpu_pct, 0],
];

function median(a) {
  const s = a.slice().sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
function fmt(v, d) {
  if (v === null || v === undefined || Number.isNaN(v)) return '-';
  return Number(v).toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d }).replace(/,/g, ' ');
}
function cell(vals, d) {
  const v = vals.filter((x) => x !== null && x !== undefined && !Number.isNaN(x));
  if (!v.length) return '-';
  const med = fmt(median(v), d);
  if (v.length === 1) return med;
  return `${med} (${fmt(Math.min(...v), d)}..${fmt(Math.max(...v), d)})`;
}
const tryf = (fn, r) => { try { return fn(r); } catch (e) { return null; } };

const out = [];
out.push(['metric', ...labels.map((l) => `${l} (median of ${new Set(rows.filter((r) => r.label === l && !r.error).map((r) => r.round)).size})`)]);
for (const key of keys) {
  const base = rows.find((r) => r.key === key && !r.error);
  let title = key;
  if (base) title += ` [${base.clients_a}+${base.clients_b} receivers on A+B x ${base.messages} msgs @ ${base.target_rate}/s, sender on A, ${base.warmup_msgs} warm-up msgs]`;
  out.push([`== ${title}`, ...labels.map(() => '')]);
  for (const [name, fn, d, extra, second] of spec) {
    out.push([name, ...labels.map((l) => {
      const rs = rows.filter((r) => r.key === key && r.label === l && !r.error);
      const c = cell(rs.map((r) => tryf(fn, r)), d);
      if (second) return `${fmt(median(rs.map((r) => tryf(fn, r)).filter((x) => x != null)), d)} / ${fmt(median(rs.map((r) => tryf(second, r)).filter((x) => x != null)), d)}`;
      return extra && rs.length ? `${extra(rs[0])} / ${c}` : c;
    })]);
  }
  // ratio csharp/node per round (same round = adjacent in time)
  if (labels.includes('node') && labels.includes('csharp')) {
    const rounds = [...new Set(rows.filter((r) => r.key === key).map((r) => r.round))].sort((a, b) => a - b);
    const ratios = [];
    for (const rd of rounds) {
      const n = rows.find((r) => r.key === key && r.label === 'node' && r.round === rd && !r.error);
      const c = rows.find((r) => r.key === key && r.label === 'csharp' && r.round === rd && !r.error);
      if (n && c && n.received && c.received) ratios.push((c.server_cpu_ms / c.received) / (n.server_cpu_ms / n.received));
    }
    if (ratios.length) {
      out.push([`ratio csharp/node, server CPU per delivery (per round: ${ratios.map((x) => x.toFixed(2)).join(', ')})`,
        ...labels.map((l) => (l === 'csharp' ? fmt(median(ratios), 2) : ''))]);
    }
  }
  for (const e of rows.filter((r) => r.key === key && r.error)) out.push([`!! ${e.label} round ${e.round}: ${e.error}`, ...labels.map(() => '')]);
}

const flags = [];
for (const r of rows) {
  if (r.other_cpu_pct > 20) flags.push(`${r.label} ${r.key} round ${r.round}: other processes used ${r.other_cpu_pct}% of a core`);
  if (r.loadgen_cpu_pct > 90) flags.push(`${r.label} ${r.key} round ${r.round}: load generator at ${r.loadgen_cpu_pct}% of a core (may be the bottleneck)`);
  if (r.lost || r.dups) flags.push(`${r.label} ${r.key} round ${r.round}: LOST ${r.lost} (A ${r.lost_a}, B ${r.lost_b}), dups ${r.dups}`);
  if (r.warmup_missing) flags.push(`${r.label} ${r.key} round ${r.round}: ${r.warmup_missing} warm-up receipts missing`);
}
if (noisy.length) flags.push(`${noisy.length} attempt(s) discarded as noisy and re-run: ` +
  noisy.map((r) => `${r.label} ${r.key} r${r.round} (other ${r.other_cpu_pct}%)`).join(', '));

if (markdown) {
  console.log('| ' + out[0].join(' | ') + ' |');
  console.log('|' + out[0].map((_, i) => (i ? '---:' : '---')).join('|') + '|');
  for (const r of out.slice(1)) console.log('| ' + (r[0].startsWith('== ') ? `**${r[0].slice(3)}**` : r[0]) + ' | ' + r.slice(1).join(' | ') + ' |');
} else {
  const w = out[0].map((_, i) => Math.max(...out.map((r) => String(r[i]).length)));
  for (const r of out) {
    if (String(r[0]).startsWith('== ')) { console.log(r[0]); continue; }
    console.log(r.map((c, i) => (i ? String(c).padStart(w[i]) : String(c).padEnd(w[i]))).join('  '));
  }
}
if (flags.length) {
  console.log('\nflags:');
  for (const f of flags) console.log('  - ' + f);
}
