#!/usr/bin/env bash
# Everything CI checks, in order: lint, types, unit and HTTP tests, the build, the browser and
# Vercel CLI tests, then the unit and HTTP tests again on Node 24, the functions' production runtime.
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1 VERCEL_TELEMETRY_DISABLED=1 TURBO_TELEMETRY_DISABLED=1 TURBO_NO_UPDATE_NOTIFIER=1

bash scripts/no-runtime-data.sh
find . -path ./node_modules -prune -o -name 'vitest-*.json' -path '*test-results*' -print0 | xargs -0 rm -f
report() { echo "-- --reporter=default --reporter=json --outputFile=test-results/vitest-$1.json"; }

# The database tests also run on a real PostgreSQL server; start it if the machine was restarted.
bash scripts/postgres.sh >/dev/null
pnpm turbo run lint typecheck build --output-logs=errors-only
# shellcheck disable=SC2046
pnpm turbo run test --output-logs=errors-only $(report node20)
# shellcheck disable=SC2046
pnpm turbo run e2e --output-logs=full $(report e2e)

node24_bin=$(pwd)/.cache/node24/node_modules/.bin
if [ ! -x "$node24_bin/node" ]; then
  echo "✗ Node 24 is missing: run 'bash scripts/setup.sh test' first" >&2
  exit 1
fi
node24_version=$(PATH="$node24_bin:$PATH" pnpm exec node --version)
case "$node24_version" in v24.*) ;; *) echo "✗ expected Node 24 under pnpm, got $node24_version" >&2; exit 1;; esac
echo "› unit and HTTP tests again on Node $node24_version"
# shellcheck disable=SC2046
PATH="$node24_bin:$PATH" pnpm turbo run test --force --output-logs=errors-only $(report node24)

node scripts/sum-test-results.mjs
