#!/usr/bin/env bash
# Where the C# servers' CPU goes in the two-node fan-out (loopback only): a private redis-server, two BenchHost
# processes with --Redis (as run-cluster.sh, plus DOTNET_PerfMapEnabled=1 so perf can name JIT-compiled frames), one
# fanout2.js burst with more messages (the fan-out then dominates the connects), `perf record -g` on each server.
#
#   bench/cluster/profile-csharp.sh          env: FANOUT_K [1000]  FANOUT_N [500]  OUT [/tmp/cluster-profile-<time>]
#   KIND=node bench/cluster/profile-csharp.sh   the same for two node-cluster-server.js (perf --perf-basic-prof)
#
# Writes perf-a.data / perf-b.data and perf-a.txt / perf-b.txt (flat top frames by module and symbol) and
# perf-?-thread.txt (by thread name: ".NET Tiered Com" is the JIT's background tier-up) to OUT.
# (DOTNET_EnableWriteXorExecute=0 as well: with W^X on, JIT-compiled frames show as memfd:doublemapper.)
# Every wait is bounded; every process started here is stopped by its PID on exit. Needs `perf` (linux-perf).
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
FANOUT_K=${FANOUT_K:-1000}; FANOUT_N=${FANOUT_N:-500}; KIND=${KIND:-csharp}
OUT=${OUT:-/tmp/cluster-profile-$(date +%Y%m%d-%H%M%S)}
DLL="$REPO/bench/BenchHost/bin/Release/net10.0/BenchHost.dll"
mkdir -p "$OUT"
command -v perf >/dev/null || { echo "perf not found" >&2; exit 2; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() { local p; for p in $(seq "$1" "$2"); do [ "$p" = "${3:-}" ] && continue; port_open "$p" || { echo "$p"; return 0; }; done; return 1; }
listen_pid() { ss -Hltnp "sport = :$1" 2>/dev/null | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2; }
PIDS=()
stop_pid() {
  local pid=$1
  kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null; return 0; }
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && { kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null; }
  wait "$pid" 2>/dev/null
}
cleanup() { local p; for p in "${PIDS[@]}"; do stop_pid "$p"; done; PIDS=(); }
trap cleanup EXIT
trap 'cleanup; exit 130' INT TERM

RP=$(free_port 13290 13299) || exit 1
setsid redis-server --bind 127.0.0.1 --port "$RP" --save '' --appendonly no --logfile "$OUT/redis.log" --dir "$OUT" \
  < /dev/null > /dev/null 2>&1 &
PIDS+=($!)
for _ in $(seq 1 100); do [ "$(redis-cli -p "$RP" PING 2>/dev/null)" = PONG ] && break; sleep 0.1; done
RPID=$(listen_pid "$RP")

PA=$(free_port 13200 13289) || exit 1; PB=$(free_port 13200 13289 "$PA") || exit 1
for side in a b; do
  port=$PA; [ "$side" = b ] && port=$PB
  if [ "$KIND" = node ]; then
    PORT=$port setsid node --perf-basic-prof "$HERE/node-cluster-server.js" "redis://127.0.0.1:$RP" > "$OUT/server-$side.log" 2>&1 < /dev/null &
  else
    PORT=$port DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 setsid dotnet "$DLL" --urls "http://127.0.0.1:$port" --Redis="127.0.0.1:$RP" \
      > "$OUT/server-$side.log" 2>&1 < /dev/null &
  fi
  PIDS+=($!)
done
for _ in $(seq 1 600); do port_open "$PA" && port_open "$PB" && break; sleep 0.1; done
for _ in $(seq 1 300); do [ "$(redis-cli -p "$RP" PUBSUB NUMSUB 'socket.io-request#/#' | tail -1)" = 2 ] && break; sleep 0.1; done
MA=$(listen_pid "$PA"); MB=$(listen_pid "$PB")
echo "# $KIND A :$PA pid $MA   B :$PB pid $MB   redis :$RP pid $RPID   out $OUT"
sleep 0.5

perf record -F 499 -g -p "$MA" -o "$OUT/perf-a.data" > /dev/null 2>&1 &
PERF_A=$!
perf record -F 499 -g -p "$MB" -o "$OUT/perf-b.data" > /dev/null 2>&1 &
PERF_B=$!
sleep 0.5
timeout -k 5 200 node "$HERE/fanout2.js" --url-a "http://127.0.0.1:$PA" --url-b "http://127.0.0.1:$PB" --pid-a "$MA" --pid-b "$MB" \
  --redis-pid "$RPID" --clients "$FANOUT_N" --messages "$FANOUT_K" --label "$KIND-profile" --timeout 150 \
  --json-out "$OUT/results.jsonl" | grep -v '^RESULT '
kill -INT "$PERF_A" "$PERF_B" 2>/dev/null
for _ in $(seq 1 100); do kill -0 "$PERF_A" 2>/dev/null || kill -0 "$PERF_B" 2>/dev/null || break; sleep 0.1; done
wait "$PERF_A" "$PERF_B" 2>/dev/null
for side in a b; do
  perf report -i "$OUT/perf-$side.data" --no-children -g none --sort dso,sym --stdio 2>/dev/null | grep -v '^#' | grep -v '^$' |
    grep '%' | head -60 > "$OUT/perf-$side.txt"
  perf report -i "$OUT/perf-$side.data" --no-children -g none --sort dso --stdio 2>/dev/null | grep '%' | head -15 > "$OUT/perf-$side-dso.txt"
  perf report -i "$OUT/perf-$side.data" --no-children -g none --sort comm --stdio 2>/dev/null | grep "%" | head -10 > "$OUT/perf-$side-thread.txt"
  echo "== server $side: by thread"; cat "$OUT/perf-$side-thread.txt"
  echo "== server $side: by module"; cat "$OUT/perf-$side-dso.txt"
  echo "== server $side: top symbols"; head -30 "$OUT/perf-$side.txt"
done
