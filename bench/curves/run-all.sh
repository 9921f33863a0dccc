#!/usr/bin/env bash
# One command: measure both curves for both servers, then regenerate the data files and the PNGs (from the repo root):
#   bench/curves/run-all.sh        (~4 min of holds + ~5 min of fan-out points; best on a quiet machine)
# 1. builds BenchHost (Release); needs the load harness in $BENCH [/tmp/bench] (see bench/README.md, "Reproduce")
# 2. bench/scale/run-scale.sh for C# then Node (1 000 → 19 500 connections, held 60 s)  → ../scale/data/scale.jsonl
# 3. bench/curves/run-curves.sh (fanout-max, 10 → 5 000 receivers, both servers)       → data/fanout-<date>.jsonl
# 4. tables.js → data/*.tsv (and the README's tables on stdout), plot.sh → memory.png, cpu.png
# Settings of each step pass through (STAGES, HOLD, RECEIVERS, RUNS, QUIET_WAIT, …); SKIP_SCALE=1 / SKIP_CURVES=1
# keep the committed data of that step (its TSVs too: their headers describe the machine that measured them).
set -eu
HERE=$(cd "$(dirname "$0")" && pwd); REPO=$(cd "$HERE/../.." && pwd); BENCH=${BENCH:-/tmp/bench}
dotnet build "$REPO/bench/BenchHost/BenchHost.csproj" -c Release -v q -nologo > /dev/null
DLL="$REPO/bench/BenchHost/bin/Release/net10.0/BenchHost.dll"
if [ "${SKIP_SCALE:-0}" != 1 ]; then
  "$REPO/bench/scale/run-scale.sh" csharp "dotnet $DLL --urls http://127.0.0.1:\$PORT"
  "$REPO/bench/scale/run-scale.sh" node "node $BENCH/node-server.js"
  node "$HERE/tables.js" --scale "$REPO/bench/scale/data/scale.jsonl"   # right after the runs: it records this machine
fi
if [ "${SKIP_CURVES:-0}" != 1 ]; then
  OUT="$HERE/data/fanout-$(date -u +%Y%m%d-%H%M).jsonl"
  OUT=$OUT BENCH=$BENCH "$HERE/run-curves.sh"
fi
"$HERE/plot.sh"
