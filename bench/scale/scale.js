'use strict';
// As many concurrent WebSocket connections as one server process may hold, opened in stages and held with heartbeats.
//
//   node scale.js --url http://127.0.0.1:13190 --server-pid PID [--stages 1000,10000,19500] [--hold 60]
//                 [--workers 4] [--concurrency 200] [--settle 3] [--warmup-conns 100] [--json-out FILE]
//
// One coordinator (this process) and --workers load-generator processes (the same file, forked). Each worker holds
// its share of the connections (so none comes near the 20 000 open files a process may have here) from its own
// source address, 127.0.0.2, 127.0.0.3, …: a TCP connection is named by (source address, source port, destination),
// so every source address brings its own ~28 000 ephemeral ports.
//
// The clients are hold.js's minimal raw Engine.IO/Socket.IO client (no socket.io-client: too heavy at this count):
//   open "0{...}" → send "40";  "40{...}" → connected;  "2" → send "3" (heartbeat);  close / "41" → dropped.
//
// Stages: a warm-up (--warmup-conns opened and closed, as the harness's connect scenario does), the server's idle RSS,
// then for each stage total: connect up to it, wait --settle s, read the server's RSS, open files and CPU. At the last
// stage everything is held --hold s (the default ping interval is 25 s: every client answers two pings), then the
// coordinator counts who is still alive, prints one RESULT line and closes everything. Bounded: loopback only, a
// hard --timeout, and every socket and worker closed on the way out.
const { fork } = require('child_process');
const fs = require('fs');

const args = process.argv.slice(2);
const opt = (name, def) => { const i = args.indexOf('--' + name); return i >= 0 ? args[i + 1] : def; };

if (opt('worker', null) !== null) worker(); else coordinator();

// ------------------------------------------------------------------------------------------------ worker
function worker() {
  const WebSocket = require('ws'); // resolved from the repository's node_modules
  const url = new URL(opt('url'));
  const localAddress = opt('local-address');
  const wsUrl = `ws://${url.host}/socket.io/?EIO=4&transport=websocket`;
  const sockets = [];
  let connected = 0, failed = 0, dropped = 0, pings = 0, closing = false;
  const reasons = {};

  // One client; resolves when it is connected to the namespace, or has failed.
  const open = (keep) => new Promise((resolve) => {
    const ws = new WebSocket(wsUrl, { perMessageDeflate: false, localAddress });
    const s = { ws, ok: false, gone: false };
    if (keep) sockets.push(s);
    const gone = (why) => {
      if (s.gone) return;
      s.gone = true;
      if (!s.ok) { if (keep) failed++; reasons[why] = (reasons[why] || 0) + 1; }
      else if (keep && !closing) { dropped++; reasons[why] = (reasons[why] || 0) + 1; }
      resolve();
    };
    ws.on('message', (data) => {
      const m = String(data);
      if (m === '2') { pings++; ws.send('3'); }
      else if (m[0] === '0') ws.send('40');
      else if (m.startsWith('40')) { s.ok = true; if (keep) connected++; resolve(s); }
      else if (m.startsWith('41')) gone('namespace disconnect');
    });
    ws.on('close', (code) => gone('close ' + code));
    ws.on('error', (e) => gone('error ' + (e.code || e.message)));
  });

  // Opens clients until `target` of them have been tried, `conc` handshakes in flight.
  async function connectTo(target, conc) {
    let next = sockets.length;
    await Promise.all(Array.from({ length: conc }, async () => {
      while (next < target) { next++; await open(true); }
    }));
  }
  const stats = () => ({ localAddress, opened: sockets.length, connected, failed, dropped, pings,
    alive: sockets.filter((s) => s.ok && !s.gone).length, reasons });

  process.on('message', async (m) => {
    if (m.cmd === 'warmup') {
      const ss = [];
      for (let i = 0; i < m.n; i++) ss.push(await open(false));
      for (const s of ss) if (s) s.ws.close();
      process.send({ cmd: 'warmup', ok: ss.filter(Boolean).length });
    } else if (m.cmd === 'connect') {
      await connectTo(m.target, m.conc);
      process.send({ cmd: 'connect', ...stats() });
    } else if (m.cmd === 'stats') {
      process.send({ cmd: 'stats', ...stats() });
    } else if (m.cmd === 'close') {
      closing = true;
      process.send({ cmd: 'close', ...stats() });
      for (const s of sockets) try { s.ws.terminate(); } catch { /* already gone */ }
      setTimeout(() => process.exit(0), 200);
    }
  });
  process.on('disconnect', () => process.exit(0)); // the coordinator is gone: so are we
}

// ------------------------------------------------------------------------------------------------ coordinator
function coordinator() {
  const url = new URL(opt('url', 'http://127.0.0.1:13190'));
  if (!/^127\.\d+\.\d+\.\d+$/.test(url.hostname) && url.hostname !== 'localhost') {
    console.error('refusing a non-loopback url: ' + url); process.exit(2);
  }
  const serverPid = opt('server-pid', '');
  const stages = opt('stages', '1000,10000,19500').split(',').map(Number);
  const holdS = parseFloat(opt('hold', '60'));
  const nWorkers = parseInt(opt('workers', '4'), 10);
  const conc = parseInt(opt('concurrency', '200'), 10);
  const settleS = parseFloat(opt('settle', '3'));
  const warmupConns = parseInt(opt('warmup-conns', '100'), 10);
  const jsonOut = opt('json-out', '');
  const label = opt('label', '');
  const timeoutS = parseFloat(opt('timeout', String(holdS + 300)));
  const total = stages[stages.length - 1];

  const rssKiB = () => { try { return +/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${serverPid}/status`, 'utf8'))[1]; } catch { return null; } };
  const cpuMs = () => { try { const f = fs.readFileSync(`/proc/${serverPid}/stat`, 'utf8').split(') ')[1].split(' '); return (+f[11] + +f[12]) * 10; } catch { return null; } };
  const openFiles = () => { try { return fs.readdirSync(`/proc/${serverPid}/fd`).length; } catch { return null; } };
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const t0 = Date.now();
  const log = (s) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(6)} s] ${s}`);

  // Workers, each with a pending-reply slot (one request at a time per worker).
  const workers = Array.from({ length: nWorkers }, (_, w) => {
    const child = fork(__filename, ['--worker', '1', '--url', url.href, '--local-address', `127.0.0.${w + 2}`]);
    const wk = { child, waiting: null };
    child.on('message', (m) => { const r = wk.waiting; wk.waiting = null; if (r) r(m); });
    child.on('exit', (code) => { if (!finished) { console.error(`worker ${w} exited (${code})`); finish(1); } });
    return wk;
  });
  const ask = (wk, msg) => new Promise((r) => { wk.waiting = r; wk.child.send(msg); });
  const askAll = (mk) => Promise.all(workers.map((wk, w) => ask(wk, mk(w))));
  const share = (n, w) => Math.floor(n / nWorkers) + (w < n % nWorkers ? 1 : 0);
  const sum = (rs, k) => rs.reduce((a, r) => a + r[k], 0);

  let finished = false;
  const fence = setTimeout(() => { console.error('scale: timeout, giving up'); finish(3); }, timeoutS * 1000);
  async function finish(code) {
    if (finished) return;
    finished = true;
    clearTimeout(fence);
    for (const wk of workers) try { wk.child.send({ cmd: 'close' }); } catch { /* gone */ }
    await sleep(500);
    for (const wk of workers) try { wk.child.kill('SIGKILL'); } catch { /* gone */ }
    process.exit(code);
  }

  (async () => {
    log(`${label || 'server'} pid ${serverPid}: stages ${stages.join(', ')}, ${nWorkers} load generators ` +
      `(127.0.0.2..127.0.0.${nWorkers + 1}), ${conc} handshakes in flight, hold ${holdS} s`);
    if (warmupConns > 0) {
      await askAll((w) => ({ cmd: 'warmup', n: share(warmupConns, w) }));
      await sleep(1000);
    }
    const idle = { rss_kib: rssKiB(), open_files: openFiles() };
    log(`idle (after ${warmupConns} warm-up connections): RSS ${idle.rss_kib} KiB, ${idle.open_files} open files`);
    const rows = [];
    let tConnected = 0;
    for (const n of stages) {
      const ts = Date.now();
      const rs = await askAll((w) => ({ cmd: 'connect', target: share(n, w), conc: Math.max(1, Math.round(conc / nWorkers)) }));
      const ms = Date.now() - ts;
      await sleep(settleS * 1000);
      const rss = rssKiB(), alive = sum(rs, 'alive');
      const row = { connections: alive, tried: n, failed: sum(rs, 'failed'), connect_ms: ms, rss_kib: rss,
        kib_per_conn: +((rss - idle.rss_kib) / Math.max(1, alive)).toFixed(2), open_files: openFiles(), cpu_ms: cpuMs() };
      rows.push(row);
      tConnected = Date.now();
      log(`stage ${n}: ${alive} connected (${row.failed} failed) in ${ms} ms; server RSS ${rss} KiB = ` +
        `${row.kib_per_conn} KiB per connection above idle, ${row.open_files} open files`);
      if (row.failed) Object.assign(row, { reasons: Object.assign({}, ...rs.map((r) => r.reasons)) });
    }
    const cpu1 = cpuMs(), p1 = sum(await askAll(() => ({ cmd: 'stats' })), 'pings');
    log(`holding ${total} for ${holdS} s (pings every 25 s by default)`);
    const tick = setInterval(async () => {
      const rs = await askAll(() => ({ cmd: 'stats' }));
      log(`  holding: alive ${sum(rs, 'alive')}, dropped ${sum(rs, 'dropped')}, pings answered ${sum(rs, 'pings') - p1}, server RSS ${rssKiB()} KiB`);
    }, 15000);
    await sleep(holdS * 1000);
    clearInterval(tick);
    await sleep(100); // let a pending tick's replies arrive before the next request
    const cpu2 = cpuMs(), rss2 = rssKiB();
    const rs = await askAll(() => ({ cmd: 'stats' }));
    const alive = sum(rs, 'alive'), dropped = sum(rs, 'dropped');
    const result = {
      scenario: 'scale', label, stages: rows, idle, hold_s: holdS, clients: total, workers: nWorkers,
      alive_at_end: alive, dropped, failed: sum(rs, 'failed'), pings_answered_during_hold: sum(rs, 'pings') - p1,
      server_rss_end_kib: rss2, server_kib_per_conn_end: +((rss2 - idle.rss_kib) / Math.max(1, alive)).toFixed(2),
      server_cpu_pct_during_hold: cpu1 != null && cpu2 != null ? +((cpu2 - cpu1) / (holdS * 10)).toFixed(2) : null,
      held_since_last_connect_s: +((Date.now() - tConnected) / 1000).toFixed(1),
      reasons: Object.assign({}, ...rs.map((r) => r.reasons)), ts: new Date().toISOString(),
    };
    log(`end: ${alive}/${total} alive after ${holdS} s, ${dropped} dropped, ${result.pings_answered_during_hold} pings ` +
      `answered during the hold; server RSS ${rss2} KiB (${result.server_kib_per_conn_end} KiB/conn), CPU ` +
      `${result.server_cpu_pct_during_hold} % of a core while holding`);
    console.log('RESULT ' + JSON.stringify(result));
    if (jsonOut) fs.appendFileSync(jsonOut, JSON.stringify(result) + '\n');
    finish(alive === total && result.failed === 0 ? 0 : 1);
  })().catch((e) => { console.error(e); finish(1); });
}
