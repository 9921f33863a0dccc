# Sourced by bench/hold/run-hold.sh, bench/scale/run-scale.sh and bench/warm/run-warm.sh: one server under test on
# 127.0.0.1:$PORT, started in a process group of its own and stopped with it when the script exits.
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; }

# start_server LOG COMMAND [ARG...]: waits up to 10 s for a previous server to free $PORT, runs COMMAND with PORT in
# its environment, stops its group when the script exits, waits up to 60 s for it to listen, and sets SERVER (the
# group's leader) and PID (the process that listens: the server itself, not a launcher in front of it).
start_server() {
  local log=$1; shift
  for _ in $(seq 1 100); do port_open || break; sleep 0.1; done
  port_open && { echo "port $PORT is in use" >&2; exit 1; }
  PORT=$PORT setsid "$@" > "$log" 2>&1 < /dev/null &
  SERVER=$!
  trap stop_server EXIT
  for _ in $(seq 1 600); do port_open && break; sleep 0.1; done
  port_open || { echo "the server did not listen on $PORT within 60 s (log: $log)" >&2; exit 1; }
  PID=$(ss -Hltnp "sport = :$PORT" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2)
}

# TERM to the whole group, KILL after 10 s, then up to 5 s for the port to be free again.
stop_server() {
  kill -TERM -- -"$SERVER" 2>/dev/null
  for _ in $(seq 1 100); do kill -0 "$SERVER" 2>/dev/null || break; sleep 0.1; done
  kill -KILL -- -"$SERVER" 2>/dev/null
  for _ in $(seq 1 50); do port_open || break; sleep 0.1; done
}
