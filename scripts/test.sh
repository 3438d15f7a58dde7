#!/usr/bin/env bash
# The test command (README): builds everything and runs every test project.
# On a fresh machine it needs only the .NET SDK and the NuGet registry.
set -euo pipefail
cd "$(dirname "$0")/.."

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet tool restore >/dev/null
dotnet build Twofold.slnx -c Release -warnaserror

results=$(mktemp -d)
status=0
dotnet test Twofold.slnx -c Release --no-build --logger "trx" --results-directory "$results" || status=$?

# One plain summary line over all projects (counted from the TRX files).
count() { cat "$results"/*.trx 2>/dev/null | grep -o "<Counters [^>]*" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*' | awk '{s+=$1} END {print s+0}'; }
passed=$(count passed)
failed=$(count failed)
rm -rf "$results"

# Smoke run of the benchmarks (seconds), so they never rot.
if [ "$status" -eq 0 ]; then
  bash bench/run.sh --smoke >/tmp/twofold-bench-smoke.log 2>&1 || { tail -40 /tmp/twofold-bench-smoke.log; status=1; echo "benchmark smoke run failed"; }
fi

# >>> load
# Smoke run of the load tool (seconds, tiny N, Twofold only): seed, sign-in run, /users, force fan-out.
if [ "$status" -eq 0 ]; then
  bash bench/load.sh --smoke --no-build >/tmp/twofold-load-smoke.log 2>&1 || { tail -40 /tmp/twofold-load-smoke.log; status=1; echo "load smoke run failed"; }
fi
# <<< load

echo "tests: ${passed:-0} passed, ${failed:-0} failed"
exit $status
