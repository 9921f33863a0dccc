#!/usr/bin/env bash
# Runs every test of the workshop and prints "N passed, N failed" as its last line.
# On a fresh Debian machine it first installs what is missing: the npm packages (from package-lock.json) and,
# when it can (root and apt-get), Chromium for the browser tests, redis-server and nginx for the tests with more
# than one server (the tests start their own redis-server and nginx on loopback; the system services stay off).
#
#   ./test.sh                  everything
#   ./test.sh --filter X       only tests whose name contains X (dotnet test --filter syntax also works)
set -euo pipefail
cd "$(dirname "$0")"

step() { printf '\n==> %s\n' "$*"; }

filter=()
if [[ "${1:-}" == "--filter" && -n "${2:-}" ]]; then
  case "$2" in *[=~]*) filter=(--filter "$2") ;; *) filter=(--filter "FullyQualifiedName~$2") ;; esac
fi

command -v dotnet >/dev/null || { echo "The .NET 10 SDK is required: https://dot.net" >&2; echo "0 passed, 1 failed"; exit 1; }
command -v npm >/dev/null || { echo "Node.js 20+ and npm are required for the browser libraries." >&2; echo "0 passed, 1 failed"; exit 1; }

step "npm packages (socket.io-client, @microsoft/signalr, and the Node peers used by interop tests)"
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm ci --no-audit --no-fund --loglevel=error
else
  echo "up to date"
fi

step "Debian packages: Chromium (browser tests), redis-server and nginx (tests with more than one server)"
chromium_path="${CHROMIUM_PATH:-/usr/bin/chromium}"
missing=()
[[ -x "$chromium_path" ]] || missing+=(chromium)
command -v redis-server >/dev/null || [[ -x /usr/bin/redis-server ]] || missing+=(redis-server)
command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] || missing+=(nginx)
if (( ${#missing[@]} > 0 )) && [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
  echo "installing ${missing[*]} (apt-get)…"
  export DEBIAN_FRONTEND=noninteractive
  # Debian starts a package's service on install (redis on 6379, nginx on 80). The tests start their own processes
  # on free loopback ports, so forbid that: invoke-rc.d asks /usr/sbin/policy-rc.d, and 101 means "do not start".
  # (A machine that already has a policy, as Docker images do, keeps its own.)
  own_policy=""
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    own_policy=/usr/sbin/policy-rc.d
    printf '#!/bin/sh\nexit 101\n' >"$own_policy"
    chmod +x "$own_policy"
    trap 'rm -f "$own_policy"' EXIT
  fi
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
  if [[ -n "$own_policy" ]]; then rm -f "$own_policy"; trap - EXIT; fi
  # Where systemd runs, also keep the services from starting at boot.
  if [[ -d /run/systemd/system ]]; then
    for service in redis-server nginx; do
      [[ " ${missing[*]} " == *" $service "* ]] && systemctl disable --now "$service" >/dev/null 2>&1 || true
    done
  fi
elif (( ${#missing[@]} > 0 )); then
  echo "Missing: ${missing[*]}; they cannot be installed from here (needs root and apt-get)." >&2
  echo "Install them (sudo apt-get install -y ${missing[*]}) or set CHROMIUM_PATH; the tests that need them will fail." >&2
fi
"$chromium_path" --version 2>/dev/null || echo "chromium: not found at $chromium_path" >&2
redis-server --version 2>/dev/null || echo "redis-server: not found" >&2
nginx -v 2>&1 || echo "nginx: not found" >&2

step "build"
dotnet build realtime-samples.sln -c Release --nologo -v minimal -clp:ErrorsOnly

step "test"
results="TestResults/run-$(date +%Y%m%d-%H%M%S)"
set +e
dotnet test realtime-samples.sln -c Release --no-build --nologo -v quiet \
  --logger "trx" --logger "console;verbosity=normal" --results-directory "$results" "${filter[@]}"
status=$?
set -e

# Sum the counters of every test run (one .trx per test project).
passed=0; failed=0; total=0
shopt -s nullglob
for trx in "$results"/*.trx; do
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  get() { sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p" <<<"$counters"; }
  total=$((total + $(get total)))
  passed=$((passed + $(get passed)))
  failed=$((failed + $(get failed) + $(get error) + $(get timeout) + $(get aborted)))
done
trx_count=$(ls "$results"/*.trx 2>/dev/null | wc -l)
projects=$(dotnet sln realtime-samples.sln list | grep -c 'Tests\.csproj$' || true)
if (( status != 0 && failed == 0 )); then
  echo "dotnet test exited with $status (a test host crashed or a project did not run)." >&2
  failed=$((failed + 1))
fi
if (( trx_count < projects )); then
  echo "Only $trx_count of $projects test projects reported results." >&2
  failed=$((failed + projects - trx_count))
fi
# Name each failed test with the start of its message, so that the end of a long log says what went wrong.
for trx in "$results"/*.trx; do
  awk 'BEGIN { RS = "<UnitTestResult " }
    NR > 1 {
      tag = substr($0, 1, index($0, ">")) # the start tag only: the last record also holds the summary
      if (tag !~ /outcome="(Failed|Error|Timeout|Aborted)"/) next
      match(tag, /testName="[^"]*"/); name = substr(tag, RSTART + 10, RLENGTH - 11)
      message = ""
      if (match($0, /<Message>[^<]*<\/Message>/)) message = substr($0, RSTART + 9, RLENGTH - 19)
      stack = ""
      if (match($0, /<StackTrace>[^<]*<\/StackTrace>/)) stack = substr($0, RSTART + 12, RLENGTH - 25)
      text = message "\n" stack
      gsub(/&lt;/, "<", text); gsub(/&gt;/, ">", text); gsub(/&quot;/, "\"", text); gsub(/&apos;/, sprintf("%c", 39), text)
      gsub(/&#xD;/, "", text); gsub(/&#xA;/, "\n", text); gsub(/&amp;/, "\\&", text)
      gsub(/&lt;/, "<", name); gsub(/&gt;/, ">", name); gsub(/&quot;/, "\"", name); gsub(/&amp;/, "\\&", name)
      n = split(text, lines, "\n")
      printf "\nFAILED %s\n", name
      for (i = 1; i <= n && i <= 30; i++) printf "    %s\n", lines[i]
      if (n > 30) printf "    … (%d more lines in %s)\n", n - 30, FILENAME
    }' "$trx"
done
if (( total == 0 )); then
  echo "No test ran." >&2
fi
echo "$passed passed, $failed failed"
(( failed == 0 && passed > 0 ))
