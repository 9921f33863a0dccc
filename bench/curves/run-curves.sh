#!/usr/bin/env bash
# Server CPU per delivery against the number of receivers (fanout-max: one room, one sender bursting `chat`
# messages as fast as it can), both servers side by side, with the load harness's run.sh and loadgen.js.
#   bench/curves/run-curves.sh            (from anywhere; needs the harness copied to $BENCH, see ../README.md)
# Settings: RECEIVERS ["10 50 100 500 1000 2000 5000"]  DELIVERIES [400000] per point (messages = DELIVERIES /
#           receivers, between 40 and 10000)  RUNS [1] rounds  CLIENT [raw]  BENCH [/tmp/bench]
#           QUIET_WAIT [10] RETRIES [1] (run.sh's noise guard; on a quiet machine use QUIET_WAIT=60 RETRIES=2)
#           CSHARP [dotnet <repo>/bench/BenchHost/bin/Release/net10.0/BenchHost.dll --urls http://127.0.0.1:$PORT]
#           NODE [node node-server.js]  OUT [bench/curves/data/fanout-<date>.jsonl]
# Every point starts fresh server processes (run.sh: node, csharp, interleaved); the JSON lines of every point are
# collected into OUT; tables.js turns them into data/cpu-*.tsv for plot.sh.
set -u
HERE=$(cd "$(dirname "$0")" && pwd); REPO=$(cd "$HERE/../.." && pwd)
RECEIVERS=${RECEIVERS:-"10 50 100 500 1000 2000 5000"}; DELIVERIES=${DELIVERIES:-400000}
RUNS=${RUNS:-1}; CLIENT=${CLIENT:-raw}; BENCH=${BENCH:-/tmp/bench}
QUIET_WAIT=${QUIET_WAIT:-10}; RETRIES=${RETRIES:-1}
CSHARP=${CSHARP:-"dotnet $REPO/bench/BenchHost/bin/Release/net10.0/BenchHost.dll --urls http://127.0.0.1:\$PORT"}
NODE=${NODE:-"node node-server.js"}
OUT=${OUT:-$HERE/data/fanout-$(date -u +%Y%m%d-%H%M).jsonl}
[ -x "$BENCH/run.sh" ] && [ -d "$BENCH/node_modules/socket.io-client" ] ||
  { echo "copy the harness first: cp -r /work/shared/bench $BENCH && chmod -R u+w $BENCH && (cd $BENCH && npm ci)" >&2; exit 2; }
ulimit -n "$(ulimit -Hn)"   # 5 000 receivers in one load-generator process
: > "$OUT"
TMP=$(mktemp -d /tmp/curves.XXXXXX)
echo "# curves $(date -u +%FT%TZ): receivers $RECEIVERS, ~$DELIVERIES deliveries per point, $RUNS round(s), client $CLIENT -> $OUT"
for r in $RECEIVERS; do
  k=$((DELIVERIES / r)); [ "$k" -lt 40 ] && k=40; [ "$k" -gt 10000 ] && k=10000
  echo "## $r receivers x $k messages"
  (cd "$BENCH" && RUNS=$RUNS SCENARIOS=fanout-max FANOUT_N=$r FANOUT_K=$k CLIENT=$CLIENT QUIET_WAIT=$QUIET_WAIT \
     RETRIES=$RETRIES OUT="$TMP/r$r" timeout -k 10 900 ./run.sh node="$NODE" csharp="$CSHARP") |
    grep -E '^\[round|fanout\[|noisy|warn' 
  cat "$TMP/r$r/results.jsonl" >> "$OUT"
done
rm -rf "$TMP"
node "$HERE/tables.js" --fanout "$OUT"
