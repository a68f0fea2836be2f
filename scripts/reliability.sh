#!/usr/bin/env bash
# `npm run reliability [SCALE]`: the heavy versions of the checks `npm test` runs small — the
# installer's seeded fault matrix, the protocol fuzzer, the search-query property test and the
# large TCP transfer — SCALE times over (10 by default; see test/support/reliability.ts).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
BOOTSTRAP_FOR=test source scripts/bootstrap.sh
export PATH="$ROOT/node_modules/.bin:$PATH"
export OLLAMA_DESK_RELIABILITY="${1:-10}"
mapfile -t files < <(git grep -l "support/reliability'" -- '*.test.ts')
echo "reliability: scale ${OLLAMA_DESK_RELIABILITY} over ${#files[@]} files"
exec vitest run --reporter=default "${files[@]}"
