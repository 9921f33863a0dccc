#!/usr/bin/env bash
# Step 08 as a cluster: redis-server on 6379, two shops on 3001 and 3002 sharing it (and the SQLite file and the JWT
# secret in BuyAlerts/App_Data), nginx on 3000 in front (nginx/shop.conf). Open http://localhost:3000.
# Ctrl+C stops all four. Needs redis-server and nginx (Debian: apt-get install redis-server nginx).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
app="$here/BuyAlerts"
pids=()

stop() {
  trap - EXIT INT TERM
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  echo "stopped: redis-server, the shops on 3001 and 3002, nginx"
}
trap stop EXIT INT TERM

# Waits until something listens on 127.0.0.1:$1 (at most 60 s).
wait_for_port() {
  for _ in $(seq 600); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "nothing answers on port $1" >&2
  exit 1
}

redis-server --port 6379 --bind 127.0.0.1 --save '' --appendonly no &
pids+=($!)
wait_for_port 6379

dotnet build "$app" -v quiet -nologo
for port in 3001 3002; do
  # One instance = one command. The first creates App_Data (database, development JWT secret); the second finds them.
  ASPNETCORE_ENVIRONMENT=Development dotnet "$app/bin/Debug/net10.0/BuyAlerts.dll" \
    --contentRoot="$app" --urls="http://127.0.0.1:$port" --Redis=127.0.0.1:6379 &
  pids+=($!)
  wait_for_port "$port"
done

nginx -p "$here/nginx" -c nginx.conf -e stderr &
pids+=($!)
wait_for_port 3000

echo
echo "http://localhost:3000 → nginx → 127.0.0.1:3001 (a) / 127.0.0.1:3002 (b), sharing redis-server 127.0.0.1:6379."
echo "Watch what travels between the shops: redis-cli PSUBSCRIBE 'socket.io*'     Ctrl+C stops everything."
wait -n "${pids[@]}"   # one of them stopped by itself: stop the others
