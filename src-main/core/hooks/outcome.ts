import { z } from 'zod'
import type { HookEvent, HookOutcome, HookRun } from '../../../src-shared/contract'
import { issuesOf } from '../errors'

/** What one hook run said, beyond the HookRun record kept in the log. */
export interface HookVerdict {
  decision: HookRun['decision']
  reason?: string
  updatedInput?: Record<string, unknown>
  additionalContext?: string
  /** false: the hook asked to stop the whole turn (`continue: false`). */
  continue: boolean
  stopReason?: string
  systemMessage?: string
  suppressOutput: boolean
  /** A non-blocking error for the user: bad exit code, timeout, bad JSON, could not start. */
  error?: string
  /** stdout parsed as JSON, when it was JSON. */
  output: Record<string, unknown> | null
}

export type HookRunResult = HookRun & HookVerdict

const InputObject = z.record(z.string(), z.unknown())

/** Claude Code's hook output fields; unknown fields are allowed and ignored, as Claude Code does. */
const HookJsonOutputSchema = z.looseObject({
  continue: z.boolean().optional(),
  stopReason: z.string().optional(),
  suppressOutput: z.boolean().optional(),
  systemMessage: z.string().optional(),
  decision: z.enum(['approve', 'allow', 'block', 'deny']).nullish(),
  reason: z.string().optional(),
  updatedInput: InputObject.optional(),
  additionalContext: z.string().optional(),
  hookSpecificOutput: z
    .looseObject({
      hookEventName: z.string().optional(),
      permissionDecision: z.enum(['allow', 'deny', 'ask']).optional(),
      permissionDecisionReason: z.string().optional(),
      updatedInput: InputObject.optional(),
      additionalContext: z.string().optional(),
      /** PermissionRequest hooks answer with `decision.behavior`. */
      decision: z.looseObject({ behavior: z.enum(['allow', 'deny']), updatedInput: InputObject.optional(), message: z.string().optional() }).optional(),
    })
    .optional(),
})
type HookJsonOutput = z.infer<typeof HookJsonOutputSchema>

/** Events whose plain (non-JSON) stdout on exit 0 is added to the model's context, as in Claude Code. */
const PLAIN_STDOUT_IS_CONTEXT: ReadonlySet<HookEvent> = new Set(['UserPromptSubmit', 'SessionStart'])

/** Events that happen regardless: a block (exit 2) there is only shown to the user, as in Claude Code. */
export const NON_BLOCKING_EVENTS: ReadonlySet<HookEvent> = new Set(['Setup', 'SessionStart', 'SessionEnd', 'Notification', 'SubagentStart'])

export function failedVerdict(error: string): HookVerdict {
  return { decision: 'error', continue: true, suppressOutput: false, error, output: null }
}

const NONE: HookVerdict = { decision: 'none', continue: true, suppressOutput: false, output: null }

function fromJson(json: HookJsonOutput): HookVerdict {
  const specific = json.hookSpecificOutput
  let decision: HookVerdict['decision'] = 'none'
  let reason = json.reason
  if (specific?.permissionDecision) {
    decision = specific.permissionDecision
    reason = specific.permissionDecisionReason ?? reason
  } else if (specific?.decision) {
    decision = specific.decision.behavior
    reason = specific.decision.message ?? reason
  } else if (json.decision) {
    decision = json.decision === 'approve' ? 'allow' : json.decision
  }
  const updatedInput = specific?.updatedInput ?? specific?.decision?.updatedInput ?? json.updatedInput
  const additionalContext = specific?.additionalContext ?? json.additionalContext
  return {
    decision,
    continue: json.continue !== false,
    suppressOutput: json.suppressOutput === true,
    output: json,
    ...(reason === undefined ? {} : { reason }),
    ...(updatedInput === undefined ? {} : { updatedInput }),
    ...(additionalContext === undefined ? {} : { additionalContext }),
    ...(json.stopReason === undefined ? {} : { stopReason: json.stopReason }),
    ...(json.systemMessage === undefined ? {} : { systemMessage: json.systemMessage }),
  }
}

function fromStdout(event: HookEvent, stdout: string): HookVerdict {
  const text = stdout.trim()
  if (text === '') return NONE
  if (!text.startsWith('{')) return PLAIN_STDOUT_IS_CONTEXT.has(event) ? { ...NONE, additionalContext: text } : NONE
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    return failedVerdict(`hook printed invalid JSON (${(error as Error).message})`)
  }
  const checked = HookJsonOutputSchema.safeParse(parsed)
  if (!checked.success) {
    const first = issuesOf(checked.error)[0]
    return failedVerdict(`hook printed JSON that does not follow the hooks protocol: ${first?.path ?? ''}: ${first?.message ?? 'invalid'}`)
  }
  return fromJson(checked.data)
}

/** Claude Code's exit-code semantics for a command that exited by itself. */
export function interpretHookOutput(event: HookEvent, exitCode: number, stdout: string, stderr: string, command: string): HookVerdict {
  if (exitCode === 0) return fromStdout(event, stdout)
  const detail = stderr.trim()
  if (exitCode === 2) return { ...NONE, decision: 'block', reason: detail || `Blocked by the hook "${command}".` }
  return failedVerdict(`exited with code ${exitCode}${detail ? `: ${detail.split('\n').slice(0, 3).join('\n')}` : ''}`)
}

function label(command: string): string {
  return command.length > 80 ? `${command.slice(0, 77)}…` : command
}

/** The HookRun record alone (for the log and the hooks.ran event), without the verdict fields. */
export function toHookRun(result: HookRunResult): HookRun {
  const { at, event, command, durationMs, exitCode, timedOut, decision, stdout, stderr } = result
  return { at, event, command, durationMs, exitCode, timedOut, decision, stdout, stderr }
}

/**
 * One decision from every hook of an event: any block, deny or `continue: false` stops the action;
 * otherwise deny beats ask beats allow; the last updatedInput wins; contexts and messages add up.
 */
export function combineOutcomes(event: HookEvent, runs: readonly HookRunResult[], extraErrors: readonly string[] = []): HookOutcome {
  const blockable = !NON_BLOCKING_EVENTS.has(event)
  const stops: string[] = []
  const asks: string[] = []
  const allows: string[] = []
  const contexts: string[] = []
  const systemMessages: string[] = []
  const errors = [...extraErrors]
  let denied = false
  let asked = false
  let allowed = false
  let updatedInput: Record<string, unknown> | undefined

  for (const run of runs) {
    if (run.error !== undefined) errors.push(`Hook "${label(run.command)}": ${run.error}`)
    if (run.decision === 'block' || run.decision === 'deny') {
      const reason = run.reason ?? `Denied by the hook "${label(run.command)}".`
      if (blockable) {
        denied = true
        stops.push(reason)
      } else {
        errors.push(`Hook "${label(run.command)}": ${reason}`)
      }
    } else if (run.decision === 'ask') {
      asked = true
      if (run.reason) asks.push(run.reason)
    } else if (run.decision === 'allow') {
      allowed = true
      if (run.reason) allows.push(run.reason)
    }
    if (!run.continue) stops.push(run.stopReason ?? `Stopped by the hook "${label(run.command)}".`)
    if (run.updatedInput !== undefined) updatedInput = run.updatedInput
    if (run.additionalContext) contexts.push(run.additionalContext)
    if (run.systemMessage) systemMessages.push(run.systemMessage)
  }

  const stopped = stops.length > 0
  const decision = denied ? 'deny' : asked ? 'ask' : allowed ? 'allow' : 'none'
  const reasons = stopped ? stops : decision === 'ask' ? asks : decision === 'allow' ? allows : []
  return {
    event,
    allowed: !stopped,
    decision,
    ...(reasons.length > 0 ? { reason: reasons.join('\n') } : {}),
    ...(updatedInput === undefined ? {} : { updatedInput }),
    ...(contexts.length > 0 ? { additionalContext: contexts.join('\n\n') } : {}),
    systemMessages,
    errors,
    runs: runs.map(toHookRun),
  }
}
