#!/usr/bin/env bash
# Adds an EF Core migration for both providers: scripts/add-migration.sh <Name>
set -euo pipefail
cd "$(dirname "$0")/.."
name=${1:?usage: scripts/add-migration.sh <MigrationName>}
dotnet tool restore >/dev/null
for provider in Sqlite Postgres; do
  dotnet ef migrations add "$name" --project src/Twofold --context "${provider}TwofoldDbContext" \
    --output-dir "Data/Migrations/$provider"
done
