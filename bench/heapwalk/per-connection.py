#!/usr/bin/env python3
"""Per-connection managed heap from two `dotnet-gcdump report` listings (idle, then N connections held).

    per-connection.py idle.txt held.txt N [rows]

A report line is "<bytes of one object> <count> <type> [assembly]": the type's bytes are their product. The report
gives one object size per type (and size band: "(Bytes > 1K)", "(Bytes > 10K)", summed here), so for types whose
objects differ in size, strings and arrays, the product is an estimate: it undercounts them (at 1 000 connections,
17.1 KB per connection from this script against 18.6 KB from summing every object's own size). Counts are exact.
Prints the bytes per connection by owner (the type's namespace), then the types that grew most."""
import re
import sys

LINE = re.compile(r"\s*([\d,]+)\s+([\d,]+)\s+(.*?)(?:\s+\(Bytes > \d+K\))?\s+\[(.*)\]\s*$")


def load(path):
    types = {}
    for line in open(path, encoding="utf-8"):
        m = LINE.match(line)
        if not m:
            continue
        size, count = int(m.group(1).replace(",", "")), int(m.group(2).replace(",", ""))
        entry = types.setdefault(m.group(3), [0, 0])
        entry[0] += size * count
        entry[1] += count
    return types


def owner(name):
    for key, label in (("Realtime.", "this library (Realtime.*)"), ("Kestrel", "Kestrel"),
                       ("Microsoft.AspNetCore", "ASP.NET Core (hosting, HttpContext)"),
                       ("Pipelines", "System.IO.Pipelines"), ("Net.Sockets", "System.Net.Sockets"),
                       ("WebSockets", "System.Net.WebSockets")):
        if key in name:
            return label
    return "shared types (strings, dictionaries, locks, tasks...)"


idle, held, n = load(sys.argv[1]), load(sys.argv[2]), float(sys.argv[3])
rows = int(sys.argv[4]) if len(sys.argv) > 4 else 30
grown = sorted(((held.get(t, [0, 0])[0] - idle.get(t, [0, 0])[0],
                 held.get(t, [0, 0])[1] - idle.get(t, [0, 0])[1], t) for t in set(idle) | set(held)), reverse=True)
print(f"managed heap per connection: {sum(g[0] for g in grown) / n:,.0f} B")
owners = {}
for size, _, name in grown:
    owners[owner(name)] = owners.get(owner(name), 0) + size
for label, size in sorted(owners.items(), key=lambda o: -o[1]):
    print(f"  {size / n:8,.0f} B  {label}")
print(f"\ntop {rows} types (bytes and objects per connection):")
for size, count, name in grown[:rows]:
    print(f"  {size / n:8,.0f} B {count / n:6.2f}  {name[:120]}")
