'use strict';
// Holds N concurrent Socket.IO connections (WebSocket only) for T seconds against a server on loopback and checks
// that none drops: every client answers the server's Engine.IO pings ("2" → "3") like a real client would.
//
//   node hold.js --url http://127.0.0.1:13100 --clients 10000 --hold 60 [--server-pid PID] [--concurrency 200]
//
// A minimal raw client (no socket.io-client: 10 000 of those would cost the load generator too much):
//   open  "0{...}"  → send "40" (CONNECT to the default namespace)
//   "40{...}"       → connected
//   "2"             → send "3" (heartbeat)
//   close / "41"    → dropped (counted if it happens before the end of the hold)
// Bounded: refuses non-loopback URLs, exits by itself at --timeout, closes every socket it opened.
const WebSocket = require('ws'); // resolved from the repository's node_modules

const args = process.argv.slice(2);
const opt = (name, def) => { const i = args.indexOf('--' + name); return i >= 0 ? args[i + 1] : def; };
const url = new URL(opt('url', 'http://127.0.0.1:13100'));
const clients = parseInt(opt('clients', '10000'), 10);
const holdS = parseFloat(opt('hold', '60'));
const conc = parseInt(opt('concurrency', '200'), 10);
const serverPid = opt('server-pid', '');
const timeoutS = parseFloat(opt('timeout', String(holdS + 240)));
if (!['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname) && !url.hostname.startsWith('127.')) {
  console.error('refusing a non-loopback url: ' + url); process.exit(2);
}
const wsUrl = `ws://${url.host}/socket.io/?EIO=4&transport=websocket`;

const fs = require('fs');
const rssKiB = () => { try { return parseInt(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${serverPid}/status`, 'utf8'))[1], 10); } catch { return null; } };
const cpuMs = () => { try { const f = fs.readFileSync(`/proc/${serverPid}/stat`, 'utf8').split(') ')[1].split(' '); return (+f[11] + +f[12]) * 10; } catch { return null; } };

const sockets = [];
let connected = 0, failed = 0, dropped = 0, pings = 0, holding = false, done = false;
const dropReasons = {};

function open(i) {
  return new Promise((resolve) => {
    const ws = new WebSocket(wsUrl, { perMessageDeflate: false });
    const s = { ws, ok: false };
    sockets[i] = s;
    ws.on('message', (data) => {
      const m = String(data);
      if (m === '2') { pings++; ws.send('3'); }
      else if (m[0] === '0') ws.send('40');
      else if (m.startsWith('40')) { s.ok = true; connected++; resolve(); }
      else if (m.startsWith('41')) drop(s, 'namespace disconnect');
    });
    ws.on('close', (code) => { drop(s, 'close ' + code); resolve(); });
    ws.on('error', (e) => { if (!s.ok) { failed++; s.failed = true; } drop(s, 'error ' + e.code); resolve(); });
  });
}
function drop(s, why) {
  if (s.gone) return;
  s.gone = true;
  if (s.ok && !done) { dropped++; dropReasons[why] = (dropReasons[why] || 0) + 1; }
}

const fence = setTimeout(() => { console.error('hold: timeout, giving up'); finish(3); }, timeoutS * 1000);

async function main() {
  const t0 = Date.now();
  const rss0 = rssKiB();
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(conc, clients) }, async () => {
    while (next < clients) await open(next++);
  }));
  const tConnected = Date.now() - t0;
  const rss1 = rssKiB(), cpu1 = cpuMs();
  console.log(`hold: ${connected}/${clients} connected in ${tConnected} ms, ${failed} failed; server RSS ${rss0} -> ${rss1} KiB`);
  holding = true;
  const p0 = pings, d0 = dropped;
  const tick = setInterval(() => console.log(`  t+${Math.round((Date.now() - t0 - tConnected) / 1000)}s: connected ${connected - dropped}, dropped ${dropped}, pings ${pings}, RSS ${rssKiB()} KiB`), 15000);
  await new Promise((r) => setTimeout(r, holdS * 1000));
  clearInterval(tick);
  const rss2 = rssKiB(), cpu2 = cpuMs();
  const alive = sockets.filter((s) => s && s.ok && !s.gone).length;
  const result = {
    scenario: 'hold', clients, hold_s: holdS, connected, failed, dropped_during_hold: dropped - d0, dropped_total: dropped,
    alive_at_end: alive, pings_answered: pings - p0, connect_ms: tConnected,
    server_rss_idle_kib: rss0, server_rss_connected_kib: rss1, server_rss_end_kib: rss2,
    server_rss_per_conn_kib: rss0 != null && rss2 != null ? +((rss2 - rss0) / Math.max(1, alive)).toFixed(2) : null,
    server_cpu_pct_during_hold: cpu1 != null ? +((cpu2 - cpu1) / (holdS * 10)).toFixed(2) : null,
    drop_reasons: dropReasons, ts: new Date().toISOString(),
  };
  console.log(`hold: ${alive}/${clients} alive after ${holdS} s, ${dropped} dropped, ${pings - p0} pings answered during the hold; server RSS ${rss2} KiB (${result.server_rss_per_conn_kib} KiB/conn), CPU ${result.server_cpu_pct_during_hold}% of a core`);
  console.log('RESULT ' + JSON.stringify(result));
  finish(alive === clients && failed === 0 ? 0 : 1);
}

function finish(code) {
  done = true;
  clearTimeout(fence);
  for (const s of sockets) if (s) try { s.ws.terminate(); } catch { /* already gone */ }
  setTimeout(() => process.exit(code), 200);
}

main().catch((e) => { console.error(e); finish(1); });
