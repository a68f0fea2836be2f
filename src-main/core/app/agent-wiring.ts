import path from 'node:path'
import type { agentRoutes } from '../../../src-shared/contract/agent'
import type { EventName, EventPayload, HookEvent, Permissions } from '../../../src-shared/contract'
import { ApprovalBroker } from '../chat/approvals'
import type { AgentRuntime } from '../chat/tool-loop'
import { ValidationError } from '../errors'
import { HookService } from '../hooks'
import type { AppLogger } from '../log'
import type { RouteHandlers } from '../rpc/handlers'
import { discoverSkills, findSkill, runSkill, type LoadedSkill } from '../skills'
import { builtinToolSpecs, decidePermission, previewFor, ruleFor, runBuiltinTool } from '../tools'

export type AgentRouteHandlers = Pick<RouteHandlers, keyof typeof agentRoutes>

export interface AgentWiringOptions {
  dataDir: string
  env: Record<string, string | undefined>
  home: string
  logger: AppLogger
  broadcast: <K extends EventName>(name: K, payload: EventPayload<K>) => void
}

/** Hooks, skills, built-in tools, permissions and approvals: built once per core. */
export function wireAgent(options: AgentWiringOptions) {
  const log = options.logger.log.child({ component: 'hooks' })
  const hooks = new HookService({ dataDir: options.dataDir, env: options.env, log, onRun: (run) => options.broadcast('hooks.ran', run) })
  const approvals = new ApprovalBroker()
  /** "Always for this session" answers, by session; they end with the app. */
  const sessionAllows = new Map<string, string[]>()
  const skillsDir = path.join(options.dataDir, 'skills')

  const permissionInputs = (workspace: string, sessionId: string) => ({
    user: hooks.permissions('user'),
    workspace: hooks.permissions('workspace', workspace),
    sessionAllows: sessionAllows.get(sessionId) ?? [],
    roots: [workspace],
    cwd: workspace,
  })

  const runtime: AgentRuntime = {
    hooks,
    tools: {
      specs: builtinToolSpecs,
      run: (name, input, ctx) => runBuiltinTool(name, input, ctx),
      preview: (name, input, ctx) => previewFor(name, input, ctx),
    },
    permissions: {
      decide: (tool, input, { workspace, sessionId }) => decidePermission(tool, input, permissionInputs(workspace, sessionId)),
      remember(decision, tool, input, { workspace, sessionId }) {
        if (decision === 'allow-session') {
          sessionAllows.set(sessionId, [...(sessionAllows.get(sessionId) ?? []), ruleFor(decision, tool, input, { roots: [workspace], cwd: workspace })])
        } else if (decision === 'allow-workspace') {
          const current: Permissions = hooks.permissions('workspace', workspace)
          const rule = ruleFor(decision, tool, input, { roots: [workspace], cwd: workspace })
          if (!current.allow.includes(rule)) hooks.savePermissions('workspace', { ...current, allow: [...current.allow, rule] }, workspace)
        }
      },
    },
    approvals,
  }

  const skillsFor = (workspace?: string) => discoverSkills({ userDir: skillsDir, ...(workspace ? { workspace } : {}), home: options.home })

  /** Runs a skill through its pipeline: SkillTrigger hooks may deny it; its own hooks run its scripts. */
  const runNamedSkill = async (name: string, args: string, ctx: { sessionId: string | null; workspace?: string | null; signal?: AbortSignal }) => {
    const { skills } = await skillsFor(ctx.workspace ?? undefined)
    const loaded: LoadedSkill = findSkill(skills, name)
    const result = await runSkill(loaded, { args, sessionId: ctx.sessionId, ...(ctx.workspace ? { workspace: ctx.workspace } : {}), cwd: ctx.workspace ?? options.home }, hooks)
    return { loaded, result }
  }

  const fire = (event: HookEvent, fields: Record<string, unknown>, ctx: { sessionId: string | null; workspace?: string | null }) =>
    hooks.fire(event, fields, { sessionId: ctx.sessionId, cwd: ctx.workspace ?? options.home, workspace: ctx.workspace ?? null }).catch((error: unknown) => {
      log.warn({ err: error, event }, 'hook event failed')
      return undefined
    })

  const handlers: AgentRouteHandlers = {
    'hooks.list': ({ workspace }) => {
      const files = hooks.files(workspace)
      return { entries: hooks.entries(workspace), runs: hooks.recentRuns(), userFile: files.userFile, workspaceFile: files.workspaceFile }
    },
    'hooks.setEnabled': ({ id, source, enabled, workspace }) => ({ entries: hooks.setEnabled(id, source, enabled, needWorkspace(source, workspace)) }),
    'hooks.save': ({ source, hooks: config, workspace }) => ({ entries: hooks.save(source, config, needWorkspace(source, workspace)) }),
    'hooks.test': ({ event, payload, workspace }, { signal }) => hooks.test(event, payload, { sessionId: null, cwd: workspace ?? options.home, workspace: workspace ?? null, signal }),
    'hooks.import': ({ from, path: file, into, workspace }) => {
      const done = hooks.importFrom(from, { home: options.home, into, ...(workspace ? { workspace: needWorkspace(into, workspace) } : {}), ...(file ? { path: file } : {}) })
      return { imported: done.imported, file: done.file }
    },
    'permissions.get': ({ workspace }) => ({ user: hooks.permissions('user'), workspace: workspace ? hooks.permissions('workspace', workspace) : null }),
    'permissions.update': ({ source, permissions, workspace }) => hooks.savePermissions(source, permissions, needWorkspace(source, workspace)),
    'tools.decide': ({ requestId, decision }) => ({ accepted: approvals.decide(requestId, decision) }),
    'skills.list': async ({ workspace }) => {
      const found = await skillsFor(workspace)
      for (const problem of found.problems) log.warn({ path: problem.path }, `skill not loaded: ${problem.message}`)
      return { skills: found.skills.map((s) => s.skill), dirs: found.dirs }
    },
    'skills.run': async ({ name, args, workspace, sessionId }, { signal }) => {
      const { loaded, result } = await runNamedSkill(name, args ?? '', { sessionId: sessionId ?? null, workspace: workspace ?? null, signal })
      return { skill: loaded.skill, allowed: result.allowed, ...(result.reason ? { reason: result.reason } : {}), content: result.content, outcome: result.outcome }
    },
  }

  return { hooks, approvals, runtime, handlers, runNamedSkill, fire }
}

/** Workspace-level settings need the workspace they belong to. */
function needWorkspace(source: 'user' | 'workspace', workspace: string | undefined): string | undefined {
  if (source === 'workspace' && !workspace) throw new ValidationError('Name the workspace folder for workspace-level settings.', [{ path: 'workspace', message: 'missing' }])
  return workspace
}

export type AgentWiring = ReturnType<typeof wireAgent>
