import type { HookEntry, HookEvent, HookOutcome, HookRun, HooksConfig, Permissions, PermissionDecision, Result, Skill } from '../../src-shared/contract'
import { agentRoutes } from '../../src-shared/contract'

export interface FakeAgentOptions {
  /** The hooks of the user-level settings file, in Claude Code's format. */
  user?: HooksConfig
  /** The hooks of every workspace's settings file (one for all workspaces keeps tests short). */
  workspace?: HooksConfig
  /** Hook ids (`event:index:hookIndex`) switched off, per source. */
  disabled?: { user?: string[]; workspace?: string[] }
  runs?: HookRun[]
  skills?: Skill[]
  /** What hooks.test answers per event; an event without one runs no hook. */
  outcomes?: Partial<Record<HookEvent, HookOutcome>>
  /** What skills.run answers per skill name; otherwise the skill is allowed and its content echoes the args. */
  skillRuns?: Record<string, { allowed: boolean; reason?: string; content: string }>
  /** How many hooks each import source would bring. */
  imports?: Partial<Record<'claude' | 'ollama-cli' | 'qarin' | 'file', number>>
  /** The permission rules stored at each level; both start as "ask, no rules". */
  permissions?: { user?: Permissions; workspace?: Permissions }
}

const ok = <T>(value: T): Result<T> => ({ ok: true, value })

export const emptyOutcome = (event: HookEvent, extra: Partial<HookOutcome> = {}): HookOutcome => ({
  event,
  allowed: true,
  decision: 'none',
  systemMessages: [],
  errors: [],
  runs: [],
  ...extra,
})

export const hookRun = (event: HookEvent, command: string, extra: Partial<HookRun> = {}): HookRun => ({
  at: 1_700_000_000_000,
  event,
  command,
  durationMs: 12,
  exitCode: 0,
  timedOut: false,
  decision: 'none',
  stdout: '',
  stderr: '',
  ...extra,
})

export const skill = (name: string, extra: Partial<Skill> = {}): Skill => ({
  name,
  description: `The ${name} skill`,
  source: 'user',
  dir: `/home/me/.ollama-desk/skills/${name}`,
  allowedTools: [],
  hasHooks: false,
  ...extra,
})

/** The entries of one settings file, with the ids the core gives them (`event:index:hookIndex`). */
export function entriesOf(source: 'user' | 'workspace', config: HooksConfig, disabled: readonly string[]): HookEntry[] {
  return Object.entries(config).flatMap(([event, matchers]) =>
    (matchers ?? []).flatMap((group, index) =>
      group.hooks.map((hook, hookIndex) => {
        const id = `${event}:${index}:${hookIndex}`
        return { id, source, event: event as HookEvent, matcher: group.matcher ?? '', command: hook.command, timeout: hook.timeout ?? 60, enabled: !disabled.includes(id) }
      }),
    ),
  )
}

/**
 * The hooks, skills, permissions and tools.decide routes in memory, validating inputs with the
 * contract's own schemas so the renderer meets the same E_VALIDATION errors as with the core.
 * Workspace-level hooks and skills only exist when a workspace is given, as in the core.
 */
export function fakeAgent(options: FakeAgentOptions, emitRan: (run: HookRun) => void) {
  const configs = { user: options.user ?? {}, workspace: options.workspace ?? {} }
  const disabled = { user: [...(options.disabled?.user ?? [])], workspace: [...(options.disabled?.workspace ?? [])] }
  const runs = [...(options.runs ?? [])]
  const decisions: { requestId: string; decision: PermissionDecision }[] = []
  const imports: { from: string; into: string; workspace?: string }[] = []
  let permissions: { user: Permissions; workspace: Permissions } = {
    user: options.permissions?.user ?? { allow: [], deny: [], defaultMode: 'ask' },
    workspace: options.permissions?.workspace ?? { allow: [], deny: [], defaultMode: 'ask' },
  }
  const entries = (workspace: string | undefined): HookEntry[] => [
    ...entriesOf('user', configs.user, disabled.user),
    ...(workspace ? entriesOf('workspace', configs.workspace, disabled.workspace) : []),
  ]

  const call = (route: string, input: unknown): Result<unknown> => {
    // The agent library (its own capability) is empty here: these fakes are about hooks and skills.
    if (route === 'agents.list') return ok({ agents: [], problems: [], roots: [] })
    const spec = agentRoutes[route as keyof typeof agentRoutes]
    if (!spec) return { ok: false, error: { code: 'E_UNKNOWN_ROUTE', message: `no ${route}`, retryable: false } }
    const parsed = spec.input.safeParse(input)
    if (!parsed.success) {
      const issues = parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }))
      return { ok: false, error: { code: 'E_VALIDATION', message: `${issues[0]!.path}: ${issues[0]!.message}`, retryable: false, issues } }
    }
    const body = parsed.data as Record<string, unknown> & { workspace?: string }
    switch (route) {
      case 'hooks.list':
        return ok({ entries: entries(body.workspace), runs, userFile: '/home/me/.ollama-desk/settings.json', workspaceFile: body.workspace ? `${body.workspace}/.ollama-desk/settings.json` : null })
      case 'hooks.setEnabled': {
        const list = disabled[body.source as 'user' | 'workspace']
        const id = String(body.id)
        const at = list.indexOf(id)
        if (body.enabled && at >= 0) list.splice(at, 1)
        if (!body.enabled && at < 0) list.push(id)
        return ok({ entries: entries(body.workspace) })
      }
      case 'hooks.save':
        configs[body.source as 'user' | 'workspace'] = body.hooks as HooksConfig
        return ok({ entries: entries(body.workspace) })
      case 'hooks.test': {
        const event = body.event as HookEvent
        const outcome = options.outcomes?.[event] ?? emptyOutcome(event)
        for (const run of outcome.runs) {
          runs.push(run)
          emitRan(run)
        }
        return ok(outcome)
      }
      case 'hooks.import': {
        imports.push({ from: String(body.from), into: String(body.into), ...(body.workspace ? { workspace: body.workspace } : {}) })
        const file = body.into === 'user' ? '/home/me/.ollama-desk/settings.json' : `${body.workspace ?? '?'}/.ollama-desk/settings.json`
        return ok({ imported: options.imports?.[body.from as 'claude'] ?? 0, file })
      }
      case 'permissions.get':
        return ok({ user: permissions.user, workspace: body.workspace ? permissions.workspace : null })
      case 'permissions.update':
        permissions = { ...permissions, [body.source as 'user']: body.permissions as Permissions }
        return ok(body.permissions)
      case 'tools.decide':
        decisions.push({ requestId: String(body.requestId), decision: body.decision as PermissionDecision })
        return ok({ accepted: true })
      case 'skills.list': {
        const skills = (options.skills ?? []).filter((s) => s.source === 'user' || body.workspace)
        return ok({ skills, dirs: ['/home/me/.ollama-desk/skills', ...(body.workspace ? [`${body.workspace}/.ollama-desk/skills`] : [])] })
      }
      case 'skills.run': {
        const found = (options.skills ?? []).find((s) => s.name === body.name)
        if (!found) return { ok: false, error: { code: 'E_NOT_FOUND', message: `There is no skill named ${String(body.name)}.`, retryable: false } }
        const answer = options.skillRuns?.[found.name] ?? { allowed: true, content: `# ${found.name}\n${String(body.args ?? '')}` }
        const outcome = emptyOutcome('SkillTrigger', { allowed: answer.allowed, decision: answer.allowed ? 'none' : 'deny', ...(answer.reason ? { reason: answer.reason } : {}) })
        return ok({ skill: found, ...answer, outcome })
      }
      default:
        return { ok: false, error: { code: 'E_UNKNOWN_ROUTE', message: `no ${route}`, retryable: false } }
    }
  }

  return {
    isAgentRoute: (route: string) => route === 'agents.list' || Object.hasOwn(agentRoutes, route),
    call,
    /** Every tools.decide answer, in order. */
    decisions: () => decisions,
    imports: () => imports,
    config: (source: 'user' | 'workspace') => configs[source],
    disabled: (source: 'user' | 'workspace') => disabled[source],
    /** The rules permissions.update last stored for a level. */
    permissions: (source: 'user' | 'workspace') => permissions[source],
    /** A hook ran in the core (a chat's PreToolUse, say): the screen hears hooks.ran. */
    ran(run: HookRun) {
      runs.push(run)
      emitRan(run)
    },
  }
}
