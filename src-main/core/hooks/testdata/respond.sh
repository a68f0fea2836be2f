#!/usr/bin/env bash
# A hook in bash for runner.test.ts: `bash respond.sh MODE [FILE]` answers the way MODE says;
# with FILE it first saves the JSON payload it got on stdin there.
mode="$1"
payload="$(cat)"
if [ -n "$2" ]; then printf '%s' "$payload" > "$2"; fi
case "$mode" in
  plain) echo "plain context from bash" ;;
  allow) echo '{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"allow","permissionDecisionReason":"read-only command"}}' ;;
  deny) echo '{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"deny","permissionDecisionReason":"rm is not allowed"}}' ;;
  ask) echo '{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"ask","permissionDecisionReason":"touches the network"}}' ;;
  update)
    # Derive the new input from the payload, so the test proves stdin arrived.
    command="$(printf '%s' "$payload" | sed -n 's/.*"command":"\([^"]*\)".*/\1/p')"
    printf '{"hookSpecificOutput":{"permissionDecision":"allow","updatedInput":{"command":"%s --short"}}}\n' "$command" ;;
  context) echo '{"hookSpecificOutput":{"hookEventName":"UserPromptSubmit","additionalContext":"the branch is main"}}' ;;
  stop) echo '{"continue":false,"stopReason":"the budget is spent"}' ;;
  system) echo '{"systemMessage":"lint passed","suppressOutput":true}' ;;
  legacy) echo '{"decision":"block","reason":"tests are failing"}' ;;
  block) echo "no secrets in prompts" >&2; exit 2 ;;
  fail) echo "something broke" >&2; exit 1 ;;
  badjson) echo '{"decision": ' ;;
  env) echo "CLAUDE_PROJECT_DIR=$CLAUDE_PROJECT_DIR"; echo "OLLAMA_DESK_PROJECT_DIR=$OLLAMA_DESK_PROJECT_DIR"; echo "OLLAMA_PROJECT_DIR=$OLLAMA_PROJECT_DIR"; echo "QARIN_PROJECT_DIR=$QARIN_PROJECT_DIR"; echo "HOOK_TEST_VALUE=$HOOK_TEST_VALUE"; echo "PWD=$(pwd)" ;;
  *) echo "unknown mode $mode" >&2; exit 3 ;;
esac
