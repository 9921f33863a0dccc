#!/usr/bin/env node
'use strict';
// Two-node fan-out load generator (loopback only): the harness's `loadgen.js fanout` scenario, with the receivers
// spread over TWO servers of one cluster (the harness's loadgen.js takes a single --url).
//
//   node fanout2.js --url-a http://127.0.0.1:13200 --url-b http://127.0.0.1:13201 \
//        --pid-a PID --pid-b PID [--redis-pid PID] [--clients 500] [--messages 200] [--rate 0|msgs-per-s]
//
// What it does (same as loadgen.js fanout, socket.io-client 4.8, websocket transport, forceNew, no reconnection):
//   * clients/2 receivers connect to server A and the rest to server B (at most --concurrency 100 handshakes in
//     flight), every receiver joins room `bench-room` (acked by its server);
//   * one sender connects to A (it is not in the room), sends --warmup-msgs 10 `chat` messages (not counted; waits
//     until every receiver has them, at most --drain-timeout s), then --messages 200 `chat` messages as fast as it
//     can (--rate 0) or at a fixed rate; each carries the send time (same process and clock as the receivers);
//   * every receiver counts receipts per sequence number: lost = expected - received, duplicates counted apart;
//   * CPU over the measured window (first send -> last receipt or drain timeout), in % of ONE core: this process,
//     server A, server B and Redis (/proc/<pid>/stat utime+stime, all threads), irq+softirq and other processes.
//
// Options: --label NAME --round N --key KEY --json-out FILE (appends one JSON line) --timeout S (hard limit, 120)
//          --size 32 (payload pad) --drain-timeout 10 (s without progress) --concurrency 100
// Every loop is bounded: fixed counts, a drain timeout, and a hard wall-clock limit after which it prints what it
// has and exits by itself.

const { io } = require('socket.io-client');
const fs = require('fs');
const { performance } = require('perf_hooks');

function parseArgs(argv) {
  const out = { _: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      if (eq > 0) out[a.slice(2, eq)] = a.slice(eq + 1);
      else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) out[a.slice(2)] = argv[++i];
      else out[a.slice(2)] = 'true';
    } else out._.push(a);
  }
  return out;
}
const args = parseArgs(process.argv.slice(2));
const num = (k, d) => (args[k] === undefined ? d : Number(args[k]));
const str = (k, d) => (args[k] === undefined ? d : String(args[k]));

const URL_A = str('url-a', 'http://127.0.0.1:13200');
const URL_B = str('url-b', 'http://127.0.0.1:13201');
const PID_A = num('pid-a', 0), PID_B = num('pid-b', 0), PID_R = num('redis-pid', 0);
const LABEL = str('label', '');
const JSON_OUT = str('json-out', '');
const HARD_TIMEOUT_S = num('timeout', 120);
const N = num('clients', 500);
const K = num('messages', 200);
const RATE = num('rate', 0);
const SIZE = num('size', 32);
const WARM_K = num('warmup-msgs', 10);
const DRAIN_MS = num('drain-timeout', 10) * 1000;
const CONC = num('concurrency', 100);
const ROOM = 'bench-room';

function die(msg) { console.error('fanout2: ' + msg); process.exit(2); }
for (const u of [URL_A, URL_B]) {
  let h;
  try { h = new URL(u).hostname.replace(/^\[|\]$/g, ''); } catch (e) { die('bad url ' + u); }
  if (!(h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h))) die('refusing non-loopback target ' + u);
}

// ---------------------------------------------------------------- measurement (as loadgen.js)
const CLK_TCK = 100;
function procCpuMs(pid) {
  if (!pid) return null;
  try {
    const s = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / CLK_TCK;
  } catch (e) { return null; }
}
// CPU of each thread of a process, summed by thread name (/proc/<pid>/task/*/comm): shows e.g. the .NET JIT's
// background tier-up thread (".NET Tiered Com") or V8's workers apart from the threads that do the I/O.
function threadCpuMs(pid) {
  if (!pid) return null;
  const out = {};
  try {
    for (const t of fs.readdirSync(`/proc/${pid}/task`)) {
      try {
        const s = fs.readFileSync(`/proc/${pid}/task/${t}/stat`, 'utf8');
        const name = s.slice(s.indexOf('(') + 1, s.lastIndexOf(')'));
        const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
        out[name] = (out[name] || 0) + ((Number(f[11]) + Number(f[12])) * 1000) / CLK_TCK;
      } catch (e) { /* thread gone */ }
    }
  } catch (e) { return null; }
  return out;
}
function threadDelta(t0, t1) {
  if (!t0 || !t1) return null;
  const d = {};
  for (const k of Object.keys(t1)) { const v = t1[k] - (t0[k] || 0); if (v > 0) d[k] = round(v, 1); }
  return d; // threads that ended inside the window are not counted
}
function machineCpuMs() {
  try {
    const f = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const total = f[0] + f[1] + f[2] + f[3] + f[4] + f[5] + f[6] + f[7];
    const idle = f[3] + f[4];
    return { busy: ((total - idle) * 1000) / CLK_TCK, irq: ((f[5] + f[6]) * 1000) / CLK_TCK, steal: (f[7] * 1000) / CLK_TCK };
  } catch (e) { return null; }
}
function round(v, d = 0) { const k = 10 ** d; return Math.round(v * k) / k; }
function cpuWindow() {
  const t0 = performance.now();
  const lg0 = process.cpuUsage();
  const a0 = procCpuMs(PID_A), b0 = procCpuMs(PID_B), r0 = procCpuMs(PID_R);
  const ta0 = threadCpuMs(PID_A), tb0 = threadCpuMs(PID_B);
  const m0 = machineCpuMs();
  return () => {
    const wallMs = performance.now() - t0;
    const lg = process.cpuUsage(lg0);
    const lgMs = (lg.user + lg.system) / 1000;
    const a1 = procCpuMs(PID_A), b1 = procCpuMs(PID_B), r1 = procCpuMs(PID_R);
    const ta1 = threadCpuMs(PID_A), tb1 = threadCpuMs(PID_B);
    const m1 = machineCpuMs();
    const d = (x0, x1) => (x0 === null || x1 === null ? null : x1 - x0);
    const aMs = d(a0, a1), bMs = d(b0, b1), rMs = d(r0, r1);
    const busyMs = m0 && m1 ? m1.busy - m0.busy : null;
    const irqMs = m0 && m1 ? m1.irq - m0.irq : null;
    const otherMs = busyMs === null ? null : Math.max(0, busyMs - irqMs - lgMs - (aMs || 0) - (bMs || 0) - (rMs || 0));
    const pct = (ms) => (ms === null ? null : round((100 * ms) / wallMs, 1));
    return {
      wall_ms: round(wallMs, 1),
      loadgen_cpu_ms: round(lgMs, 1), loadgen_cpu_pct: pct(lgMs),
      server_a_cpu_ms: aMs, server_a_cpu_pct: pct(aMs),
      server_b_cpu_ms: bMs, server_b_cpu_pct: pct(bMs),
      server_cpu_ms: aMs === null || bMs === null ? null : round(aMs + bMs, 1),
      server_cpu_pct: aMs === null || bMs === null ? null : pct(aMs + bMs),
      redis_cpu_ms: rMs, redis_cpu_pct: pct(rMs),
      server_a_threads_ms: threadDelta(ta0, ta1), server_b_threads_ms: threadDelta(tb0, tb1),
      machine_busy_pct: pct(busyMs),
      other_cpu_pct: pct(otherMs),
      irq_cpu_pct: pct(irqMs),
      steal_pct: m0 && m1 ? pct(m1.steal - m0.steal) : null,
    };
  };
}
class Samples {
  constructor(cap) { this.a = new Float64Array(cap); this.n = 0; }
  push(v) { if (this.n < this.a.length) this.a[this.n++] = v; }
  summary() {
    if (this.n === 0) return { n: 0, p50_us: null, p90_us: null, p99_us: null, max_us: null, mean_us: null };
    const s = this.a.subarray(0, this.n).slice().sort();
    const p = (q) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] * 1000;
    let sum = 0; for (let i = 0; i < s.length; i++) sum += s[i];
    return { n: this.n, p50_us: round(p(0.5)), p90_us: round(p(0.9)), p99_us: round(p(0.99)),
      max_us: round(s[s.length - 1] * 1000), mean_us: round((sum / s.length) * 1000) };
  }
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------- clients
const allSockets = [];
function makeClient(url) {
  const s = io(url, { path: '/socket.io', forceNew: true, reconnection: false, timeout: 20000, transports: ['websocket'] });
  allSockets.push(s);
  return s;
}
// open n clients to url with at most `conc` handshakes in flight; onSocket(s, i) on each connect
function connectMany(url, n, conc, onSocket) {
  return new Promise((resolve) => {
    if (n === 0) return resolve({ sockets: [], failed: 0 });
    const sockets = new Array(n);
    let started = 0, done = 0, failed = 0;
    const startOne = () => {
      const i = started++;
      const s = makeClient(url);
      sockets[i] = s;
      let settled = false;
      const settle = (ok) => {
        if (settled) return; settled = true;
        done++;
        if (ok) { if (onSocket) onSocket(s, i); } else failed++;
        if (started < n) startOne();
        if (done === n) resolve({ sockets, failed });
      };
      s.once('connect', () => settle(true));
      s.once('connect_error', () => settle(false));
    };
    for (let k = 0; k < Math.min(n, Math.max(1, conc)); k++) startOne();
  });
}
function closeAll() { for (const s of allSockets) { try { s.disconnect(); } catch (e) { /* ignore */ } } }

let finalResult = null;
function emitResult(res) {
  res = { key: str('key', 'fanout2'), round: num('round', 0), ...res, ts: new Date().toISOString() };
  finalResult = res;
  const line = JSON.stringify(res);
  if (JSON_OUT) fs.appendFileSync(JSON_OUT, line + '\n');
  console.log('RESULT ' + line);
}
let partial = () => null;
const hard = setTimeout(() => {
  console.error(`fanout2: hard timeout ${HARD_TIMEOUT_S}s reached, exiting`);
  if (!finalResult) emitResult({ scenario: 'fanout2', label: LABEL, error: 'hard-timeout', partial: partial() });
  closeAll();
  setTimeout(() => process.exit(3), 300);
}, HARD_TIMEOUT_S * 1000);

// ---------------------------------------------------------------- scenario
async function run() {
  const nA = Math.ceil(N / 2), nB = N - nA;
  const pad = 'x'.repeat(SIZE);
  // receiver r (0..N-1): 0..nA-1 on A, nA..N-1 on B
  const seen = new Uint8Array(N * K);
  const latA = new Samples(nA * K + 16), latB = new Samples(nB * K + 16), lat = new Samples(N * K + 16);
  const got = [0, 0];
  let received = 0, dups = 0, warmRecv = 0, tLastRecv = 0, unexpectedDisconnects = 0, badSeq = 0;
  const onReceiver = (side, base) => (s, i) => {
    const r = base + i;
    s.on('disconnect', () => unexpectedDisconnects++);
    s.on('chat', (msg) => {
      const t = performance.now();
      if (!msg || msg.w) { warmRecv++; return; }
      if (!(msg.s >= 0 && msg.s < K)) { badSeq++; return; }
      const idx = r * K + msg.s;
      if (seen[idx]) { dups++; return; }
      seen[idx] = 1; received++; got[side]++; tLastRecv = t;
      const l = t - msg.t;
      lat.push(l); (side === 0 ? latA : latB).push(l);
    });
  };
  const [ca, cb] = await Promise.all([
    connectMany(URL_A, nA, CONC, onReceiver(0, 0)),
    connectMany(URL_B, nB, CONC, onReceiver(1, nA)),
  ]);
  const failed = ca.failed + cb.failed;
  if (failed) console.error(`fanout2: ${failed} receivers failed to connect (A ${ca.failed}, B ${cb.failed})`);
  const recA = ca.sockets.filter((s) => s && s.connected), recB = cb.sockets.filter((s) => s && s.connected);
  const receivers = recA.concat(recB);
  const nOk = receivers.length;

  let joinFail = 0;
  await Promise.all(receivers.map((s) => new Promise((res) => {
    s.timeout(10000).emit('join', ROOM, (err) => { if (err) joinFail++; res(); });
  })));
  if (joinFail) console.error(`fanout2: ${joinFail} joins not acknowledged`);

  const sc = await connectMany(URL_A, 1, 1);
  const sender = sc.sockets[0];
  if (!sender || !sender.connected) die('sender failed to connect');
  const mk = (seq, w) => ({ room: ROOM, s: seq, t: performance.now(), w, d: pad });

  for (let j = 0; j < WARM_K; j++) sender.emit('chat', mk(j, 1));
  const tw = performance.now();
  while (warmRecv < nOk * WARM_K && performance.now() - tw < DRAIN_MS) await sleep(5);
  const warmShort = nOk * WARM_K - warmRecv;
  if (warmShort > 0) console.error(`fanout2: ${warmShort} warm-up receipts missing after ${DRAIN_MS} ms`);

  partial = () => ({ expected: nOk * K, received, received_a: got[0], received_b: got[1], dups });
  const win = cpuWindow();
  const tFirstSend = performance.now();
  let sent = 0;
  if (RATE <= 0) {
    for (; sent < K; sent++) sender.emit('chat', mk(sent, 0));
  } else {
    const interval = 1000 / RATE;
    while (sent < K) {
      const due = Math.min(K, Math.floor((performance.now() - tFirstSend) / interval) + 1);
      for (; sent < due; sent++) sender.emit('chat', mk(sent, 0));
      if (sent < K) await sleep(Math.max(0, tFirstSend + sent * interval - performance.now()));
    }
  }
  const tLastSend = performance.now();
  const expected = nOk * K;
  let lastProgress = performance.now(), lastCount = received;
  while (received < expected) {
    await sleep(5);
    if (received !== lastCount) { lastCount = received; lastProgress = performance.now(); }
    else if (performance.now() - lastProgress > DRAIN_MS) break;
  }
  const cpu = win();
  const elapsedMs = (received ? tLastRecv : performance.now()) - tFirstSend;
  const st = lat.summary();
  const expA = recA.length * K, expB = recB.length * K;
  const res = {
    scenario: 'fanout2', label: LABEL, client: 'sio', transport: 'websocket', event: 'chat',
    clients: nOk, clients_a: recA.length, clients_b: recB.length, messages: K,
    target_rate: RATE || 'max', actual_send_rate: round(K / Math.max(1e-9, (tLastSend - tFirstSend) / 1000), 0),
    payload_bytes: SIZE, warmup_msgs: WARM_K, warmup_missing: warmShort,
    expected, received, lost: expected - received, loss_pct: round((100 * (expected - received)) / expected, 3), dups,
    bad_seq: badSeq, join_failed: joinFail,
    received_a: got[0], lost_a: expA - got[0], received_b: got[1], lost_b: expB - got[1],
    elapsed_ms: round(elapsedMs, 1),
    delivered_per_s: round(received / (elapsedMs / 1000), 0),
    latency: st, latency_a: latA.summary(), latency_b: latB.summary(),
    unexpected_disconnects: unexpectedDisconnects, connect_failed: failed,
    ...cpu,
  };
  const perDel = (ms) => (ms === null || !received ? '-' : round((ms * 1000) / received, 2));
  console.log(`fanout2[${LABEL}] ${recA.length}+${recB.length} receivers x ${K} msgs @ ${RATE || 'max'}/s: ` +
    `${received}/${expected} delivered (A ${got[0]}/${expA}, B ${got[1]}/${expB}) in ${res.elapsed_ms} ms = ` +
    `${res.delivered_per_s} msg/s; lost ${res.lost} dups ${dups}; latency p50/p99 ${st.p50_us}/${st.p99_us} us ` +
    `(A ${res.latency_a.p50_us}/${res.latency_a.p99_us}, B ${res.latency_b.p50_us}/${res.latency_b.p99_us}); ` +
    `cpu % loadgen ${cpu.loadgen_cpu_pct} A ${cpu.server_a_cpu_pct} B ${cpu.server_b_cpu_pct} redis ${cpu.redis_cpu_pct} ` +
    `irq ${cpu.irq_cpu_pct} other ${cpu.other_cpu_pct}; server CPU/delivery ${perDel(cpu.server_cpu_ms)} us ` +
    `(A ${perDel(cpu.server_a_cpu_ms)}, B ${perDel(cpu.server_b_cpu_ms)})`);
  emitResult(res);
}

(async () => {
  try { await run(); } catch (e) {
    console.error('fanout2 error:', e && e.stack || e);
    emitResult({ scenario: 'fanout2', label: LABEL, error: String(e && e.message || e) });
    process.exitCode = 1;
  }
  clearTimeout(hard);
  closeAll();
  setTimeout(() => process.exit(process.exitCode || 0), 300);
})();
