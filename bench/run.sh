#!/usr/bin/env bash
# Twofold benchmarks (BenchmarkDotNet, Release build, out-of-process).
#   bench/run.sh                      every benchmark, short job, 10 measured iterations (~3 min on 2 cores)
#   bench/run.sh --smoke [--filter X] every benchmark once, dry job (~30 s after the build): for CI; exits
#                                     non-zero if a benchmark fails to build or throws (its setup checks
#                                     that every verifier agrees about the right and the wrong code)
#   bench/run.sh ARGS...              BenchmarkDotNet's own arguments, e.g. --filter '*Totp*' --job short
# Results: bench/BenchmarkDotNet.Artifacts/results/*-report-github.md
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ "${1:-}" == "--smoke" ]]; then
  shift
  # A filter given after --smoke narrows the run; BenchmarkDotNet refuses --filter twice.
  [[ " $* " == *" --filter "* || " $* " == *" -f "* ]] || set -- --filter '*' "$@"
  set -- --job dry "$@"
elif [[ $# -eq 0 ]]; then
  set -- --filter '*' --job short --iterationCount 10
fi

exec dotnet run -c Release --project bench/Twofold.Benchmarks -- --artifacts bench/BenchmarkDotNet.Artifacts "$@"
