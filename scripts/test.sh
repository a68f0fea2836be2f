#!/usr/bin/env bash
# The whole test suite, from a fresh clone: installs what it needs, then type checks, lints, runs
# builds the API reference, runs unit tests with coverage (Node 24) and again on Node 22, builds, runs the browser end-to-end
# tests against the real web companion, audits production dependencies and runs the Electron
# security linter. Every step runs; the summary says which failed.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
BOOTSTRAP_FOR=test source scripts/bootstrap.sh || { echo "bootstrap failed" >&2; exit 1; }
set +e
export PATH="$ROOT/node_modules/.bin:$PATH"
REPORT="$ROOT/coverage"
mkdir -p "$REPORT"

failed=()
passed=()
step() {
  local name=$1
  shift
  printf '\n\033[1m==> %s\033[0m\n' "$name"
  local started=$SECONDS
  if "$@"; then passed+=("$name"); else failed+=("$name"); fi
  printf '    (%ss)\n' $((SECONDS - started))
}

step "Type check (strict, all layers)" npm run --silent typecheck
step "Lint (incl. layering rules)" npm run --silent lint
step "API reference (TypeDoc, warnings are errors)" npm run --silent docs
step "Unit tests, Node 24, with coverage gate" vitest run --coverage --reporter=default --reporter=json --outputFile.json="$REPORT/vitest-node24.json"
step "Unit tests, Node 22 (core + main)" bash scripts/with-node22.sh vitest run --project core --project main --reporter=default --reporter=json --outputFile.json="$REPORT/vitest-node22.json"
step "Build (electron-vite)" npm run --silent build
step "End-to-end in chromium against the web companion" bash -c "set -o pipefail; node e2e/run.js | tee '$REPORT/e2e.log'"
step "npm audit (production dependencies, high+)" npm run --silent audit:prod
step "Electronegativity (no high-severity findings)" npm run --silent security

# One closing line with the real test counts.
node -e '
const fs = require("fs"); let pass = 0, fail = 0
for (const f of ["vitest-node24.json", "vitest-node22.json"]) {
  try { const r = JSON.parse(fs.readFileSync(process.argv[1] + "/" + f, "utf8")); pass += r.numPassedTests; fail += r.numFailedTests } catch {}
}
try { const log = fs.readFileSync(process.argv[1] + "/e2e.log", "utf8")
  pass += Number(/ℹ pass (\d+)/.exec(log)?.[1] ?? 0); fail += Number(/ℹ fail (\d+)/.exec(log)?.[1] ?? 0) } catch {}
fs.writeFileSync(process.argv[1] + "/totals.txt", `${pass} ${fail}`)
' "$REPORT"
read -r tests_passed tests_failed < "$REPORT/totals.txt"

printf '\n\033[1mSummary\033[0m\n'
for name in "${passed[@]}"; do printf '  ok    %s\n' "$name"; done
for name in "${failed[@]}"; do printf '  FAIL  %s\n' "$name"; done
if [ ${#failed[@]} -gt 0 ] && [ "$tests_failed" = 0 ]; then tests_failed=${#failed[@]}; fi
echo "tests: ${tests_passed} passed, ${tests_failed} failed"
# A failed test fails the run even if its step's runner exited 0.
[ ${#failed[@]} -eq 0 ] && [ "$tests_failed" = 0 ]
