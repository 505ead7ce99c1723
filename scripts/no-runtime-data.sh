#!/usr/bin/env bash
# Runtime data (local stores, workflow runs, databases, test output, build output) never belongs in
# git: a test run that wrote into a tracked folder, or a `git add -A` after one, is caught here.
set -euo pipefail
cd "$(dirname "$0")/.."
tracked=$(git ls-files -- ':(glob)**/.data/**' ':(glob)**/.workflow-data/**' ':(glob)**/.well-known/workflow/**' \
  ':(glob)**/test-results/**' ':(glob)**/.next/**' ':(glob)**/.turbo/**' ':(glob)**/.vercel/**' \
  ':(glob)**/dist/**' ':(glob)**/pglite/**' 2>/dev/null || true)
if [ -n "$tracked" ]; then
  echo "✗ runtime data or build output is tracked by git; remove it (git rm -r --cached) and ignore it:" >&2
  echo "$tracked" | head -n 20 >&2
  exit 1
fi
