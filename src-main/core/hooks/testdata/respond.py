"""A hook in Python for runner.test.ts: `python3 respond.py MODE [FILE]` answers the way MODE says;
with FILE it first saves the JSON payload it got on stdin there."""
import json
import os
import sys

mode = sys.argv[1]
text = sys.stdin.read()
if len(sys.argv) > 2:
    with open(sys.argv[2], "w") as out:
        out.write(text)
payload = json.loads(text)


def answer(value):
    print(value if isinstance(value, str) else json.dumps(value))


def fail(message, code):
    print(message, file=sys.stderr)
    sys.exit(code)


def specific(**fields):
    return {"hookSpecificOutput": fields}


if mode == "plain":
    answer("plain context from python")
elif mode == "allow":
    answer(specific(hookEventName="PreToolUse", permissionDecision="allow", permissionDecisionReason="read-only command"))
elif mode == "deny":
    answer(specific(hookEventName="PreToolUse", permissionDecision="deny", permissionDecisionReason="rm is not allowed"))
elif mode == "ask":
    answer(specific(hookEventName="PreToolUse", permissionDecision="ask", permissionDecisionReason="touches the network"))
elif mode == "update":
    answer(specific(permissionDecision="allow", updatedInput={"command": payload["tool_input"]["command"] + " --short"}))
elif mode == "context":
    answer(specific(hookEventName="UserPromptSubmit", additionalContext="the branch is main"))
elif mode == "stop":
    answer({"continue": False, "stopReason": "the budget is spent"})
elif mode == "system":
    answer({"systemMessage": "lint passed", "suppressOutput": True})
elif mode == "legacy":
    answer({"decision": "block", "reason": "tests are failing"})
elif mode == "block":
    fail("no secrets in prompts", 2)
elif mode == "fail":
    fail("something broke", 1)
elif mode == "badjson":
    answer('{"decision": ')
elif mode == "env":
    for key in ["CLAUDE_PROJECT_DIR", "OLLAMA_DESK_PROJECT_DIR", "OLLAMA_PROJECT_DIR", "QARIN_PROJECT_DIR", "HOOK_TEST_VALUE"]:
        answer(key + "=" + os.environ.get(key, ""))
    answer("PWD=" + os.getcwd())
else:
    fail("unknown mode " + mode, 3)
