#!/usr/bin/env bash
# Runs a command with Node 22 first on PATH (the oldest Node we support), for the test matrix.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
NODE22="$ROOT/.tools/node_modules/node22/bin"
if [ ! -x "$NODE22/node" ]; then
  echo "Node 22 is not in .tools/ (run: BOOTSTRAP_FOR=test bash scripts/bootstrap.sh)" >&2
  exit 1
fi
export PATH="$NODE22:$ROOT/node_modules/.bin:$PATH"
echo "node $(node --version)"
exec "$@"
