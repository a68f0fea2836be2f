#!/usr/bin/env bash
# quietly LABEL LOGFILE CMD...: runs CMD with its output in LOGFILE, printing "… still LABEL (N s)"
# every QUIETLY_EVERY seconds (15 by default) so a long step never looks like a hang. On success it
# prints nothing more; on failure the end of the log, and it returns CMD's exit status.
quietly() {
  local label="$1" log="$2"
  shift 2
  mkdir -p "$(dirname "$log")"
  local every="${QUIETLY_EVERY:-15}" started=$SECONDS
  "$@" >"$log" 2>&1 &
  local pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    # Sleep in short steps so a quick command ends the wait at once.
    local waited=0
    while [ "$waited" -lt "$((every * 10))" ] && kill -0 "$pid" 2>/dev/null; do
      sleep 0.1
      waited=$((waited + 1))
    done
    kill -0 "$pid" 2>/dev/null && printf '    … still %s (%d s)\n' "$label" "$((SECONDS - started))"
  done
  local status=0
  wait "$pid" || status=$?
  if [ "$status" -ne 0 ]; then
    echo "    ${label} failed (exit ${status}); the end of ${log}:" >&2
    tail -n 40 "$log" >&2
  fi
  return "$status"
}
