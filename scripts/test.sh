#!/usr/bin/env bash
# The whole test suite, from a fresh clone: installs what it needs, then type checks, lints,
# builds the API reference, runs unit tests with coverage (Node 24) and again on Node 22 (core and
# main), builds, runs the browser end-to-end tests against the real web companion, audits
# production dependencies and runs the Electron security linter. Every step runs.
#
# Two lanes run side by side, because most of the unit suite waits on child processes and
# sockets rather than the CPU: the unit tests (Node 24 with coverage, then Node 22) in the
# foreground, and the static checks, the build and the end-to-end tests in the background.
# Each step ends as `ok`, `FAIL` or `skipped (why)`: a step that could not check what it names is
# never `ok` (it says why in $STEP_SKIP_FILE). The 10 slowest test files are listed at the end.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
BOOTSTRAP_FOR=test source scripts/bootstrap.sh || { echo "bootstrap failed" >&2; exit 1; }
set +e
export PATH="$ROOT/node_modules/.bin:$PATH"
# Not coverage/: the coverage run empties that folder when it starts.
REPORT="$ROOT/reports/test-run"
rm -rf "$REPORT"
mkdir -p "$REPORT/steps"
started_all=$SECONDS

# step N NAME CMD...: runs CMD, records its result as reports/test-run/steps/N.
step() {
  local id=$1 name=$2
  shift 2
  printf '\n\033[1m==> %s\033[0m\n' "$name"
  local started=$SECONDS skip="$REPORT/steps/$id.skip"
  STEP_SKIP_FILE="$skip" "$@"
  local code=$? result
  if [ $code -ne 0 ]; then result=FAIL
  elif [ -s "$skip" ]; then result="skipped ($(head -c 300 "$skip" | tr '\n' ' ' | sed 's/ *$//'))"
  else result=ok; fi
  printf '%s\t%s\t%s\n' "$result" "$((SECONDS - started))" "$name" > "$REPORT/steps/$id"
  printf '    (%ss)\n' $((SECONDS - started))
}

static_lane() {
  step 1 "Type check (strict, all layers)" npm run --silent typecheck
  step 2 "Lint (incl. layering rules)" npm run --silent lint
  step 3 "API reference (TypeDoc, warnings are errors)" npm run --silent docs
  step 6 "Build (electron-vite)" npm run --silent build
  step 7 "End-to-end in chromium against the web companion" env E2E_REPORT="$REPORT/e2e.json" node e2e/run.js
  step 8 "npm audit (production dependencies, high+)" npm run --silent audit:prod
  step 9 "Electronegativity (no high-severity findings)" npm run --silent security
}

printf '\n\033[1m==> Static checks, build and end-to-end tests run in the background (their output follows the unit tests)\033[0m\n'
static_lane > "$REPORT/static-lane.log" 2>&1 &
lane=$!

step 4 "Unit tests, Node 24, with coverage gate" vitest run --coverage --reporter=default --reporter=json --outputFile.json="$REPORT/vitest-node24.json"
step 5 "Unit tests, Node 22 (core + main)" bash scripts/with-node22.sh vitest run --project core --project main --reporter=default --reporter=json --outputFile.json="$REPORT/vitest-node22.json"

wait $lane
cat "$REPORT/static-lane.log"

node scripts/test-summary.js "$REPORT" $((SECONDS - started_all))
