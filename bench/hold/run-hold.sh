#!/usr/bin/env bash
# 10 000 WebSocket connections held for 60 s against one server, loopback only.
#   bench/hold/run-hold.sh 'dotnet /abs/path/BenchHost.dll --urls http://127.0.0.1:$PORT'
#   CLIENTS=10000 HOLD=60 PORT=13190 bench/hold/run-hold.sh 'node /tmp/bench/node-server.js'
# Raises the open-file limit for itself and its children (10 000 sockets on each side, plus the usual files),
# starts the server with PORT set, waits for it to listen, runs hold.js, then stops the server it started.
set -u
cd "$(dirname "$0")"
CLIENTS=${CLIENTS:-10000}; HOLD=${HOLD:-60}; PORT=${PORT:-13190}
[ $# -eq 1 ] || { sed -n '2,6p' "$0"; exit 2; }
need=$((CLIENTS + 1024))
ulimit -n "$need" 2>/dev/null || ulimit -n "$(ulimit -Hn)"
[ "$(ulimit -n)" -ge "$need" ] || echo "warning: open-file limit $(ulimit -n) < $need" >&2
. ../server.sh
start_server "hold-server-$PORT.log" bash -c "exec $1"
sleep 1
echo "# hold $(date -u +%FT%TZ): $CLIENTS clients x ${HOLD}s, server pid $PID, ulimit -n $(ulimit -n)"
timeout -k 5 $((HOLD + 300)) node hold.js --url "http://127.0.0.1:$PORT" --clients "$CLIENTS" --hold "$HOLD" --server-pid "$PID"
