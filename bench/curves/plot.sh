#!/usr/bin/env bash
# Regenerates the two PNGs from the committed data files (no measurement; run-all.sh measures first):
#   data/memory-{csharp,node}.tsv  →  memory.png   server RSS and RSS per connection against held connections
#   data/cpu-{csharp,node}.tsv     →  cpu.png      server CPU per fan-out delivery against receivers in the room
# Needs gnuplot 5 (pngcairo terminal); on Debian/Ubuntu: sudo apt-get update && sudo apt-get install -y gnuplot-nox
set -eu
cd "$(dirname "$0")"
command -v gnuplot > /dev/null || { echo "gnuplot not found: sudo apt-get update && sudo apt-get install -y gnuplot-nox" >&2; exit 2; }
# "# key: value" lines of a data file's header (written by tables.js from the run that produced it)
meta() { sed -n "s/^# $2: //p" "data/$1" | head -1 | sed 's/"/\\"/g'; }

STYLE='
set terminal pngcairo size 1280,640 enhanced font "DejaVu Sans,11" linewidth 1.5
set grid lc rgb "#dddddd"
set border lc rgb "#555555"
set key top left box opaque
set style line 1 lc rgb "#5c2d91" pt 7 ps 1.1 lw 2   # C# (.NET purple)
set style line 2 lc rgb "#3c873a" pt 5 ps 1.1 lw 2   # Node (Node green)
'

gnuplot <<GP
$STYLE
set output "memory.png"
set multiplot layout 1,2 title "{/:Bold Server memory against held WebSocket connections} (Socket.IO, default namespace, idle clients answering pings)\n{/*0.85 $(meta memory-csharp.tsv machine)}\n{/*0.85 BenchHost: $(meta memory-csharp.tsv runtime); C# run $(meta memory-csharp.tsv measured | cut -c1-16 | tr T ' '), Node run $(meta memory-node.tsv measured | cut -c1-16 | tr T ' ') UTC}"
set xlabel "concurrent WebSocket connections"
set format x "%.0s%c"
set xrange [0:21500]
set ylabel "server RSS (MiB)"
set yrange [0:*]
plot "data/memory-csharp.tsv" using 1:2 with linespoints ls 1 title "C# BenchHost (Realtime.SocketIO)", \
     "data/memory-node.tsv"   using 1:2 with linespoints ls 2 title "Node socket.io 4.8.4"
set ylabel "server RSS above idle, per connection (KiB)"
set yrange [0:*]
set key bottom right
plot "data/memory-csharp.tsv" using 1:3 with linespoints ls 1 title "C# BenchHost", \
     "data/memory-node.tsv"   using 1:3 with linespoints ls 2 title "Node socket.io", \
     "data/memory-csharp.tsv" using 1:3:(sprintf("%.1f", \$3)) every ::1 with labels left offset 0.6,0.9 tc rgb "#5c2d91" notitle, \
     "data/memory-node.tsv"   using 1:3:(sprintf("%.1f", \$3)) every ::1 with labels left offset 0.6,-0.9 tc rgb "#3c873a" notitle
unset multiplot
GP

gnuplot <<GP
$STYLE
set output "cpu.png"
set title "{/:Bold Server CPU per fan-out delivery against receivers} (fanout-max: one room, one sender bursting chat messages)\n{/*0.85 $(meta cpu-csharp.tsv machine)}\n{/*0.85 BenchHost: $(meta cpu-csharp.tsv runtime); bars: min..max of the rounds}\n{/*0.85 measured $(meta cpu-csharp.tsv measured)}"
set xlabel "receivers in the room (log scale; messages per point = 400 000 / receivers, at most 10 000)"
set ylabel "server CPU per delivered message (µs)"
set logscale x
set xrange [7:7000]
set yrange [0:*]
set key center right
plot "data/cpu-csharp.tsv" using 1:3:4:5 with yerrorlines ls 1 title "C# BenchHost (Realtime.SocketIO)", \
     "data/cpu-node.tsv"   using 1:3:4:5 with yerrorlines ls 2 title "Node socket.io 4.8.4", \
     "data/cpu-csharp.tsv" using 1:3:(sprintf("%.2f", \$3)) with labels left offset 0.8,-0.8 tc rgb "#5c2d91" notitle, \
     "data/cpu-node.tsv"   using 1:3:(sprintf("%.2f", \$3)) with labels left offset 0.8,0.8 tc rgb "#3c873a" notitle
GP
echo "wrote $(pwd)/memory.png $(pwd)/cpu.png"
