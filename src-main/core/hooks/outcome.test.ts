import { describe, expect, it } from 'vitest'
import { HookOutcomeSchema } from '../../../src-shared/contract'
import { combineOutcomes, interpretHookOutput, type HookRunResult } from './outcome'

let clock = 0
/** A run as the runner reports it, from the real interpreter of stdout/stderr and exit code. */
function run(command: string, exitCode: number, stdout: string, stderr = '', event: HookRunResult['event'] = 'PreToolUse'): HookRunResult {
  const verdict = interpretHookOutput(event, exitCode, stdout, stderr, command)
  return { at: clock++, event, command, durationMs: 5, exitCode, timedOut: false, stdout, stderr, ...verdict }
}
const json = (value: unknown): string => JSON.stringify(value)
const decide = (permissionDecision: string, permissionDecisionReason?: string): string => json({ hookSpecificOutput: { permissionDecision, permissionDecisionReason } })

describe('interpretHookOutput', () => {
  it('maps the legacy "approve" to allow and keeps the top-level reason', () => {
    expect(interpretHookOutput('PreToolUse', 0, json({ decision: 'approve', reason: 'ok' }), '', 'c')).toMatchObject({ decision: 'allow', reason: 'ok' })
  })

  it('prefers hookSpecificOutput.permissionDecision over the top-level decision', () => {
    const out = json({ decision: 'approve', hookSpecificOutput: { permissionDecision: 'deny', permissionDecisionReason: 'no' } })
    expect(interpretHookOutput('PreToolUse', 0, out, '', 'c')).toMatchObject({ decision: 'deny', reason: 'no' })
  })

  it('reads updatedInput and additionalContext at the top level too', () => {
    expect(interpretHookOutput('PreToolUse', 0, json({ updatedInput: { a: 1 }, additionalContext: 'ctx' }), '', 'c')).toMatchObject({ updatedInput: { a: 1 }, additionalContext: 'ctx' })
  })

  it('rejects an unknown decision value as a protocol error', () => {
    expect(interpretHookOutput('Stop', 0, json({ decision: 'maybe' }), '', 'c')).toMatchObject({ decision: 'error', error: expect.stringMatching(/hooks protocol: decision/) })
  })

  it('plain stdout is context only for UserPromptSubmit and SessionStart', () => {
    expect(interpretHookOutput('SessionStart', 0, 'hello\n', '', 'c').additionalContext).toBe('hello')
    expect(interpretHookOutput('Stop', 0, 'hello\n', '', 'c').additionalContext).toBeUndefined()
  })

  it('exit 2 with no stderr still gives a reason naming the hook', () => {
    expect(interpretHookOutput('PreToolUse', 2, '', '', 'guard.sh')).toMatchObject({ decision: 'block', reason: 'Blocked by the hook "guard.sh".' })
  })

  it('ignores stdout JSON on exit 2, as Claude Code does', () => {
    expect(interpretHookOutput('PreToolUse', 2, decide('allow'), 'nope', 'c')).toMatchObject({ decision: 'block', reason: 'nope' })
  })
})

describe('combineOutcomes', () => {
  it('with no runs allows and decides nothing', () => {
    const outcome = combineOutcomes('PreToolUse', [])
    expect(outcome).toEqual({ event: 'PreToolUse', allowed: true, decision: 'none', systemMessages: [], errors: [], runs: [] })
    expect(HookOutcomeSchema.parse(outcome)).toEqual(outcome)
  })

  it('deny beats ask beats allow', () => {
    expect(combineOutcomes('PreToolUse', [run('a', 0, decide('allow')), run('b', 0, decide('ask', 'check'))])).toMatchObject({ allowed: true, decision: 'ask', reason: 'check' })
    const denied = combineOutcomes('PreToolUse', [run('a', 0, decide('ask')), run('b', 0, decide('deny', 'no rm')), run('c', 0, decide('allow'))])
    expect(denied).toMatchObject({ allowed: false, decision: 'deny', reason: 'no rm' })
  })

  it('joins the reasons of every block and deny', () => {
    const outcome = combineOutcomes('UserPromptSubmit', [run('a', 2, '', 'has a secret', 'UserPromptSubmit'), run('b', 0, json({ decision: 'block', reason: 'too long' }), '', 'UserPromptSubmit')])
    expect(outcome).toMatchObject({ allowed: false, decision: 'deny', reason: 'has a secret\ntoo long' })
  })

  it('continue:false stops even when the decision was allow', () => {
    const outcome = combineOutcomes('PostToolUse', [run('a', 0, json({ continue: false, stopReason: 'budget spent', hookSpecificOutput: { permissionDecision: 'allow' } }))])
    expect(outcome).toMatchObject({ allowed: false, decision: 'allow', reason: 'budget spent' })
  })

  it('takes updatedInput from the last hook that gave one', () => {
    const outcome = combineOutcomes('PreToolUse', [run('a', 0, json({ updatedInput: { n: 1 } })), run('b', 0, json({ updatedInput: { n: 2 } })), run('c', 0, decide('allow'))])
    expect(outcome.updatedInput).toEqual({ n: 2 })
  })

  it('concatenates contexts and collects system messages and errors', () => {
    const outcome = combineOutcomes('UserPromptSubmit', [
      run('a', 0, 'first', '', 'UserPromptSubmit'),
      run('b', 0, json({ hookSpecificOutput: { additionalContext: 'second' }, systemMessage: 'note' }), '', 'UserPromptSubmit'),
      run('c', 1, '', 'oops', 'UserPromptSubmit'),
    ], ['bad matcher'])
    expect(outcome).toMatchObject({ allowed: true, additionalContext: 'first\n\nsecond', systemMessages: ['note'], errors: ['bad matcher', 'Hook "c": exited with code 1: oops'] })
    expect(outcome.runs.map((r) => r.command)).toEqual(['a', 'b', 'c'])
    expect(Object.keys(outcome.runs[0]!).sort()).toEqual(['at', 'command', 'decision', 'durationMs', 'event', 'exitCode', 'stderr', 'stdout', 'timedOut'])
  })

  it('a block on an event that cannot be stopped is only shown to the user', () => {
    const outcome = combineOutcomes('Notification', [run('notify.sh', 2, '', 'no desktop', 'Notification')])
    expect(outcome).toMatchObject({ allowed: true, decision: 'none', errors: ['Hook "notify.sh": no desktop'] })
  })

  it('an error run does not change the decision', () => {
    expect(combineOutcomes('PreToolUse', [run('a', 0, '{bad'), run('b', 0, decide('allow', 'fine'))])).toMatchObject({ allowed: true, decision: 'allow', reason: 'fine', errors: [expect.stringMatching(/^Hook "a": hook printed invalid JSON/)] })
  })
})
