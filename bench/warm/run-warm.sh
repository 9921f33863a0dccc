#!/usr/bin/env bash
# A cold server against a warm one (loopback only). The harness's run.sh starts a fresh server for every scenario, so
# its figures include what a process pays in its first seconds (the JIT, the thread pool growing, pools filling).
# This script starts ONE server and runs the harness's own scenarios on it again and again: fanout-max 6 times, then
# echo 3 times, then fanout-rate 2 times, printing the server CPU per operation of each run. The first runs are cold,
# the last ones warm.
#
#   bench/warm/run-warm.sh csharp        # BenchHost (Release), with BenchHost.csproj's runtime settings
#   bench/warm/run-warm.sh node          # the harness's node-server.js
#   BENCH=/tmp/bench bench/warm/run-warm.sh csharp DOTNET_TieredCompilation=0   # extra VAR=value go to the server
#   bench/warm/run-warm.sh csfloor       # the floors (bench/FloorHost, Release; node-floor.js copied into BENCH)
#   bench/warm/run-warm.sh nodefloor
#
# Needs the harness copied out of the read-only share with its npm packages (bench/README.md, "Reproduce"; BENCH,
# default /tmp/bench) and, for csharp and csfloor, BenchHost or FloorHost built in Release. Every wait is bounded; the
# server is stopped on exit.
set -u
name=${1:?usage: run-warm.sh csharp|node|csfloor|nodefloor [VAR=value...]}; shift
repo=$(cd "$(dirname "$0")/../.." && pwd)
BENCH=${BENCH:-/tmp/bench}; PORT=${PORT:-13170}
[ -f "$BENCH/loadgen.js" ] || { echo "no harness at $BENCH (see bench/README.md, Reproduce)" >&2; exit 2; }
. "$repo/bench/server.sh"
cd "$BENCH"

case "$name" in
  node)      cmd=(node node-server.js) ;;
  nodefloor) cmd=(node node-floor.js) ;;
  csharp|csfloor)
    host=BenchHost; [ "$name" = csfloor ] && host=FloorHost
    dll=$repo/bench/$host/bin/Release/net10.0/$host.dll
    [ -f "$dll" ] || { echo "build it first: dotnet build bench/$host -c Release" >&2; exit 2; }
    cmd=(env "$@" dotnet "$dll" --urls "http://127.0.0.1:$PORT") ;;
  *) echo "csharp, node, csfloor or nodefloor" >&2; exit 2 ;;
esac
start_server "/tmp/warm-$name.log" "${cmd[@]}"
sleep 0.5

# One run of the harness's load generator; prints "server CPU µs per operation / p99 µs".
run() {
  timeout -k 5 200 node loadgen.js "$@" --url "http://127.0.0.1:$PORT" --server-pid "$PID" | sed -n 's/^RESULT //p' |
    node -e 'const r = JSON.parse(require("fs").readFileSync(0));
             const ops = r.round_trips ?? r.received;
             console.log(`${(r.server_cpu_ms * 1000 / ops).toFixed(2)} / ${r.latency.p99_us}`)'
}
echo "# $name $* at $(date -u +%FT%TZ): server CPU per operation (µs) / p99 (µs), one line per run, cold first"
for i in 1 2 3 4 5 6; do echo "fanout-max  $i  $(run fanout --clients 500 --messages 200 --rate 0 --size 32 --timeout 60)"; done
for i in 1 2 3; do echo "echo        $i  $(run echo --clients 50 --duration 10 --warmup 2 --size 32 --timeout 80)"; done
for i in 1 2; do echo "fanout-rate $i  $(run fanout --clients 500 --messages 200 --rate 100 --size 32 --timeout 60)"; done
