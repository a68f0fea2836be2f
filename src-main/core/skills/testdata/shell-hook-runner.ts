import { spawn } from 'node:child_process'
import type { HookEvent, HookOutcome, HookRun, HooksConfig } from '../../../../src-shared/contract'
import type { HookContext, SkillHookRunner } from '../run-skill'

/**
 * A small but real hook runner for the skill tests: each matching command runs under `/bin/sh -c`
 * in ctx.cwd with Claude Code's JSON payload on stdin; exit 0 allows (JSON stdout may add
 * context or block), exit 2 blocks with stderr as the reason, other codes are non-blocking errors.
 * It is not the app's HookService (that lives in core/hooks); it only has to be honest.
 */
export interface FiredCall {
  kind: 'fire' | 'runConfig'
  event: HookEvent
  fields: Record<string, unknown>
  ctx: HookContext
}

export class ShellHookRunner implements SkillHookRunner {
  readonly calls: FiredCall[] = []
  private readonly globalHooks: HooksConfig
  private readonly timeoutMs: number

  constructor(globalHooks: HooksConfig, timeoutMs = 10_000) {
    this.globalHooks = globalHooks
    this.timeoutMs = timeoutMs
  }

  fire(event: 'SkillTrigger' | 'SubagentStart' | 'SubagentStop', fields: Record<string, unknown>, ctx: HookContext): Promise<HookOutcome> {
    this.calls.push({ kind: 'fire', event, fields, ctx })
    return this.run(this.globalHooks, event, fields, ctx)
  }

  runConfig(hooks: HooksConfig, event: HookEvent, fields: Record<string, unknown>, ctx: HookContext): Promise<HookOutcome> {
    this.calls.push({ kind: 'runConfig', event, fields, ctx })
    return this.run(hooks, event, fields, ctx)
  }

  private async run(hooks: HooksConfig, event: HookEvent, fields: Record<string, unknown>, ctx: HookContext): Promise<HookOutcome> {
    const outcome: HookOutcome = { event, allowed: true, decision: 'none', systemMessages: [], errors: [], runs: [] }
    const contexts: string[] = []
    const payload = JSON.stringify({ session_id: ctx.sessionId, cwd: ctx.cwd, hook_event_name: event, ...fields })
    for (const matcher of hooks[event] ?? []) {
      const pattern = matcher.matcher ?? ''
      if (pattern !== '' && ctx.matchOn !== undefined && !new RegExp(`^(?:${pattern})$`).test(ctx.matchOn)) continue
      for (const hook of matcher.hooks) {
        const run = await runCommand(hook.command, ctx.cwd, payload, (hook.timeout ?? 0) * 1000 || this.timeoutMs)
        const decided = { ...run, event, decision: 'none' as HookRun['decision'] }
        outcome.runs.push(decided)
        if (run.exitCode === 2) {
          decided.decision = 'block'
          return { ...outcome, allowed: false, decision: 'deny', reason: run.stderr.trim() || `${hook.command} exited with 2` }
        }
        if (run.exitCode !== 0) {
          decided.decision = 'error'
          outcome.errors.push(`${hook.command} exited with ${run.exitCode ?? 'a signal'}: ${run.stderr.trim()}`)
          continue
        }
        const json = parseJsonObject(run.stdout)
        if (json?.decision === 'block' || json?.continue === false) {
          decided.decision = 'block'
          const reason = typeof json.reason === 'string' ? json.reason : typeof json.stopReason === 'string' ? json.stopReason : 'blocked'
          return { ...outcome, allowed: false, decision: 'deny', reason }
        }
        const specific = json?.hookSpecificOutput
        if (typeof specific === 'object' && specific !== null && 'additionalContext' in specific && typeof specific.additionalContext === 'string') {
          contexts.push(specific.additionalContext)
        }
        if (typeof json?.systemMessage === 'string') outcome.systemMessages.push(json.systemMessage)
      }
    }
    return contexts.length === 0 ? outcome : { ...outcome, additionalContext: contexts.join('\n') }
  }
}

function parseJsonObject(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text)
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null
  } catch {
    return null
  }
}

function runCommand(command: string, cwd: string, stdin: string, timeoutMs: number): Promise<Omit<HookRun, 'event' | 'decision'>> {
  const started = Date.now()
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', command], { cwd, stdio: ['pipe', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      child.kill('SIGKILL')
    }, timeoutMs)
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')))
    child.on('error', (error) => {
      clearTimeout(timer)
      reject(error)
    })
    child.on('close', (exitCode) => {
      clearTimeout(timer)
      resolve({ at: started, command, durationMs: Date.now() - started, exitCode, timedOut, stdout, stderr })
    })
    // A script that never reads stdin must not fail the run with EPIPE.
    child.stdin.on('error', () => undefined)
    child.stdin.end(stdin)
  })
}
