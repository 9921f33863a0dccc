#!/usr/bin/env bash
# As many WebSocket connections as one server process may hold here, held 60 s with heartbeats; loopback only.
#   bench/scale/run-scale.sh NAME 'SERVER COMMAND'          (the command sees $PORT; quote it)
#   bench/scale/run-scale.sh csharp "dotnet $PWD/bench/BenchHost/bin/Release/net10.0/BenchHost.dll --urls http://127.0.0.1:\$PORT"
#   bench/scale/run-scale.sh node 'node /tmp/bench/node-server.js'
# Settings: STAGES [1000,2000,5000,10000,15000,19500]  HOLD [60] s  WORKERS [4] load-generator processes
#           CONCURRENCY [200] handshakes in flight  PORT [13190]  OUT [bench/scale/data/scale.jsonl] (appended)
# The server runs with the open-file limit at its hard maximum (20 000 here: 19 500 sockets plus its own files);
# the load generators are spread over WORKERS processes and source addresses 127.0.0.2.. (scale.js).
# Starts the server, waits for its port, runs scale.js, stops the server it started (by its process group).
set -u
cd "$(dirname "$0")"
[ $# -eq 2 ] || { sed -n '2,10p' "$0"; exit 2; }
NAME=$1; CMD=$2
STAGES=${STAGES:-1000,2000,5000,10000,15000,19500}; HOLD=${HOLD:-60}; WORKERS=${WORKERS:-4}
CONCURRENCY=${CONCURRENCY:-200}; PORT=${PORT:-13190}; OUT=${OUT:-data/scale.jsonl}
LAST=${STAGES##*,}
ulimit -n "$(ulimit -Hn)"
echo "# scale $NAME $(date -u +%FT%TZ): up to $LAST connections, open-file limit $(ulimit -n) for the server"
[ "$(ulimit -n)" -gt "$LAST" ] || echo "warning: open-file limit $(ulimit -n) <= $LAST connections" >&2
. ../server.sh
start_server "/tmp/scale-server-$NAME-$PORT.log" bash -c "exec $CMD"
echo "# server pid $PID: open-file limit $(grep 'Max open files' /proc/$PID/limits | awk '{print $4}'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
sleep 1
# The load generators need far fewer files each (LAST / WORKERS sockets); they inherit the same limit.
timeout -k 5 $((HOLD + 400)) node scale.js --url "http://127.0.0.1:$PORT" --server-pid "$PID" --label "$NAME" \
  --stages "$STAGES" --hold "$HOLD" --workers "$WORKERS" --concurrency "$CONCURRENCY" --json-out "$OUT"
