#!/usr/bin/env bash
# Starts Ollama Desk: the desktop window where Electron can run, otherwise the web companion in
# the browser. Installs what it needs on first run.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source scripts/bootstrap.sh
export PATH="$ROOT/node_modules/.bin:$PATH"

echo "==> Building the app"
# Developer advice (chunk sizes, plugin notes) goes to the log; a failure prints its end.
quietly "building the app" "$ROOT/.tools/logs/build.log" electron-vite build

why_not=""
# Read electron's path.txt rather than require('electron'), which tries to download a missing binary.
electron_bin="$(node -e "
const fs = require('fs'), path = require('path')
try {
  const dir = path.dirname(require.resolve('electron/package.json'))
  const bin = path.join(dir, 'dist', fs.readFileSync(path.join(dir, 'path.txt'), 'utf8').trim())
  if (fs.existsSync(bin)) process.stdout.write(bin)
} catch {}
" 2>/dev/null || true)"
if [ -z "$electron_bin" ]; then
  why_not="the Electron binary is not installed (its download host was unreachable when dependencies were installed)"
elif [ "$(uname -s)" = Linux ] && [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  why_not="there is no graphical display (DISPLAY/WAYLAND_DISPLAY unset)"
fi

if [ -z "$why_not" ]; then
  echo "==> Starting the desktop app"
  exec electron-vite preview
fi
echo "==> The desktop window cannot open here: $why_not."
echo "==> Starting the web companion instead; open the URL below in your browser."
exec node bin/ollama-desk.js serve "$@"
