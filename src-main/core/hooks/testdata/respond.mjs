// A hook in Node for runner.test.ts: `node respond.mjs MODE [FILE]` answers the way MODE says;
// with FILE it first saves the JSON payload it got on stdin there.
import fs from 'node:fs'

const [mode, file] = process.argv.slice(2)
const text = fs.readFileSync(0, 'utf8')
if (file) fs.writeFileSync(file, text)
const payload = JSON.parse(text)
const print = (value) => process.stdout.write(`${typeof value === 'string' ? value : JSON.stringify(value)}\n`)
const fail = (message, code) => {
  process.stderr.write(`${message}\n`)
  process.exit(code)
}

switch (mode) {
  case 'plain': print('plain context from node'); break
  case 'allow': print({ hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'allow', permissionDecisionReason: 'read-only command' } }); break
  case 'deny': print({ hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'deny', permissionDecisionReason: 'rm is not allowed' } }); break
  case 'ask': print({ hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'ask', permissionDecisionReason: 'touches the network' } }); break
  case 'update': print({ hookSpecificOutput: { permissionDecision: 'allow', updatedInput: { command: `${payload.tool_input.command} --short` } } }); break
  case 'context': print({ hookSpecificOutput: { hookEventName: 'UserPromptSubmit', additionalContext: 'the branch is main' } }); break
  case 'stop': print({ continue: false, stopReason: 'the budget is spent' }); break
  case 'system': print({ systemMessage: 'lint passed', suppressOutput: true }); break
  case 'legacy': print({ decision: 'block', reason: 'tests are failing' }); break
  case 'block': fail('no secrets in prompts', 2); break
  case 'fail': fail('something broke', 1); break
  case 'badjson': print('{"decision": '); break
  case 'env':
    for (const key of ['CLAUDE_PROJECT_DIR', 'OLLAMA_DESK_PROJECT_DIR', 'OLLAMA_PROJECT_DIR', 'QARIN_PROJECT_DIR', 'HOOK_TEST_VALUE']) print(`${key}=${process.env[key] ?? ''}`)
    print(`PWD=${process.cwd()}`)
    break
  default: fail(`unknown mode ${mode}`, 3)
}
