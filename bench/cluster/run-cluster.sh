#!/usr/bin/env bash
# Two servers over Redis: fan-out benchmark (loopback only).
#
#   bench/cluster/run-cluster.sh            (from anywhere; RUNS=3 by default)
#
# Starts a private redis-server (no persistence) on a free loopback port, then for every round and every kind
# (node, csharp — interleaved: node, csharp, node, csharp, …) and every scenario: starts TWO fresh server processes
# of that kind on two loopback ports sharing that Redis, waits for both ports and for the cluster (both subscribed:
# `PUBSUB NUMSUB socket.io-request#/#` = 2), runs fanout2.js (250 receivers on A, 250 on B, the sender on A), and
# stops both. Prints a summary table (median over rounds) at the end (summarize-cluster.js).
#
#   node   = node node-cluster-server.js redis://127.0.0.1:$RP   (socket.io 4.8.4 + @socket.io/redis-adapter 8.3.0)
#   csharp = dotnet bench/BenchHost/bin/Release/net10.0/BenchHost.dll --urls http://127.0.0.1:$PORT --Redis=127.0.0.1:$RP
#            (built first with `dotnet build bench/BenchHost -c Release` unless BUILD=0)
#
# Settings (environment, defaults in brackets):
#   RUNS [3]  KINDS ["node csharp"]  SCENARIOS ["fanout2-max fanout2-max-warm fanout2-rate"]
#             fanout2-max: burst after WARMUP_K warm-up messages (the harness's 10); fanout2-max-warm: the same burst
#             after WARMUP_LONG [300] warm-up messages (the servers' JITs have compiled the Redis path by then);
#             fanout2-rate: FANOUT_RATE msg/s after WARMUP_K
#   FANOUT_N [500] receivers (half on each server)   FANOUT_K [200] messages   FANOUT_RATE [100] msg/s (fanout2-rate)
#   FANOUT_SIZE [32]  WARMUP_K [10] warm-up messages
#   PIN [0]   1 = both servers on CPU 0, load generator and redis on CPU 1 (taskset)
#   QUIET_WAIT [60] QUIET_PCT [15] NOISY_PCT [25] RETRIES [2]   the harness's noise guard (see its README): wait up to
#             QUIET_WAIT s for the machine to be quiet before each scenario; a scenario during which other processes
#             used > NOISY_PCT % of a core is marked noisy (kept in the JSON, left out of the summary) and re-run
#   BUDGET [1200]  seconds: past it, no more quiet waits and no retries (a full run stays near ~20 min on a busy
#             machine; each attempt takes ~15-25 s)
#   BUILD [1]  OUT [bench/cluster/results/<date>-<time>]
# Ports: servers on the first free pair of 13200..13289, Redis on the first free of 13290..13299.
# Every wait is bounded; every process started here is stopped by its PID (process group) on exit.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
cd "$HERE"

RUNS=${RUNS:-3}
KINDS=${KINDS:-"node csharp"}
SCENARIOS=${SCENARIOS:-"fanout2-max fanout2-max-warm fanout2-rate"}
FANOUT_N=${FANOUT_N:-500}; FANOUT_K=${FANOUT_K:-200}; FANOUT_RATE=${FANOUT_RATE:-100}; FANOUT_SIZE=${FANOUT_SIZE:-32}
WARMUP_K=${WARMUP_K:-10}; WARMUP_LONG=${WARMUP_LONG:-300}
PIN=${PIN:-0}
QUIET_WAIT=${QUIET_WAIT:-60}; QUIET_PCT=${QUIET_PCT:-15}
NOISY_PCT=${NOISY_PCT:-25}; RETRIES=${RETRIES:-2}
BUILD=${BUILD:-1}; BUDGET=${BUDGET:-1200}
OUT=${OUT:-$HERE/results/$(date +%Y%m%d-%H%M%S)}
DLL="$REPO/bench/BenchHost/bin/Release/net10.0/BenchHost.dll"

[ -d "$REPO/node_modules/socket.io-client" ] && [ -d "$REPO/node_modules/@socket.io/redis-adapter" ] ||
  { echo "run 'npm ci' in $REPO first (socket.io, socket.io-client, @socket.io/redis-adapter, redis)" >&2; exit 2; }
command -v redis-server >/dev/null && command -v redis-cli >/dev/null || { echo "redis-server/redis-cli not found" >&2; exit 2; }

if [ "$BUILD" = 1 ] && [[ " $KINDS " == *" csharp "* ]]; then
  echo "# dotnet build bench/BenchHost -c Release"
  (cd "$REPO" && dotnet build bench/BenchHost/BenchHost.csproj -c Release -nologo -v q) > /dev/null ||
    { echo "build failed" >&2; exit 1; }
fi
[[ " $KINDS " != *" csharp "* ]] || [ -f "$DLL" ] || { echo "missing $DLL" >&2; exit 1; }

mkdir -p "$OUT"
RESULTS="$OUT/results.jsonl"
: > "$RESULTS"

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() { # $1..$2 range, $3 = a port to skip; prints the first free one
  local p; for p in $(seq "$1" "$2"); do [ "$p" = "${3:-}" ] && continue; port_open "$p" || { echo "$p"; return 0; }; done
  return 1
}

SV_PREFIX=""; LG_PREFIX=(); RD_PREFIX=()
if [ "$PIN" = 1 ]; then SV_PREFIX="taskset -c 0 "; LG_PREFIX=(taskset -c 1); RD_PREFIX=(taskset -c 1); fi

# ---------------------------------------------------------------- processes we start (stopped by PID)
PIDS=()   # process-group leaders (setsid) currently running
stop_pid() { # stop one process group we started: TERM, then KILL after 5 s
  local pid=$1 pgid
  kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null; return 0; }
  pgid=$(ps -o pgid= -p "$pid" 2>/dev/null | tr -d ' ')
  if [ "$pgid" = "$pid" ]; then kill -TERM -- "-$pid" 2>/dev/null; else kill -TERM "$pid" 2>/dev/null; fi
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then
    if [ "$pgid" = "$pid" ]; then kill -KILL -- "-$pid" 2>/dev/null; else kill -KILL "$pid" 2>/dev/null; fi
  fi
  wait "$pid" 2>/dev/null
}
stop_servers() {
  local p; for p in "${PIDS[@]}"; do stop_pid "$p"; done
  PIDS=()
}
REDIS_PID=""
cleanup() { stop_servers; [ -n "$REDIS_PID" ] && stop_pid "$REDIS_PID"; REDIS_PID=""; }
trap cleanup EXIT
trap 'cleanup; exit 130' INT TERM

# ---------------------------------------------------------------- redis
RP=$(free_port 13290 13299) || { echo "no free port for redis in 13290..13299" >&2; exit 1; }
setsid "${RD_PREFIX[@]}" redis-server --bind 127.0.0.1 --port "$RP" --protected-mode yes --save '' --appendonly no \
  --daemonize no --logfile "$OUT/redis.log" --dir "$OUT" < /dev/null > /dev/null 2>&1 &
REDIS_PID=$!
for _ in $(seq 1 100); do [ "$(redis-cli -p "$RP" PING 2>/dev/null)" = PONG ] && break; sleep 0.1; done
[ "$(redis-cli -p "$RP" PING 2>/dev/null)" = PONG ] || { echo "redis-server did not answer on $RP" >&2; exit 1; }
REDIS_MPID=$(ss -Hltnp "sport = :$RP" 2>/dev/null | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2)
[ -n "$REDIS_MPID" ] || REDIS_MPID=$REDIS_PID
numsub() { redis-cli -p "$RP" PUBSUB NUMSUB 'socket.io-request#/#' 2>/dev/null | tail -1; }

# ---------------------------------------------------------------- servers
server_cmd() { # $1 kind
  case "$1" in
    node)   echo "node $HERE/node-cluster-server.js redis://127.0.0.1:$RP" ;;
    csharp) echo "dotnet $DLL --urls http://127.0.0.1:\$PORT --Redis=127.0.0.1:$RP" ;;
    *) return 1 ;;
  esac
}
listen_pid() { ss -Hltnp "sport = :$1" 2>/dev/null | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2; }
# start_pair kind logprefix: sets PA PB (ports), MA MB (pids listening)
start_pair() {
  local kind=$1 log=$2 cmd i pid
  cmd=$(server_cmd "$kind") || { echo "unknown kind $kind" >&2; exit 2; }
  PA=$(free_port 13200 13289) || { echo "no free port" >&2; exit 1; }
  PB=$(free_port 13200 13289 "$PA") || { echo "no free port" >&2; exit 1; }
  PORT=$PA setsid bash -c "exec ${SV_PREFIX}$cmd" > "$log-a.log" 2>&1 < /dev/null &
  PIDS+=($!)
  PORT=$PB setsid bash -c "exec ${SV_PREFIX}$cmd" > "$log-b.log" 2>&1 < /dev/null &
  PIDS+=($!)
  for i in $(seq 1 600); do   # up to 60 s for both ports
    port_open "$PA" && port_open "$PB" && break
    for pid in "${PIDS[@]}"; do
      kill -0 "$pid" 2>/dev/null || { echo "a $kind server exited before listening; logs:" >&2; tail -5 "$log"-*.log >&2; exit 1; }
    done
    sleep 0.1
  done
  port_open "$PA" && port_open "$PB" || { echo "$kind servers did not listen within 60 s" >&2; exit 1; }
  for i in $(seq 1 300); do   # up to 30 s for both to be subscribed
    [ "$(numsub)" = 2 ] && break
    sleep 0.1
  done
  [ "$(numsub)" = 2 ] || { echo "cluster not formed: NUMSUB socket.io-request#/# = $(numsub) (want 2)" >&2; exit 1; }
  MA=$(listen_pid "$PA"); MB=$(listen_pid "$PB")
  [ -n "$MA" ] && [ -n "$MB" ] || { echo "could not find the listening pids" >&2; exit 1; }
  sleep 0.5   # let them finish starting up
}
after_stop() { # bounded: the cluster must be empty before the next pair starts
  for _ in $(seq 1 100); do [ "$(numsub)" = 0 ] && return 0; sleep 0.1; done
  echo "  [warn] NUMSUB still $(numsub) after stopping the servers" >&2
}

# ---------------------------------------------------------------- noise guard (as the harness's run.sh)
busy_pct_2s() {
  local a b
  a=$(head -1 /proc/stat); sleep 2; b=$(head -1 /proc/stat)
  awk -v a="$a" -v b="$b" -v nc="$(nproc)" 'BEGIN{split(a,x," ");split(b,y," ");
    bt=0; for(i=2;i<=9;i++){bt+=y[i]-x[i]}; idle=(y[5]-x[5])+(y[6]-x[6]);
    if (bt>0) printf "%d", nc*100*(bt-idle)/bt; else print 0}'
}
over_budget() { [ "$SECONDS" -ge "$BUDGET" ]; }
wait_quiet() {
  [ "$QUIET_WAIT" -gt 0 ] || return 0
  over_budget && return 0
  local t0=$SECONDS b
  while :; do
    b=$(busy_pct_2s)
    [ "$b" -lt "$QUIET_PCT" ] && return 0
    if [ $((SECONDS - t0)) -ge "$QUIET_WAIT" ]; then
      echo "  [warn] machine not quiet after ${QUIET_WAIT}s (other load ${b}% of a core); running anyway" >&2
      return 0
    fi
  done
}
last_other_pct() {
  tail -1 "$RESULTS" 2>/dev/null | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{
    try{const r=JSON.parse(s);console.log(r.other_cpu_pct==null?999:Math.round(r.other_cpu_pct))}catch(e){console.log(999)}})'
}
mark_last_noisy() {
  node -e 'const fs=require("fs");const f=process.argv[1];const l=fs.readFileSync(f,"utf8").trimEnd().split("\n");
    const r=JSON.parse(l[l.length-1]);r.noisy=true;l[l.length-1]=JSON.stringify(r);fs.writeFileSync(f,l.join("\n")+"\n")' "$RESULTS"
}

run_fanout() { # $1 key $2 kind $3 round
  local key=$1 kind=$2 round=$3 rate warm=$WARMUP_K
  case "$key" in
    fanout2-max)  rate=0 ;;
    fanout2-max-warm) rate=0; warm=$WARMUP_LONG ;;
    fanout2-rate) rate=$FANOUT_RATE ;;
    *) echo "unknown scenario $key" >&2; return 1 ;;
  esac
  "${LG_PREFIX[@]}" timeout -k 5 200 node "$HERE/fanout2.js" --url-a "http://127.0.0.1:$PA" --url-b "http://127.0.0.1:$PB" \
    --pid-a "$MA" --pid-b "$MB" --redis-pid "$REDIS_MPID" --clients "$FANOUT_N" --messages "$FANOUT_K" --rate "$rate" \
    --size "$FANOUT_SIZE" --warmup-msgs "$warm" --label "$kind" --round "$round" --key "$key" \
    --json-out "$RESULTS" --timeout 120 | grep -v '^RESULT ' | sed 's/^/  /'
}

echo "# socket.io two-node fan-out over redis  $(date -u +%Y-%m-%dT%H:%M:%SZ)  $(nproc) cores  node $(node --version)  dotnet $(dotnet --version 2>/dev/null)  $(redis-server --version | cut -d' ' -f3)  pin=$PIN"
echo "# kinds: $KINDS   rounds: $RUNS   scenarios: $SCENARIOS   redis: 127.0.0.1:$RP (pid $REDIS_MPID)   commit: $(cd "$REPO" && git rev-parse --short HEAD)   out: $OUT"
for round in $(seq 1 "$RUNS"); do
  for kind in $KINDS; do
    for key in $SCENARIOS; do
      for attempt in $(seq 0 "$RETRIES"); do
        wait_quiet
        if [ "$attempt" -eq 0 ]; then echo "[round $round] $kind $key"; else echo "[round $round] $kind $key (retry $attempt)"; fi
        start_pair "$kind" "$OUT/server-$kind-r$round-$key-t$attempt"
        echo "  servers A :$PA (pid $MA)  B :$PB (pid $MB)  NUMSUB $(numsub)"
        run_fanout "$key" "$kind" "$round"
        stop_servers
        after_stop
        other=$(last_other_pct)
        [ "$other" -le "$NOISY_PCT" ] && break
        [ "$attempt" -ge "$RETRIES" ] && { echo "  [noisy: other load ${other}% of a core; kept, no retries left]"; break; }
        over_budget && { echo "  [noisy: other load ${other}% of a core; kept, time budget of ${BUDGET}s used up]"; break; }
        echo "  [noisy: other load ${other}% of a core > ${NOISY_PCT}%; discarding and retrying]"
        mark_last_noisy
      done
    done
  done
done

echo
node "$HERE/summarize-cluster.js" "$RESULTS" | tee "$OUT/summary.txt"
