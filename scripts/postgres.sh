#!/usr/bin/env bash
# Debian's PostgreSQL server, for the tests that prove the production driver path on a real server
# (the app itself needs none: it embeds PGlite). Installs the package if missing, starts its
# cluster, and makes the role the tests connect as (TEST_POSTGRES_URL's default), which may create
# the throwaway databases each test file uses. Safe to run again.
set -euo pipefail

as_root=""
[ "$(id -u)" -ne 0 ] && as_root="sudo"

if ! command -v pg_lsclusters >/dev/null 2>&1 || [ -z "$(pg_lsclusters -h 2>/dev/null)" ]; then
  echo "› installing PostgreSQL from Debian's packages"
  $as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $as_root apt-get install -y -qq postgresql >/dev/null
fi

read -r version cluster port status _ < <(pg_lsclusters -h | head -n 1)
if [ "$status" != "online" ]; then
  echo "› starting PostgreSQL $version ($cluster) on port $port"
  $as_root pg_ctlcluster "$version" "$cluster" start
fi

if [ "$(id -u)" -eq 0 ]; then as_postgres=(runuser -u postgres --); else as_postgres=(sudo -u postgres); fi
"${as_postgres[@]}" psql -q -p "$port" -v ON_ERROR_STOP=1 <<'SQL'
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'repo_test') THEN
    CREATE ROLE repo_test LOGIN PASSWORD 'repo_test' CREATEDB;
  END IF;
END $$;
SQL
[ "$port" = "5432" ] || echo "  note: the cluster listens on $port; set TEST_POSTGRES_URL=postgres://repo_test:repo_test@127.0.0.1:$port/postgres"
echo "✓ PostgreSQL $version ready for the tests"
