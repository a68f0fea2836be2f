import fs from 'node:fs'
import path from 'node:path'
import type { EventName, EventPayload, HookEvent, McpTool, Permissions, Skill } from '../../../src-shared/contract'
import type { ToolSpec } from '../providers'
import { ApprovalBroker, type AgentRuntime, type SkillGrant } from '../chat'
import { ValidationError, toAppError } from '../errors'
import { HookService, SessionLifecycle } from '../hooks'
import type { AppLogger } from '../log'
import type { SpanHandle, Tracing } from '../telemetry'
import { findSkill, runSkill, SkillCache, type LoadedSkill } from '../skills'
import { builtinToolSpecs, decidePermission, previewFor, ruleFor, runBuiltinTool, shellConfinement, type PermissionInputs, type ShellConfinement } from '../tools'
import type { CapabilityWiring } from './capability'

export type AgentRouteHandlers = CapabilityWiring<'agent'>['handlers']

export interface AgentWiringOptions {
  dataDir: string
  env: Record<string, string | undefined>
  home: string
  logger: AppLogger
  broadcast: <K extends EventName>(name: K, payload: EventPayload<K>) => void
  /** Tools of the connected MCP servers (see core/mcp). */
  mcp?: McpToolSource
  /** A span per hook run (see core/telemetry). */
  tracing?: Tracing
  /** Where Bash runs; by default bubblewrap on Linux, sandbox-exec on macOS, unconfined elsewhere. */
  confinement?: ShellConfinement
}

/** Hooks, skills, built-in tools, permissions and approvals: built once per core. */
export function wireAgent(options: AgentWiringOptions) {
  const log = options.logger.log.child({ component: 'hooks' })
  const hooks = new HookService({ dataDir: options.dataDir, env: options.env, log, onRun: (run) => options.broadcast('hooks.ran', run), ...(options.tracing ? { tracing: options.tracing } : {}) })
  const approvals = new ApprovalBroker()
  /** "Always for this session" answers, by session; they end with the app. */
  const sessionAllows = new Map<string, string[]>()
  const skillsDir = path.join(options.dataDir, 'skills')
  /** Every turn with a workspace asks for the skills; unchanged SKILL.md files are not read again. */
  const skillCache = new SkillCache()
  // Probed on the first shell command, not at start-up (it runs bwrap once).
  let confinement: ShellConfinement | undefined
  /** Bash calls (and their previews) carry the confinement; other tools never trigger the probe. */
  const withShellConfinement = <T extends object>(name: string, ctx: T): T | (T & { confinement: ShellConfinement }) =>
    name === 'Bash'
      ? { ...ctx, confinement: (confinement ??= options.confinement ?? shellConfinement({ platform: process.platform, dataDir: options.dataDir, home: options.home })) }
      : ctx

  const permissionInputs = (workspace: string | null, sessionId: string) => ({
    user: hooks.permissions('user'),
    workspace: workspace ? hooks.permissions('workspace', workspace) : null,
    sessionAllows: sessionAllows.get(sessionId) ?? [],
    roots: workspace ? [workspace] : [],
    cwd: workspace ?? options.home,
  })

  /** Which chats are open, so SessionStart and SessionEnd pair up (core/hooks/session-lifecycle.ts). */
  const lifecycle = new SessionLifecycle((event, fields, ctx) => hooks.fire(event, fields, ctx))

  const runtime: AgentRuntime = {
    hooks,
    sessions: { start: (sessionId, source, ctx) => lifecycle.start(sessionId, source, ctx), takeContext: (sessionId) => lifecycle.takeContext(sessionId) },
    tools: {
      async specs(workspace) {
        const mcpTools = (options.mcp?.tools() ?? []).map(mcpToolSpec)
        if (!workspace) return mcpTools
        const { skills } = await skillsFor(workspace)
        return [...builtinToolSpecs(), ...(skills.length > 0 ? [skillToolSpec(skills.map((s) => s.skill))] : []), ...mcpTools]
      },
      async run(name, input, ctx) {
        if (options.mcp && name.startsWith(MCP_PREFIX)) return options.mcp.callTool(name, input, { signal: ctx.signal, ...(ctx.span ? { span: ctx.span } : {}) })
        if (name !== SKILL_TOOL) return runBuiltinTool(name, input, withShellConfinement(name, ctx))
        const skill = typeof input.skill === 'string' ? input.skill.replace(/^\//, '') : ''
        try {
          const { loaded, result } = await runNamedSkill(skill, typeof input.args === 'string' ? input.args : '', { sessionId: ctx.sessionId ?? null, workspace: ctx.roots[0] ?? null, signal: ctx.signal })
          // Its allowed-tools and model hold for the rest of the turn (see chat/tool-loop.ts).
          return result.allowed ? { ok: true, output: result.content, skill: skillGrant(loaded.skill) } : { ok: false, output: `The skill was not run: ${result.reason ?? 'a SkillTrigger hook denied it'}` }
        } catch (error) {
          return { ok: false, output: toAppError(error).message }
        }
      },
      async preview(name, input, ctx) {
        if (name === SKILL_TOOL) return { summary: `Skill: ${String(input.skill)} ${typeof input.args === 'string' ? input.args : ''}`.trim() }
        if (name.startsWith(MCP_PREFIX)) return { summary: `${name}: ${JSON.stringify(input).slice(0, 300)}` }
        return previewFor(name, input, withShellConfinement(name, ctx))
      },
    },
    permissions: {
      // Skills are the user's own, installed on purpose; their SkillTrigger hooks still decide.
      decide(tool, input, { workspace, sessionId, grants = [] }) {
        if (tool === SKILL_TOOL) return { decision: 'allow', reason: 'skills are installed by you' }
        const inputs = permissionInputs(workspace, sessionId)
        const verdict = decidePermission(tool, input, inputs)
        // A deny rule beats a skill's allowed-tools; asking (or the default mode) does not.
        if (verdict.decision === 'allow' || (verdict.decision === 'deny' && verdict.rule !== undefined)) return verdict
        return grantedBySkill(tool, input, grants, inputs) ?? verdict
      },
      remember(decision, tool, input, { workspace, sessionId }) {
        if (decision === 'deny' || decision === 'allow-once') return
        const where = { roots: workspace ? [workspace] : [], cwd: workspace ?? options.home }
        const rule = ruleFor(decision, tool, input, where)
        if (decision === 'allow-session') {
          sessionAllows.set(sessionId, [...(sessionAllows.get(sessionId) ?? []), rule])
          return
        }
        // "Always": the workspace's settings, or the user's when the chat has no workspace (MCP tools).
        const source = workspace ? 'workspace' : 'user'
        const current: Permissions = hooks.permissions(source, workspace)
        if (!current.allow.includes(rule)) hooks.savePermissions(source, { ...current, allow: [...current.allow, rule] }, workspace)
      },
    },
    approvals,
  }

  const skillsFor = (workspace?: string) => skillCache.discover({ userDir: skillsDir, ...(workspace ? { workspace } : {}), home: options.home })

  /** Runs a skill through its pipeline: SkillTrigger hooks may deny it; its own hooks run its scripts. */
  const runNamedSkill = async (name: string, args: string, ctx: { sessionId: string | null; workspace?: string | null; signal?: AbortSignal }) => {
    const { skills } = await skillsFor(ctx.workspace ?? undefined)
    const loaded: LoadedSkill = findSkill(skills, name)
    const result = await runSkill(loaded, { args, sessionId: ctx.sessionId, ...(ctx.workspace ? { workspace: ctx.workspace } : {}), cwd: ctx.workspace ?? options.home }, hooks)
    return { loaded, result }
  }

  /** The window opened, closed or cleared a chat: SessionStart `resume`, SessionEnd `other` or `clear`. */
  const sessionState = async (session: { id: string; workspace: string | null }, state: 'opened' | 'closed' | 'cleared'): Promise<'SessionStart' | 'SessionEnd' | null> => {
    if (state !== 'opened') return (await lifecycle.end(session.id, state === 'cleared' ? 'clear' : 'other')) ? 'SessionEnd' : null
    const workspace = existingFolder(session.workspace)
    return (await lifecycle.start(session.id, 'resume', { cwd: workspace ?? options.home, workspace })) ? 'SessionStart' : null
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

  return { hooks, approvals, runtime, handlers, streamHandlers: {}, runNamedSkill, fire, lifecycle, sessionState }
}

/** The model runs a skill through this tool, as in Claude Code. */
const SKILL_TOOL = 'Skill'
/** MCP tools are named `mcp__<server>__<tool>`, as in Claude Code, so hook matchers carry over. */
const MCP_PREFIX = 'mcp__'

/** What the chat needs of the MCP client. */
export interface McpToolSource {
  tools(): McpTool[]
  callTool(qualifiedName: string, args: Record<string, unknown>, options: { signal: AbortSignal; span?: SpanHandle }): Promise<{ ok: boolean; output: string }>
}

function mcpToolSpec(tool: McpTool): ToolSpec {
  return { name: tool.qualifiedName, description: `[MCP ${tool.server}] ${tool.description}`.slice(0, 1024), parameters: tool.inputSchema }
}

function skillToolSpec(skills: Skill[]): ToolSpec {
  const list = skills.map((s) => `- ${s.name}: ${s.description.split('\n')[0]}`).join('\n')
  return {
    name: SKILL_TOOL,
    description: `Run one of the user's skills and get its instructions. Available skills:\n${list}`,
    parameters: {
      type: 'object',
      properties: { skill: { type: 'string', enum: skills.map((s) => s.name), description: 'The skill name' }, args: { type: 'string', description: 'Arguments for the skill' } },
      required: ['skill'],
      additionalProperties: false,
    },
  }
}

/** What a skill that ran still grants for the rest of its turn: its allowed-tools and model. */
function skillGrant(skill: Skill): SkillGrant {
  return { skill: skill.name, allowedTools: skill.allowedTools, ...(skill.model ? { model: skill.model } : {}) }
}

/** A tool one of this turn's skills lists in `allowed-tools` runs without asking, as in Claude Code. */
function grantedBySkill(tool: string, input: Record<string, unknown>, grants: SkillGrant[], inputs: PermissionInputs): { decision: 'allow'; reason: string; label: string } | null {
  for (const grant of grants) {
    const rules: Permissions = { allow: grant.allowedTools, deny: [], defaultMode: 'ask' }
    const verdict = decidePermission(tool, input, { ...inputs, user: rules, workspace: null, sessionAllows: [] })
    if (verdict.decision === 'allow') return { decision: 'allow', reason: `Allowed while the skill ${grant.skill} runs (allowed-tools: ${verdict.rule ?? tool}).`, label: `allowed by skill ${grant.skill}` }
  }
  return null
}

/** A session's workspace while it still is a folder; hooks of a chat whose folder is gone run in the home folder. */
function existingFolder(dir: string | null): string | null {
  try {
    return dir && fs.statSync(dir).isDirectory() ? dir : null
  } catch {
    return null
  }
}

/** Workspace-level settings need the workspace they belong to. */
function needWorkspace(source: 'user' | 'workspace', workspace: string | undefined): string | undefined {
  if (source === 'workspace' && !workspace) throw new ValidationError('Name the workspace folder for workspace-level settings.', [{ path: 'workspace', message: 'missing' }])
  return workspace
}

export type AgentWiring = ReturnType<typeof wireAgent>
