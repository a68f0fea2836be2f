#!/usr/bin/env bash
# Keeps the hook payload and leaves a marker in the working directory (the skill's folder),
# so a test can see that the skill's own script really ran, where, and with what input.
set -euo pipefail
payload="$(cat)"
printf '%s' "$payload" > payload.json
printf 'ran in %s\n' "$PWD" > marker.txt
printf '{"hookSpecificOutput":{"hookEventName":"SkillTrigger","additionalContext":"bash script ran"}}\n'
