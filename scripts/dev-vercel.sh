#!/usr/bin/env bash
# pnpm dev:vercel: Vercel's own `vercel dev --local` on this tree, the reference `pnpm dev` is held to.
# It starts a new process per request, which cannot share the embedded database, so accounts need
# DATABASE_URL here (any PostgreSQL; `bash scripts/postgres.sh` starts Debian's). The app's URL and
# the auth secret are the ones `pnpm dev` uses.
set -euo pipefail
cd "$(dirname "$0")/.."
port="${PORT:-3000}"
export APP_URL="${APP_URL:-http://localhost:$port}"
if [ -z "${BETTER_AUTH_SECRET:-}" ]; then
  mkdir -p .data
  if [ ! -s .data/auth-secret ]; then
    (umask 077 && node -e 'process.stdout.write(require("crypto").randomBytes(32).toString("base64url") + "\n")' > .data/auth-secret)
  fi
  BETTER_AUTH_SECRET="$(tr -d '\n' < .data/auth-secret)"
  export BETTER_AUTH_SECRET
fi
if [ -z "${DATABASE_URL:-}" ]; then
  echo "note: without DATABASE_URL, sign-in and files answer 503 under vercel dev; pnpm dev embeds a database." >&2
fi
pnpm turbo run build --filter='./packages/*' --output-logs=errors-only
exec vercel dev --local --yes --listen "$port"
