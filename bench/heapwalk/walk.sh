#!/usr/bin/env bash
# What one held WebSocket connection keeps on the server's managed heap, by type: a heap walk (dotnet-gcdump, which
# runs a full GC first, so only live objects count) of the server idle and again with N connections held, divided by N.
#   bench/heapwalk/walk.sh                              # BenchHost (Release), 1 000 connections
#   CLIENTS=5000 bench/heapwalk/walk.sh --Logging:LogLevel:Microsoft.AspNetCore=None   # extra arguments go to BenchHost
#   DLL=bench/FloorHost/bin/Release/net10.0/FloorHost.dll OUT=/tmp/heapwalk-floor bench/heapwalk/walk.sh   # the floor
# Needs: dotnet-gcdump (dotnet tool install -g dotnet-gcdump), Node (bench/hold/hold.js holds the connections),
# BenchHost built in Release. Loopback only; stops the server and the clients it started.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd); repo=$(cd "$here/../.." && pwd)
CLIENTS=${CLIENTS:-1000}; PORT=${PORT:-13311}; OUT=${OUT:-/tmp/heapwalk}
gcdump=$(command -v dotnet-gcdump || echo "$HOME/.dotnet/tools/dotnet-gcdump")
[[ -x "$gcdump" ]] || { echo "dotnet-gcdump is missing: dotnet tool install -g dotnet-gcdump" >&2; exit 1; }
dll=${DLL:-$repo/bench/BenchHost/bin/Release/net10.0/BenchHost.dll}
[[ -f "$dll" ]] || { echo "build it first: dotnet build bench/BenchHost/BenchHost.csproj -c Release" >&2; exit 1; }
mkdir -p "$OUT"
ulimit -n "$(ulimit -Hn)"

dotnet "$dll" --urls "http://127.0.0.1:$PORT" "$@" > "$OUT/server.log" 2>&1 &
server=$!
holder=""
trap 'kill $server $holder 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break; sleep 0.2; done

echo "warm-up: 100 connections for 5 s (JIT, pools), then the idle heap"
node "$repo/bench/hold/hold.js" --url "http://127.0.0.1:$PORT" --clients 100 --hold 5 --server-pid $server > /dev/null
"$gcdump" collect -p $server -o "$OUT/idle.gcdump" > /dev/null

echo "holding $CLIENTS connections"
hold=$((CLIENTS / 200 + 30))
node "$repo/bench/hold/hold.js" --url "http://127.0.0.1:$PORT" --clients "$CLIENTS" --hold "$hold" --server-pid $server > "$OUT/hold.log" 2>&1 &
holder=$!
for _ in $(seq 1 120); do
  (( $(ss -Htn state established "sport = :$PORT" | wc -l) >= CLIENTS )) && break
  sleep 1
done
(( $(ss -Htn state established "sport = :$PORT" | wc -l) >= CLIENTS )) || { echo "the clients did not all connect (see $OUT/hold.log)" >&2; exit 1; }
sleep 2   # let the last handshakes finish their work
"$gcdump" collect -p $server -o "$OUT/held.gcdump" > /dev/null
echo "server RSS with $CLIENTS held: $(awk '/VmRSS/ {print $2, $3}' /proc/$server/status)"

"$gcdump" report "$OUT/idle.gcdump" > "$OUT/idle.txt"
"$gcdump" report "$OUT/held.gcdump" > "$OUT/held.txt"
python3 "$here/per-connection.py" "$OUT/idle.txt" "$OUT/held.txt" "$CLIENTS"
