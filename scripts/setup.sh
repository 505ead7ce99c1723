#!/usr/bin/env bash
# Sets up a fresh machine that has only Node.js 20+ and npm.
#   bash scripts/setup.sh          pnpm (the pinned version) and the dependencies
#   bash scripts/setup.sh test     the same, plus what the tests need: Debian's Chromium for the
#                                  browser tests, Debian's PostgreSQL server (started, with the
#                                  tests' role) and Node 24 (the functions' production runtime)
set -euo pipefail
cd "$(dirname "$0")/.."

pnpm_version=$(node -p "require('./package.json').packageManager.split('@')[1]")
if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version 2>/dev/null)" != "$pnpm_version" ]; then
  echo "› installing pnpm $pnpm_version"
  # npm, not corepack: corepack's download fails its signature check on registry mirrors.
  npm install --global "pnpm@$pnpm_version" --no-fund --no-audit
fi

echo "› installing dependencies"
pnpm install --frozen-lockfile

if [ "${1:-}" = "test" ]; then
  if ! command -v "${CHROMIUM_PATH:-/usr/bin/chromium}" >/dev/null 2>&1; then
    echo "› installing Chromium from Debian's packages"
    sudo_cmd=""
    [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq chromium >/dev/null
  fi
  bash scripts/postgres.sh
  node24=.cache/node24/node_modules/.bin/node
  if [ ! -x "$node24" ]; then
    echo "› installing Node 24 from the npm registry (for the tests on the production runtime)"
    mkdir -p .cache/node24
    npm install --prefix .cache/node24 --no-save --no-fund --no-audit node@24 >/dev/null
  fi
  "$node24" --version >/dev/null
fi
echo "✓ set up"
