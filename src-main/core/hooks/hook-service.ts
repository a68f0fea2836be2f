import fs from 'node:fs'
import path from 'node:path'
import {
  HooksConfigSchema,
  PermissionsSchema,
  type AgentSettings,
  type HookCommand,
  type HookEntry,
  type HookEvent,
  type HookOutcome,
  type HookRun,
  type HooksConfig,
  type Permissions,
} from '../../../src-shared/contract'
import { AppError, ValidationError, parseOrThrow, toAppError } from '../errors'
import type { Logger } from '../log'
import { ATTR, SPAN, noopTracing, type SpanHandle, type Tracing } from '../telemetry'
import { importHooks, type HookImportSource } from './import'
import { combineOutcomes, failedVerdict, toHookRun, type HookRunResult } from './outcome'
import { matchSubjectOf, samplePayload } from './payloads'
import { HookRunLog } from './run-log'
import { runHookCommand, type HookPayload, type RunHookCommand } from './runner'
import {
  DEFAULT_HOOK_TIMEOUT_SEC,
  carryDisabled,
  hookEntryId,
  listEntries,
  readAgentSettings,
  userSettingsFile,
  workspaceSettingsFile,
  writeAgentSettings,
  type HookSource,
  type SettingsRead,
} from './settings-files'

export interface HookServiceDeps {
  dataDir: string
  /** The environment hooks run with (the app's own, usually). */
  env: Record<string, string | undefined>
  log: Logger
  /** Called after every hook run, e.g. to emit `hooks.ran`. */
  onRun?: (run: HookRun) => void
  now?: () => number
  runCommand?: RunHookCommand
  defaultTimeoutSec?: number
  maxOutputBytes?: number
  /** A span per hook run (under the chat's span when the fire context has one). */
  tracing?: Tracing
}

export interface FireContext {
  sessionId: string | null
  transcriptPath?: string | null
  cwd: string
  workspace?: string | null
  /** What matchers are tested against; by default the event's subject field (tool_name …). */
  matchOn?: string
  signal?: AbortSignal
  /** The span the hook runs belong under (a chat, a tool call). */
  span?: SpanHandle
}

export class HookNotFoundError extends AppError {
  constructor(id: string, source: HookSource) {
    super('E_NOT_FOUND', `There is no ${source} hook with the id "${id.slice(0, 200)}".`, {
      hint: 'The hooks may have been edited meanwhile; reload the list.',
    })
  }
}

const SIMPLE_MATCHER = /^[A-Za-z0-9_|]+$/

/** Claude Code's matcher rules: empty or `*` match all; plain names (`Edit|Write`) match exactly; anything else is a regex. */
export function compileMatcher(matcher: string | undefined): (subject: string) => boolean {
  const m = matcher ?? ''
  if (m === '' || m === '*') return () => true
  if (SIMPLE_MATCHER.test(m)) {
    const names = new Set(m.split('|'))
    return (subject) => names.has(subject)
  }
  const regex = new RegExp(m)
  return (subject) => regex.test(subject)
}

interface Cached {
  stamp: string
  read: SettingsRead
}

/** Hooks from one place (a settings file, a skill), with the ones switched off. */
interface HookConfigSource {
  hooks: HooksConfig
  disabled: ReadonlySet<string>
  label: string
}

/** Runs the user's lifecycle hooks and manages the files they are configured in. */
export class HookService {
  private readonly now: () => number
  private readonly runCommand: RunHookCommand
  private readonly runLog: HookRunLog
  private readonly cache = new Map<string, Cached>()
  private readonly matchers = new Map<string, ((subject: string) => boolean) | Error>()

  constructor(private readonly deps: HookServiceDeps) {
    this.now = deps.now ?? Date.now
    this.runCommand = deps.runCommand ?? runHookCommand
    this.runLog = new HookRunLog(path.join(deps.dataDir, 'hook-runs.jsonl'), deps.log)
  }

  files(workspace?: string | null): { userFile: string; workspaceFile: string | null } {
    return { userFile: this.fileOf('user'), workspaceFile: workspace ? this.fileOf('workspace', workspace) : null }
  }

  /** One settings file, re-read only when it changed on disk. */
  settings(source: HookSource, workspace?: string | null): SettingsRead {
    const file = this.fileOf(source, workspace)
    let stamp: string
    try {
      const stat = fs.statSync(file)
      stamp = `${stat.mtimeMs}:${stat.size}:${stat.ino}`
    } catch {
      this.cache.delete(file)
      return readAgentSettings(file, this.now)
    }
    const cached = this.cache.get(file)
    if (cached?.stamp === stamp) return cached.read
    const read = readAgentSettings(file, this.now)
    if (read.warning) this.deps.log.warn({ file, badCopy: read.badCopy }, read.warning)
    this.cache.set(file, { stamp, read })
    return read
  }

  entries(workspace?: string | null): HookEntry[] {
    const user = listEntries(this.settings('user').settings, 'user')
    return workspace ? [...user, ...listEntries(this.settings('workspace', workspace).settings, 'workspace')] : user
  }

  setEnabled(id: string, source: HookSource, enabled: boolean, workspace?: string | null): HookEntry[] {
    const current = this.settings(source, workspace).settings
    if (!listEntries(current, source).some((e) => e.id === id)) throw new HookNotFoundError(id, source)
    const disabledHooks = current.disabledHooks.filter((d) => d !== id)
    if (!enabled) disabledHooks.push(id)
    this.write(source, workspace, { ...current, disabledHooks })
    return this.entries(workspace)
  }

  /** Replaces one file's hooks after validating them; switched-off hooks stay off. */
  save(source: HookSource, hooks: unknown, workspace?: string | null): HookEntry[] {
    const valid = parseOrThrow(HooksConfigSchema, hooks, 'hooks')
    const current = this.settings(source, workspace).settings
    this.write(source, workspace, { ...current, hooks: valid, disabledHooks: carryDisabled(current, valid) })
    return this.entries(workspace)
  }

  permissions(source: HookSource, workspace?: string | null): Permissions {
    return this.settings(source, workspace).settings.permissions
  }

  savePermissions(source: HookSource, permissions: unknown, workspace?: string | null): Permissions {
    const valid = parseOrThrow(PermissionsSchema, permissions, 'permissions')
    this.write(source, workspace, { ...this.settings(source, workspace).settings, permissions: valid })
    return valid
  }

  /** Copies another tool's hooks into one of our files; returns how many commands were new. */
  importFrom(from: HookImportSource, options: { home: string; into: HookSource; workspace?: string | null; path?: string }): { imported: number; file: string; warnings: string[] } {
    const current = this.settings(options.into, options.workspace).settings
    const result = importHooks(from, { home: options.home, workspace: options.workspace ?? null, target: current.hooks, ...(options.path ? { path: options.path } : {}) })
    for (const warning of result.warnings) this.deps.log.warn({ from }, warning)
    if (result.imported > 0) this.write(options.into, options.workspace, { ...current, hooks: result.hooks })
    return { imported: result.imported, file: this.fileOf(options.into, options.workspace), warnings: result.warnings }
  }

  recentRuns(): HookRun[] {
    return this.runLog.recent()
  }

  /** Runs an event's hooks with its sample payload (or the given one), exactly as a chat would. */
  test(event: HookEvent, payload: Record<string, unknown> | undefined, ctx: FireContext): Promise<HookOutcome> {
    return this.fire(event, payload ?? samplePayload(event), ctx)
  }

  /**
   * Runs every enabled hook of `event` whose matcher fits, in parallel, and combines their answers.
   * With none configured it returns at once without starting a process.
   */
  fire(event: HookEvent, fields: Record<string, unknown>, ctx: FireContext): Promise<HookOutcome> {
    const workspace = ctx.workspace ?? null
    const sources: HookSource[] = workspace ? ['user', 'workspace'] : ['user']
    const configs: HookConfigSource[] = []
    const unreadable: string[] = []
    for (const source of sources) {
      try {
        const { settings, file } = this.settings(source, workspace)
        configs.push({ hooks: settings.hooks, disabled: new Set(settings.disabledHooks), label: file })
      } catch (error) {
        // An unreadable settings file must not fail the chat turn; its hooks are skipped and said so.
        unreadable.push(`${toAppError(error).message} Its ${event} hooks were skipped.`)
      }
    }
    return this.runConfigs(event, fields, ctx, configs, unreadable)
  }

  /** Hooks that are not in a settings file (a skill's own, from its SKILL.md), run the same way. */
  runConfig(hooks: HooksConfig, event: HookEvent, fields: Record<string, unknown>, ctx: FireContext): Promise<HookOutcome> {
    return this.runConfigs(event, fields, ctx, [{ hooks, disabled: new Set(), label: 'the skill’s hooks' }])
  }

  private async runConfigs(event: HookEvent, fields: Record<string, unknown>, ctx: FireContext, configs: HookConfigSource[], unreadable: string[] = []): Promise<HookOutcome> {
    const subject = ctx.matchOn ?? matchSubjectOf(event, fields)
    const plan = this.plan(event, subject, configs)
    const { planned } = plan
    const errors = [...unreadable, ...plan.errors]
    if (planned.length === 0) return combineOutcomes(event, [], errors)

    const payload: HookPayload = {
      session_id: ctx.sessionId,
      transcript_path: ctx.transcriptPath ?? null,
      cwd: ctx.cwd,
      ...fields,
      hook_event_name: event,
    }
    const options = {
      cwd: ctx.cwd,
      env: this.deps.env,
      projectDir: ctx.workspace ?? null,
      defaultTimeoutSec: this.deps.defaultTimeoutSec ?? DEFAULT_HOOK_TIMEOUT_SEC,
      maxOutputBytes: this.deps.maxOutputBytes ?? 256 * 1024,
      now: this.now,
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    }
    const results = await Promise.all(planned.map((hook) => this.runTraced(hook, payload, options, ctx.span)))
    for (const result of results) this.record(result)
    return combineOutcomes(event, results, errors)
  }

  private async runTraced(hook: HookCommand, payload: HookPayload, options: Parameters<RunHookCommand>[2], parent: SpanHandle | undefined): Promise<HookRunResult> {
    const event = payload.hook_event_name
    const span = parent ? parent.child(SPAN.hook(event), { [ATTR.hookEvent]: event }) : (this.deps.tracing ?? noopTracing).startSpan(SPAN.hook(event), { [ATTR.hookEvent]: event })
    const result = await this.runOne(hook, payload, options)
    // The command line is left out: it may hold tokens or paths the user would not share.
    span.set({ [ATTR.hookExitCode]: result.exitCode, [ATTR.hookDecision]: result.decision, [ATTR.hookTimedOut]: result.timedOut })
    if (result.error) span.recordError(result.timedOut ? 'timeout' : 'hook_failed')
    span.end()
    return result
  }

  private async runOne(hook: HookCommand, payload: HookPayload, options: Parameters<RunHookCommand>[2]): Promise<HookRunResult> {
    try {
      return await this.runCommand(hook, payload, options)
    } catch (error) {
      // The runner reports failures in its result; this only guards an injected one.
      const at = this.now()
      const base = { at, event: payload.hook_event_name, command: hook.command, durationMs: 0, exitCode: null, timedOut: false, stdout: '', stderr: '' }
      return { ...base, ...failedVerdict(`could not run: ${(error as Error).message}`) }
    }
  }

  private record(result: HookRunResult): void {
    const run = toHookRun(result)
    this.runLog.add(run)
    const fields = { event: run.event, command: run.command, exitCode: run.exitCode, decision: run.decision, durationMs: run.durationMs }
    if (result.error) this.deps.log.warn({ ...fields, error: result.error }, 'hook failed')
    else this.deps.log.info(fields, 'hook ran')
    try {
      this.deps.onRun?.(run)
    } catch (error) {
      this.deps.log.warn({ err: error }, 'hook run listener failed')
    }
  }

  /** The enabled hooks of both files whose matcher fits, each command once (as Claude Code does). */
  private plan(event: HookEvent, subject: string | undefined, configs: HookConfigSource[]): { planned: HookCommand[]; errors: string[] } {
    const planned: HookCommand[] = []
    const errors: string[] = []
    const seen = new Set<string>()
    for (const { hooks, disabled, label } of configs) {
      const groups = hooks[event]
      if (!groups || groups.length === 0) continue
      for (const [matcherIndex, group] of groups.entries()) {
        const matches = this.matcher(group.matcher)
        if (matches instanceof Error) {
          errors.push(`The ${event} matcher "${group.matcher}" in ${label} is not a valid regular expression (${matches.message}); its hooks were skipped.`)
          continue
        }
        if (subject !== undefined && !matches(subject)) continue
        for (const [hookIndex, hook] of group.hooks.entries()) {
          if (disabled.has(hookEntryId(event, matcherIndex, hookIndex)) || seen.has(hook.command)) continue
          seen.add(hook.command)
          planned.push(hook)
        }
      }
    }
    return { planned, errors }
  }

  private matcher(matcher: string | undefined): ((subject: string) => boolean) | Error {
    const key = matcher ?? ''
    let compiled = this.matchers.get(key)
    if (compiled === undefined) {
      try {
        compiled = compileMatcher(matcher)
      } catch (error) {
        compiled = error as Error
      }
      this.matchers.set(key, compiled)
    }
    return compiled
  }

  private fileOf(source: HookSource, workspace?: string | null): string {
    if (source === 'user') return userSettingsFile(this.deps.dataDir)
    if (!workspace) throw new ValidationError('Workspace hooks need a workspace folder.', [{ path: 'workspace', message: 'Required for source "workspace".' }])
    return workspaceSettingsFile(path.resolve(workspace))
  }

  private write(source: HookSource, workspace: string | null | undefined, settings: AgentSettings): void {
    const file = this.fileOf(source, workspace)
    writeAgentSettings(file, settings)
    this.cache.delete(file)
  }
}
