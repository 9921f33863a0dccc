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
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; }
port_open && { echo "port $PORT is in use" >&2; exit 1; }
PORT=$PORT setsid bash -c "exec $1" > "hold-server-$PORT.log" 2>&1 < /dev/null &
SERVER=$!
trap 'kill -TERM -- -$SERVER 2>/dev/null; sleep 1; kill -KILL -- -$SERVER 2>/dev/null' EXIT
for _ in $(seq 1 600); do port_open && break; sleep 0.1; done
port_open || { echo "server did not listen on $PORT" >&2; exit 1; }
PID=$(ss -Hltnp "sport = :$PORT" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2)
sleep 1
echo "# hold $(date -u +%FT%TZ): $CLIENTS clients x ${HOLD}s, server pid $PID, ulimit -n $(ulimit -n)"
timeout -k 5 $((HOLD + 300)) node hold.js --url "http://127.0.0.1:$PORT" --clients "$CLIENTS" --hold "$HOLD" --server-pid "$PID"
