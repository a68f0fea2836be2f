#!/usr/bin/env bash
# `npm run screenshots`: refreshes the committed e2e/screenshots/ on purpose (a normal test run
# writes them to the ignored e2e/.tmp/screenshots/ and leaves the tree clean). Builds the renderer,
# runs the browser end-to-end tests, then shows what changed.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
BOOTSTRAP_FOR=test source scripts/bootstrap.sh
export PATH="$ROOT/node_modules/.bin:$PATH"
npm run --silent build
OLLAMA_DESK_SCREENSHOTS="$ROOT/e2e/screenshots" node e2e/run.js
git status --short -- e2e/screenshots
