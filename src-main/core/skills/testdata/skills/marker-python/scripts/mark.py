"""Reads the hook payload from stdin, leaves a marker naming the skill and its arguments, and
adds context for the model through Claude Code's JSON output."""
import json
import sys

payload = json.load(sys.stdin)
with open("marker.txt", "w", encoding="utf-8") as marker:
    marker.write(f"{payload['hook_event_name']} {payload['skill_name']} {payload['args']}\n")
json.dump({"hookSpecificOutput": {"hookEventName": "SkillTrigger", "additionalContext": f"python saw args={payload['args']}"}}, sys.stdout)
