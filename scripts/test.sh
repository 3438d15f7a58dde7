#!/usr/bin/env bash
# The test command (README): builds everything and runs every test project.
# On a fresh machine it needs only the .NET SDK and the NuGet registry.
set -euo pipefail
cd "$(dirname "$0")/.."

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet tool restore >/dev/null
# >>> browser
# Debian's Chromium, zbar-tools, oathtool and interop/'s npm package otpauth for tests/Twofold.BrowserTests;
# here those tests must run, never be skipped for a missing tool.
bash scripts/provision-browser.sh
export TWOFOLD_REQUIRE_BROWSER_TOOLS=1
# <<< browser
dotnet build Twofold.slnx -c Release -warnaserror

results=$(mktemp -d)
status=0
dotnet test Twofold.slnx -c Release --no-build --logger "trx" --results-directory "$results" || status=$?

# >>> pg
# Every integration test runs a second time on PostgreSQL. Without TEST_PG_CONNECTION, as root (or
# in CI) a throwaway cluster is made: Debian's postgresql, initdb into a temp folder, 127.0.0.1 on a
# free port, removed at exit. Each test factory creates and drops its own database on it.
pg_dir=""
pg_stop() {
  if [ -n "$pg_dir" ]; then
    runuser -u postgres -- "$pg_bin/pg_ctl" -D "$pg_dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$pg_dir"
  fi
}
if [ -z "${TEST_PG_CONNECTION:-}" ] && { [ "$(id -u)" = 0 ] || [ -n "${CI:-}" ]; }; then
  pg_find() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }
  if [ -z "$(pg_find)" ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -qq postgresql >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq postgresql >/dev/null; }
  fi
  pg_bin=$(pg_find)
  pg_dir=$(mktemp -d /tmp/twofold-pg.XXXXXX)
  trap pg_stop EXIT
  chown postgres:postgres "$pg_dir"
  pg_port=55432
  while (exec 3<>/dev/tcp/127.0.0.1/$pg_port) 2>/dev/null; do pg_port=$((pg_port+1)); done
  # Collation as on a typical production server (ICU en-US, where '/' and '_' do not sort bytewise), so
  # queries that depend on byte order must say so (PostgresTwofoldDbContext); plain C if ICU is missing.
  runuser -u postgres -- "$pg_bin/initdb" -D "$pg_dir/data" -U postgres -A trust -E UTF8 \
      --locale-provider=icu --icu-locale=en-US --locale=C.UTF-8 >/dev/null 2>&1 \
    || { echo "initdb with ICU en-US failed; using the C locale"; rm -rf "$pg_dir/data";
         runuser -u postgres -- "$pg_bin/initdb" -D "$pg_dir/data" -U postgres -A trust -E UTF8 --no-locale >/dev/null; }
  runuser -u postgres -- "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/log" -w -o \
    "-c listen_addresses=127.0.0.1 -p $pg_port -k $pg_dir -c fsync=off -c max_connections=300" start >/dev/null
  export TEST_PG_CONNECTION="Host=127.0.0.1;Port=$pg_port;Username=postgres"
fi
if [ -n "${TEST_PG_CONNECTION:-}" ]; then
  echo "Integration tests again on PostgreSQL"
  TEST_DB_PROVIDER=Postgres dotnet test tests/Twofold.IntegrationTests -c Release --no-build \
    --logger "trx;LogFileName=postgres.trx" --results-directory "$results" || status=$?
else
  echo "PostgreSQL run skipped: TEST_PG_CONNECTION not set and not root (cannot install a server)"
fi
# <<< pg

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
