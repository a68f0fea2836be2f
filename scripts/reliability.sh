#!/usr/bin/env bash
# `npm run reliability [SCALE]`: the heavy versions of the checks `npm test` runs small — the
# installer's seeded fault matrix, the protocol fuzzer, the search-query property test, the large
# TCP transfer, SIGKILLs of the web companion during streaming replies and imports, the fuzz over
# every route and stream, the 50-client load and the disk-full run on a small tmpfs (the last two
# only run here) — SCALE times over (10 by default; see test/support/reliability.ts). Every file
# that imports test/support/reliability.ts takes part. Ends with one `N passed, M failed` line.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
BOOTSTRAP_FOR=test source scripts/bootstrap.sh || { echo "bootstrap failed" >&2; exit 1; }
export PATH="$ROOT/node_modules/.bin:$PATH"
export OLLAMA_DESK_RELIABILITY="${1:-10}"
mapfile -t files < <(git grep -l "support/reliability'" -- '*.test.ts')
echo "reliability: scale ${OLLAMA_DESK_RELIABILITY} over ${#files[@]} files"
REPORT="$ROOT/reports/reliability.json"
mkdir -p "$(dirname "$REPORT")"
rm -f "$REPORT"
vitest run --reporter=default --reporter=json --outputFile.json="$REPORT" "${files[@]}"
code=$?
node scripts/reliability-summary.js "$REPORT" "$code"
