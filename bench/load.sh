#!/usr/bin/env bash
# Sign-in under load, side by side with the stock ASP.NET Core Identity template, plus the
# 100,000-user force fan-out and /users latency (docs/performance.md).
#   bench/load.sh                 full run: 10,000 users, 16 workers, 60 s per app, SQLite and PostgreSQL
#                                 (PostgreSQL only as root with the postgresql package), default and
#                                 1,000-iteration hashing; then force + /users with 100,000 users on SQLite
#   bench/load.sh --smoke         seconds, tiny N, Twofold only, SQLite: for the test command
#   options: --users N --workers W --duration S --warmup S --dbs "sqlite postgres" --iterations "default 1000"
#            --fast-users N  users for the 1,000-iteration runs (default 20,000: a user signs in at most once per
#                            30-s step, so 10,000 users cap a run at 333 logins/s, which both apps now reach)
#            --force-users N --no-template --no-force --no-build
#            --twofold-env "KEY=VALUE ..."   extra settings for the Twofold server, e.g. Database__SqliteSynchronous=Normal
#            --rate R        open loop: both apps get R sign-ins started per second (at most 512 in flight) instead
#                            of 16 workers as fast as they can; for latencies at an equal load (docs/performance.md)
# The template is generated into a temp folder (never committed) and patched: EnsureCreated at start,
# PasswordHasher options from configuration (same knob as Twofold), Npgsql when Db=Postgres, no HTTPS redirect.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

users=10000 fast_users=20000 workers=16 duration=60 warmup=40 dbs="sqlite postgres" iterations="default 1000"
force_users=100000 template=1 force=1 build=1 smoke=0 twofold_env="" rate=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --smoke) smoke=1; users=200 fast_users=200 workers=4 duration=5 warmup=1 dbs=sqlite iterations=1000 force_users=300 template=0 ;;
    --users) users=$2; shift ;;
    --fast-users) fast_users=$2; shift ;;
    --workers) workers=$2; shift ;;
    --duration) duration=$2; shift ;;
    --warmup) warmup=$2; shift ;;
    --dbs) dbs=$2; shift ;;
    --iterations) iterations=$2; shift ;;
    --force-users) force_users=$2; shift ;;
    --no-template) template=0 ;;
    --no-force) force=0 ;;
    --no-build) build=0 ;;
    --twofold-env) twofold_env=$2; shift ;;
    --rate) rate=$2; workers=512; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

work=$(mktemp -d /tmp/twofold-load.XXXXXX)
pids=()
pg_data=""
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  if [[ -n "$pg_data" ]]; then runuser -u postgres -- "$pg_bin/pg_ctl" -D "$pg_data" -m immediate -w stop >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

if [[ $build -eq 1 ]]; then
  dotnet build src/Twofold -c Release -warnaserror -v q -nologo >/dev/null
  dotnet build bench/Twofold.Load -c Release -warnaserror -v q -nologo >/dev/null
fi
load() { dotnet bench/Twofold.Load/bin/Release/net10.0/Twofold.Load.dll "$@"; }
app_dll=$PWD/src/Twofold/bin/Release/net10.0/twofold.dll

free_port() { local p=$1; while (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null; do p=$((p+1)); done; echo $p; }

# start_server NAME DLL URL [ENV=VALUE...]: runs in the background, waits until it answers; sets server_pid.
start_server() {
  local name=$1 dll=$2 url=$3; shift 3
  (cd "$(dirname "$dll")" && exec env ASPNETCORE_ENVIRONMENT=Production ASPNETCORE_URLS="$url" \
     Logging__LogLevel__Default=Warning Logging__LogLevel__Microsoft.AspNetCore=Warning "$@" \
     dotnet "$dll" >"$work/$name.log" 2>&1) &
  server_pid=$!
  pids+=("$server_pid")
  for _ in $(seq 1 240); do
    if curl -fsS -o /dev/null "$url/" 2>/dev/null || curl -fsS -o /dev/null "$url/login" 2>/dev/null; then return 0; fi
    if ! kill -0 "$server_pid" 2>/dev/null; then cat "$work/$name.log"; echo "$name did not start" >&2; return 1; fi
    sleep 0.5
  done
  echo "$name did not answer" >&2; return 1
}
stop_server() { kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; }

hasher_env() { if [[ $1 == default ]]; then echo "PasswordHasher__IterationCount=100000"; else echo "PasswordHasher__IterationCount=$1"; fi; }
iter_count() { if [[ $1 == default ]]; then echo 100000; else echo "$1"; fi; }

# A throwaway PostgreSQL cluster (root only), as in the project's package notes.
pg_conn() { echo "Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=$1"; }
if [[ " $dbs " == *" postgres "* ]]; then
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | tail -1 || true)
  if [[ $(id -u) -eq 0 && -n "$pg_bin" ]]; then
    chmod 755 "$work"; mkdir -p "$work/pg" && chown postgres:postgres "$work/pg"
    pg_port=$(free_port 55432)
    runuser -u postgres -- "$pg_bin/initdb" -D "$work/pg/data" -U postgres -A trust -E UTF8 --no-locale >/dev/null
    runuser -u postgres -- "$pg_bin/pg_ctl" -D "$work/pg/data" -l "$work/pg/log" -w \
      -o "-c listen_addresses=127.0.0.1 -p $pg_port -k $work/pg -c fsync=off -c max_connections=300" start >/dev/null
    pg_data=$work/pg/data
  else
    echo "PostgreSQL skipped (needs root and the postgresql package)"; dbs=${dbs//postgres/}
  fi
fi

if [[ $template -eq 1 ]]; then
  echo "== generating the Identity template into $work/tpl"
  dotnet new webapp --auth Individual -o "$work/tpl" -n TplApp >/dev/null
  (cd "$work/tpl" && dotnet add package Npgsql.EntityFrameworkCore.PostgreSQL --version 10.0.3 >/dev/null)
  perl -0pi -e 's/options =>\s*options\.UseSqlite\(connectionString\)\)/options => { if (builder.Configuration["Db"] == "Postgres") options.UseNpgsql(connectionString); else options.UseSqlite(connectionString); })/;
    s/(builder\.Services\.AddRazorPages\(\);)/$1\nbuilder.Services.Configure<PasswordHasherOptions>(builder.Configuration.GetSection("PasswordHasher"));/;
    s/(var app = builder\.Build\(\);)/$1\nusing (var scope = app.Services.CreateScope()) { scope.ServiceProvider.GetRequiredService<ApplicationDbContext>().Database.EnsureCreated(); }/;
    s/app\.UseHttpsRedirection\(\);//' "$work/tpl/Program.cs"
  rm -f "$work/tpl/app.db"
  dotnet build "$work/tpl" -c Release -v q -nologo >"$work/tpl-build.log" 2>&1 || { tail -20 "$work/tpl-build.log"; exit 1; }
  tpl_dll=$work/tpl/bin/Release/net10.0/TplApp.dll
fi

port=$(free_port 5600)
url=http://127.0.0.1:$port
for db in $dbs; do
  for iters in $iterations; do
    n=$(iter_count "$iters")
    run_users=$users; [[ $iters == default ]] || run_users=$fast_users
    drive=(--workers "$workers"); how="$workers workers"
    if [[ -n $rate ]]; then drive+=(--rate "$rate"); how="open loop at $rate sign-ins/s, at most $workers in flight"; fi
    echo "== $db, $n-iteration password hashes, $run_users users, $how, ${duration}s"
    if [[ $db == sqlite ]]; then conn="Data Source=$work/twofold-$n.db"; provider=Sqlite; db_pid=(); else conn=$(pg_conn "twofold_$n"); provider=Postgres; db_pid=(--db-pid "$(head -1 "$pg_data/postmaster.pid")"); fi
    load seed --app twofold --provider $provider --db "$conn" --users "$run_users" --iterations "$n"
    start_server twofold "$app_dll" "$url" Database__Provider=$provider "ConnectionStrings__Default=$conn" App__PublicBaseUrl="$url" \
      Security__FormPostsPerMinutePerIp=1000000 "$(hasher_env "$iters")" $twofold_env
    load run --url "$url" --flow twofold --users "$run_users" "${drive[@]}" --duration "$duration" --warmup "$warmup" \
      --server-pid "$server_pid" "${db_pid[@]}" --json "$work/ours-$db-$n.json"
    stop_server
    if [[ $smoke -eq 1 ]]; then
      # The open loop too (--rate), on a database of its own: the first run's users have used this step's codes.
      echo "== smoke: open loop at 20 sign-ins/s"
      load seed --app twofold --provider Sqlite --db "Data Source=$work/twofold-open.db" --users "$run_users" --iterations "$n"
      start_server twofold "$app_dll" "$url" Database__Provider=Sqlite "ConnectionStrings__Default=Data Source=$work/twofold-open.db" \
        App__PublicBaseUrl="$url" Security__FormPostsPerMinutePerIp=1000000 "$(hasher_env "$iters")"
      load run --url "$url" --flow twofold --users "$run_users" --workers 64 --rate 20 --duration 3 --warmup 1 --server-pid "$server_pid"
      stop_server
    fi
    if [[ $template -eq 1 ]]; then
      if [[ $db == sqlite ]]; then tconn="DataSource=$work/template-$n.db;Cache=Shared"; else tconn=$(pg_conn "template_$n"); fi
      start_server template "$tpl_dll" "$url" Db=$provider "ConnectionStrings__DefaultConnection=$tconn" "$(hasher_env "$iters")"
      load seed --app template --provider $provider --db "${tconn%;Cache=Shared}" --users "$run_users" --iterations "$n"
      load run --url "$url" --flow template --users "$run_users" "${drive[@]}" --duration "$duration" --warmup "$warmup" \
        --server-pid "$server_pid" "${db_pid[@]}" --json "$work/template-$db-$n.json"
      stop_server
      echo "-- ratio ($db, $n iterations): Twofold vs template"
      load compare --ours "$work/ours-$db-$n.json" --template "$work/template-$db-$n.json"
    fi
  done
done

if [[ $force -eq 1 ]]; then
  echo "== force two-factor and /users with $force_users users (SQLite)"
  conn="Data Source=$work/force.db"
  load seed --app twofold --provider Sqlite --db "$conn" --users "$force_users" --iterations 1000 --operator BIG --unpaired
  smtp_port=$(free_port 2600)
  start_server twofold-force "$app_dll" "$url" Database__Provider=Sqlite "ConnectionStrings__Default=$conn" App__PublicBaseUrl="$url" \
    Security__FormPostsPerMinutePerIp=1000000 PasswordHasher__IterationCount=1000 \
    Smtp__Host=127.0.0.1 Smtp__Port=$smtp_port Smtp__Security=None Smtp__PollSeconds=1
  load users-list --url "$url" --operator BIG --users "$force_users" --workers 4 --duration $((smoke ? 3 : 20))
  # Expect one mail per user plus the seeded administrator (unpaired too).
  load force --url "$url" --operator BIG --users $((force_users + 1)) --smtp-port "$smtp_port" --server-pid "$server_pid" --timeout $((smoke ? 60 : 900))
  stop_server
fi
echo "load run done"
