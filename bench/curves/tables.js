'use strict';
// Turns the runs' JSON lines into the plots' data files and prints the README's tables (markdown).
//   node tables.js --scale ../scale/data/scale.jsonl     → data/memory-<server>.tsv  (the last run of each server)
//   node tables.js --fanout data/fanout-<date>.jsonl     → data/cpu-<server>.tsv     (median over rounds per point)
// Each TSV starts with `#` lines gnuplot skips and plot.sh reads for the title: the machine, when, the runtime
// settings BenchHost ran with (from its csproj) and whether the machine was busy.
const fs = require('fs');
const path = require('path');
const { execSync } = require('child_process');

const args = process.argv.slice(2);
const opt = (name) => { const i = args.indexOf('--' + name); return i >= 0 ? args[i + 1] : null; };
const dataDir = path.join(__dirname, 'data');
const sh = (c) => { try { return execSync(c, { encoding: 'utf8' }).trim(); } catch { return '?'; } };
const median = (a) => { const s = [...a].sort((x, y) => x - y); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
// toFixed, as in the TSVs (so the tables and the plots' labels agree), with a space between thousands
const fmt = (v, d = 1) => {
  if (v == null || Number.isNaN(v)) return '—';
  const [i, f] = v.toFixed(d).split('.');
  return i.replace(/\B(?=(\d{3})+$)/g, ' ') + (f ? '.' + f : '');
};

// What ran: the machine (read now: run tables.js right after the runs, on the machine that ran them) and BenchHost.
function header(kind, when) {
  const cpu = sh("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2").replace(/\s+/g, ' ').trim();
  const memGiB = Math.round(+sh("awk '/MemTotal/{print $2}' /proc/meminfo") / 1048576);
  const dotnet = sh("dotnet --list-runtimes | grep Microsoft.NETCore.App | tail -1 | cut -d' ' -f2");
  const csproj = fs.readFileSync(path.join(__dirname, '../BenchHost/BenchHost.csproj'), 'utf8');
  const tag = (t) => (new RegExp(`<${t}>([^<]*)</${t}>`).exec(csproj) || [])[1];
  const spin = (/UnfairSemaphoreSpinLimit" Value="(\d+)"/.exec(csproj) || [])[1];
  const gc = `${tag('ServerGarbageCollection') === 'true' ? 'server' : 'workstation'} GC` +
    `${tag('ConcurrentGarbageCollection') === 'false' ? ' non-concurrent' : ''}`;
  const runtime = `${gc}, TieredPGO ${tag('TieredPGO') === 'false' ? 'off' : 'on'}` +
    `${spin != null ? `, thread-pool spin limit ${spin}` : ''}`;
  return [
    `# ${kind}`,
    `# machine: ${sh('nproc')} vCPU ${cpu}, ${memGiB} GiB, Node ${process.version}, .NET ${dotnet}`,
    `# runtime: ${runtime}`,
    `# measured: ${when}`,
  ];
}

const scaleFile = opt('scale');
if (scaleFile) {
  const runs = fs.readFileSync(scaleFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const last = {};
  for (const r of runs) last[r.label] = r;
  const labels = Object.keys(last).sort();
  for (const label of labels) {
    const r = last[label];
    const lines = header(`server RSS against held WebSocket connections: ${label}`, r.ts);
    lines.push('# connections\trss_mib\tkib_per_conn\topen_files');
    lines.push(`0\t${(r.idle.rss_kib / 1024).toFixed(1)}\tNaN\t${r.idle.open_files}`);
    for (const s of r.stages) lines.push(`${s.connections}\t${(s.rss_kib / 1024).toFixed(1)}\t${s.kib_per_conn}\t${s.open_files}`);
    fs.writeFileSync(path.join(dataDir, `memory-${label}.tsv`), lines.join('\n') + '\n');
  }
  // markdown: one row per stage, one column pair per server
  const stages = last[labels[0]].stages.map((s) => s.tried);
  console.log(`| connections | ${labels.map((l) => `${l}: RSS (MiB) | ${l}: KiB per connection`).join(' | ')} |`);
  console.log(`|---:|${labels.map(() => '---:|---:').join('|')}|`);
  console.log(`| 0 (idle) | ${labels.map((l) => `${fmt(last[l].idle.rss_kib / 1024)} | —`).join(' | ')} |`);
  for (const n of stages) {
    const cells = labels.map((l) => { const s = last[l].stages.find((x) => x.tried === n); return s ? `${fmt(s.rss_kib / 1024)} | ${fmt(s.kib_per_conn)}` : '— | —'; });
    console.log(`| ${fmt(n, 0)} | ${cells.join(' | ')} |`);
  }
  console.log();
  console.log(`| held ${last[labels[0]].hold_s} s | ${labels.join(' | ')} |`);
  console.log(`|---|${labels.map(() => '---:').join('|')}|`);
  const row = (name, f) => console.log(`| ${name} | ${labels.map((l) => f(last[l])).join(' | ')} |`);
  row('connected / failed', (r) => `${fmt(r.clients - r.failed, 0)} / ${r.failed}`);
  row('alive at the end / dropped', (r) => `**${fmt(r.alive_at_end, 0)} / ${r.dropped}**`);
  row('pings answered during the hold', (r) => fmt(r.pings_answered_during_hold, 0));
  row('time to open the last stage\'s connections (ms)', (r) => { const s = r.stages, n = s.length; return `${fmt(s[n - 1].connect_ms, 0)} (${fmt(s[n - 1].tried - (n > 1 ? s[n - 2].tried : 0), 0)} connections)`; });
  row('server RSS at the end of the hold (MiB; KiB per connection above idle)', (r) => `${fmt(r.server_rss_end_kib / 1024)} (${fmt(r.server_kib_per_conn_end)})`);
  row('server open files at the last stage', (r) => fmt(r.stages[r.stages.length - 1].open_files, 0));
  row('server CPU while holding (% of a core)', (r) => fmt(r.server_cpu_pct_during_hold, 1));
  row('run at (UTC)', (r) => r.ts.slice(0, 16).replace('T', ' '));
}

const fanoutFile = opt('fanout');
if (fanoutFile) {
  const rs = fs.readFileSync(fanoutFile, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l))
    .filter((r) => r.scenario === 'fanout' && r.received > 0);
  const labels = [...new Set(rs.map((r) => r.label))].sort();
  const points = [...new Set(rs.map((r) => r.clients))].sort((a, b) => a - b);
  const byPoint = {};
  for (const label of labels) {
    byPoint[label] = {};
    for (const n of points) {
      let g = rs.filter((r) => r.label === label && r.clients === n);
      if (g.some((r) => !r.noisy)) g = g.filter((r) => !r.noisy); // a re-run replaced a noisy one
      if (!g.length) continue;
      const us = g.map((r) => (r.server_cpu_ms * 1000) / r.received);
      byPoint[label][n] = { n, messages: g[0].messages, rounds: g.length, us: median(us), min: Math.min(...us), max: Math.max(...us),
        lost: g.reduce((a, r) => a + r.lost, 0), other: median(g.map((r) => r.other_cpu_pct)),
        server_pct: median(g.map((r) => r.server_cpu_pct)), loadgen_pct: median(g.map((r) => r.loadgen_cpu_pct)),
        rate: median(g.map((r) => r.delivered_per_s)) };
    }
    const other = median(Object.values(byPoint[label]).map((p) => p.other));
    const lines = header(`server CPU per fan-out delivery against receivers (fanout-max): ${label}`,
      `${rs[0].ts.slice(0, 16).replace('T', ' ')}–${rs[rs.length - 1].ts.slice(11, 16)} UTC, ${Math.max(...rs.map((r) => r.round || 1))} ` +
      `round(s), ${other > 25 ? 'BUSY machine: ' : ''}other processes ${fmt(other, 0)} % of a core (median)`);
    lines.push('# receivers\tmessages\tus_per_delivery\tmin\tmax\tlost\tdelivered_per_s\tserver_cpu_pct\tloadgen_cpu_pct\tother_cpu_pct');
    for (const p of Object.values(byPoint[label])) {
      lines.push([p.n, p.messages, p.us.toFixed(2), p.min.toFixed(2), p.max.toFixed(2), p.lost, p.rate, p.server_pct, p.loadgen_pct, p.other].join('\t'));
    }
    fs.writeFileSync(path.join(dataDir, `cpu-${label}.tsv`), lines.join('\n') + '\n');
  }
  const [a, b] = labels.includes('csharp') && labels.includes('node') ? ['csharp', 'node'] : labels;
  console.log(`| receivers × messages | ${labels.map((l) => `${l} µs/delivery`).join(' | ')} | ${b ? `${a}/${b}` : ''} | lost | other processes (% of a core) |`);
  console.log(`|---|${labels.map(() => '---:').join('|')}|---:|---:|---:|`);
  for (const n of points) {
    const ps = labels.map((l) => byPoint[l][n]);
    const cells = ps.map((p) => (p ? (p.rounds > 1 ? `${fmt(p.us, 2)} (${fmt(p.min, 2)}..${fmt(p.max, 2)})` : fmt(p.us, 2)) : '—'));
    const ratio = b && byPoint[a][n] && byPoint[b][n] ? `**${(byPoint[a][n].us / byPoint[b][n].us).toFixed(2)}**` : '—';
    const p0 = ps.find(Boolean);
    console.log(`| ${fmt(n, 0)} × ${p0.messages} | ${cells.join(' | ')} | ${ratio} | ${ps.map((p) => (p ? p.lost : '—')).join(' / ')} | ${ps.map((p) => (p ? fmt(p.other, 0) : '—')).join(' / ')} |`);
  }
}
