import { randomBytes } from 'node:crypto'
import type { HookEvent, HookOutcome, HooksConfig } from '../../../src-shared/contract'
import { MAX_SKILL_NAME, SKILL_NAME_PATTERN } from './frontmatter'
import type { LoadedSkill } from './discover'

export interface HookContext {
  sessionId: string | null
  cwd: string
  workspace?: string | null
  matchOn?: string
}

/** The part of the hook runner skills need; the app passes its HookService. */
export interface SkillHookRunner {
  /** Global hooks (user + workspace settings) for an event; SkillTrigger uses matchOn = skill name. */
  fire(event: 'SkillTrigger' | 'SubagentStart' | 'SubagentStop', fields: Record<string, unknown>, ctx: HookContext): Promise<HookOutcome>
  /** The skill's own hooks (from its SKILL.md frontmatter), run with cwd = the skill's folder. */
  runConfig(hooks: HooksConfig, event: HookEvent, fields: Record<string, unknown>, ctx: HookContext): Promise<HookOutcome>
}

export interface RunSkillOptions {
  args?: string
  sessionId: string | null
  workspace?: string | null
  /** Where global hooks run (the workspace or the app's folder); the skill's own hooks run in its folder. */
  cwd: string
  /** Suffix of the sub-agent id; injectable so tests can name it. */
  randomSuffix?: () => string
}

export interface SkillRunResult {
  allowed: boolean
  reason?: string
  /** The instructions to give the model: empty when not allowed. */
  content: string
  /** Global and the skill's own SkillTrigger hooks, combined (or the SubagentStart that stopped it). */
  outcome: HookOutcome
  /** Present when the skill has its own model and so ran as a sub-agent. */
  subagent?: { agentId: string; start: HookOutcome; stop?: HookOutcome }
}

/**
 * SkillTrigger hooks (global, then the skill's own — which is how a skill's scripts run) may stop
 * the skill; otherwise its body, with `$ARGUMENTS` filled in, is what the model gets. A skill
 * with its own model is a sub-agent, so SubagentStart/SubagentStop hooks fire around it.
 */
export async function runSkill(loaded: LoadedSkill, options: RunSkillOptions, runner: SkillHookRunner): Promise<SkillRunResult> {
  const base = { sessionId: options.sessionId, cwd: options.cwd, workspace: options.workspace ?? null }
  if (loaded.skill.model === undefined) return trigger(loaded, options, runner, [])

  const suffix = (options.randomSuffix ?? (() => randomBytes(4).toString('hex')))()
  const agentId = `${loaded.skill.name}-${suffix}`
  const agentFields = { agent_id: agentId, agent_type: 'skill' }
  const start = await runner.fire('SubagentStart', agentFields, base)
  if (!start.allowed) {
    return { allowed: false, reason: start.reason ?? `A SubagentStart hook stopped the skill "${loaded.skill.name}".`, content: '', outcome: start, subagent: { agentId, start } }
  }
  let result: SkillRunResult
  let stop: HookOutcome
  try {
    result = await trigger(loaded, options, runner, [start.additionalContext])
  } finally {
    // Stop pairs with Start even when a hook runner failed in between.
    stop = await runner.fire('SubagentStop', { ...agentFields, stop_hook_active: false }, base)
  }
  return { ...result, subagent: { agentId, start, stop } }
}

async function trigger(loaded: LoadedSkill, options: RunSkillOptions, runner: SkillHookRunner, extraContext: Array<string | undefined>): Promise<SkillRunResult> {
  const { skill } = loaded
  const args = options.args ?? ''
  const fields = { skill_name: skill.name, args, skill_dir: skill.dir }
  const ctx = { sessionId: options.sessionId, workspace: options.workspace ?? null, matchOn: skill.name }
  const global = await runner.fire('SkillTrigger', fields, { ...ctx, cwd: options.cwd })
  if (!global.allowed) return denied(skill.name, global, [global])

  const outcomes = [global]
  if ((loaded.hooks.SkillTrigger?.length ?? 0) > 0) {
    const own = await runner.runConfig(loaded.hooks, 'SkillTrigger', fields, { ...ctx, cwd: skill.dir })
    outcomes.push(own)
    if (!own.allowed) return denied(skill.name, own, outcomes)
  }
  const outcome = mergeOutcomes('SkillTrigger', outcomes)
  const context = [...extraContext, ...outcomes.map((o) => o.additionalContext)].filter((text): text is string => text !== undefined && text.trim() !== '')
  const content = [expandArguments(loaded.body, args), ...context].filter((part) => part !== '').join('\n\n')
  return { allowed: true, content, outcome }
}

function denied(name: string, blocker: HookOutcome, outcomes: HookOutcome[]): SkillRunResult {
  const reason = blocker.reason ?? `A SkillTrigger hook stopped the skill "${name}".`
  return { allowed: false, reason, content: '', outcome: { ...mergeOutcomes('SkillTrigger', outcomes), reason } }
}

/** Several hook outcomes as one: blocked if any blocked, the strongest decision, everything logged. */
export function mergeOutcomes(event: HookEvent, outcomes: HookOutcome[]): HookOutcome {
  const rank = { none: 0, allow: 1, ask: 2, deny: 3 } as const
  let decision: HookOutcome['decision'] = 'none'
  for (const outcome of outcomes) if (rank[outcome.decision] > rank[decision]) decision = outcome.decision
  const blocker = outcomes.find((outcome) => !outcome.allowed)
  const reason = blocker?.reason ?? outcomes.find((outcome) => outcome.reason !== undefined)?.reason
  const contexts = outcomes.map((outcome) => outcome.additionalContext).filter((text): text is string => text !== undefined && text !== '')
  const updatedInput = outcomes.reduce<Record<string, unknown> | undefined>((merged, outcome) => (outcome.updatedInput ? { ...merged, ...outcome.updatedInput } : merged), undefined)
  return {
    event,
    allowed: blocker === undefined,
    decision,
    ...(reason === undefined ? {} : { reason }),
    ...(updatedInput === undefined ? {} : { updatedInput }),
    ...(contexts.length === 0 ? {} : { additionalContext: contexts.join('\n\n') }),
    systemMessages: outcomes.flatMap((outcome) => outcome.systemMessages),
    errors: outcomes.flatMap((outcome) => outcome.errors),
    runs: outcomes.flatMap((outcome) => outcome.runs),
  }
}

/**
 * `$ARGUMENTS` → the whole argument text, `$ARGUMENTS[n]` → the n-th (0-based, shell-like words).
 * A body without a placeholder gets the arguments appended, so they are never lost.
 */
export function expandArguments(body: string, args: string): string {
  const placeholder = /\$ARGUMENTS(?:\[(\d+)\])?/g
  if (!body.includes('$ARGUMENTS')) return args.trim() === '' ? body : `${body}\n\nARGUMENTS: ${args}`
  const words = splitWords(args)
  // A replacer function, so `$&` or `$1` in the user's text stay literal.
  return body.replace(placeholder, (_match, index: string | undefined) => (index === undefined ? args : (words[Number(index)] ?? '')))
}

function splitWords(text: string): string[] {
  const words: string[] = []
  for (const match of text.matchAll(/"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g)) {
    words.push(match[1] !== undefined ? match[1].replace(/\\(.)/g, '$1') : (match[2] ?? match[3] ?? ''))
  }
  return words
}

/** `/review-pr 42` → { name: 'review-pr', args: '42' }; anything else (paths, plain text) → null. */
export function skillSlashCommand(text: string): { name: string; args: string } | null {
  const match = /^\/([a-z0-9]+(?:-[a-z0-9]+)*)(?:\s+([\s\S]*))?$/.exec(text.trimEnd())
  if (!match) return null
  const name = match[1] as string
  if (name.length > MAX_SKILL_NAME || !SKILL_NAME_PATTERN.test(name)) return null
  return { name, args: (match[2] ?? '').trim() }
}
