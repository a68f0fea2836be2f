import fs from 'node:fs'
import path from 'node:path'
import {
  AgentSettingsSchema,
  HOOK_EVENTS,
  HookCommandSchema,
  HookEventSchema,
  PermissionsSchema,
  type AgentSettings,
  type HookCommand,
  type HookEntry,
  type HookEvent,
  type HooksConfig,
} from '../../../src-shared/contract'
import { issuesOf } from '../errors'
import { userPathError } from '../paths'

export type HookSource = HookEntry['source']

export const DEFAULT_HOOK_TIMEOUT_SEC = 60

export function userSettingsFile(dataDir: string): string {
  return path.join(dataDir, 'agent-settings.json')
}

export function workspaceSettingsFile(workspace: string): string {
  return path.join(workspace, '.ollama-desk', 'settings.json')
}

export function hookEntryId(event: HookEvent, matcherIndex: number, hookIndex: number): string {
  return `${event}:${matcherIndex}:${hookIndex}`
}

export function defaultAgentSettings(): AgentSettings {
  return AgentSettingsSchema.parse({})
}

/** One hook command read leniently: other hook types are skipped, out-of-range timeouts clamped. */
function lenientCommand(raw: unknown, where: string, warnings: string[]): HookCommand | null {
  if (raw !== null && typeof raw === 'object' && 'type' in raw && raw.type !== 'command') {
    warnings.push(`${where}: skipped a hook of type "${String(raw.type)}"; only "command" hooks are supported.`)
    return null
  }
  const value = raw !== null && typeof raw === 'object' && 'timeout' in raw && typeof raw.timeout === 'number'
    ? { ...raw, timeout: Math.min(3600, Math.max(1, Math.round(raw.timeout))) }
    : raw
  const parsed = HookCommandSchema.safeParse(value)
  if (parsed.success) return parsed.data
  const first = issuesOf(parsed.error)[0]
  warnings.push(`${where}: skipped an invalid hook (${first?.path}: ${first?.message}).`)
  return null
}

/**
 * Reads a `hooks` object the way Claude Code writes it, keeping every valid part: unknown events,
 * other hook types and malformed entries are skipped with a warning instead of failing the file.
 */
export function parseHooksLeniently(raw: unknown, where: string): { hooks: HooksConfig; warnings: string[] } {
  const warnings: string[] = []
  const hooks: HooksConfig = {}
  if (raw === undefined || raw === null) return { hooks, warnings }
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    warnings.push(`${where}: "hooks" is not an object; ignored.`)
    return { hooks, warnings }
  }
  for (const [event, groups] of Object.entries(raw)) {
    if (!HookEventSchema.safeParse(event).success) {
      warnings.push(`${where}: skipped the unknown event "${event}" (known: ${HOOK_EVENTS.join(', ')}).`)
      continue
    }
    if (!Array.isArray(groups)) {
      warnings.push(`${where}: skipped "${event}": it is not a list.`)
      continue
    }
    const kept: NonNullable<HooksConfig[HookEvent]> = []
    for (const [index, group] of groups.entries()) {
      const at = `${where} ${event}[${index}]`
      if (group === null || typeof group !== 'object' || !Array.isArray((group as { hooks?: unknown }).hooks)) {
        warnings.push(`${at}: skipped; it has no "hooks" list.`)
        continue
      }
      const { matcher, hooks: commands } = group as { matcher?: unknown; hooks: unknown[] }
      if (matcher !== undefined && typeof matcher !== 'string') {
        warnings.push(`${at}: skipped; "matcher" is not a string.`)
        continue
      }
      const valid = commands.map((c) => lenientCommand(c, at, warnings)).filter((c): c is HookCommand => c !== null)
      kept.push({ ...(matcher === undefined ? {} : { matcher }), hooks: valid })
    }
    hooks[event as HookEvent] = kept
  }
  return { hooks, warnings }
}

/** A whole settings document, keeping what is valid when some part is not. */
function salvage(raw: unknown, file: string): { settings: AgentSettings; warnings: string[] } {
  const strict = AgentSettingsSchema.safeParse(raw)
  if (strict.success) return { settings: strict.data, warnings: [] }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return { settings: defaultAgentSettings(), warnings: [`${file} is not a JSON object; using defaults.`] }
  }
  const doc = raw as Record<string, unknown>
  const { hooks, warnings } = parseHooksLeniently(doc.hooks, file)
  const permissions = PermissionsSchema.safeParse(doc.permissions ?? {})
  if (!permissions.success) warnings.push(`${file}: "permissions" is invalid; using the defaults.`)
  const disabled = AgentSettingsSchema.shape.disabledHooks.safeParse(doc.disabledHooks ?? [])
  if (!disabled.success) warnings.push(`${file}: "disabledHooks" is invalid; ignored.`)
  const settings = AgentSettingsSchema.parse({
    hooks,
    permissions: permissions.success ? permissions.data : {},
    disabledHooks: disabled.success ? disabled.data : [],
  })
  return { settings, warnings }
}

export interface SettingsRead {
  file: string
  settings: AgentSettings
  /** What was wrong with the file; null when it was fine or missing. */
  warning: string | null
  /** Where the damaged original was kept, if it was. */
  badCopy: string | null
}

function keepBadCopy(file: string, now: () => number): string {
  const copy = `${file}.bad-${new Date(now()).toISOString().replace(/[:.]/g, '-')}`
  fs.copyFileSync(file, copy)
  return copy
}

/**
 * Missing → defaults. Unreadable JSON → a `.bad-<time>` copy beside it and defaults. Partly invalid
 * → the valid parts, also with a `.bad` copy, so the next save cannot silently lose the original.
 */
export function readAgentSettings(file: string, now: () => number): SettingsRead {
  let text: string
  try {
    text = fs.readFileSync(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { file, settings: defaultAgentSettings(), warning: null, badCopy: null }
    throw userPathError(error, file, `Cannot read ${file}`, 'Check the workspace folder and the file permissions.')
  }
  let raw: unknown
  try {
    raw = text.trim() === '' ? {} : JSON.parse(text)
  } catch (error) {
    const badCopy = keepBadCopy(file, now)
    const warning = `${file} is not valid JSON (${(error as Error).message}); using defaults. The original was kept as ${badCopy}.`
    return { file, settings: defaultAgentSettings(), warning, badCopy }
  }
  const { settings, warnings } = salvage(raw, file)
  if (warnings.length === 0) return { file, settings, warning: null, badCopy: null }
  const badCopy = keepBadCopy(file, now)
  return { file, settings, warning: `${warnings.join(' ')} The original was kept as ${badCopy}.`, badCopy }
}

/** Write-then-rename so a crash mid-write never leaves a truncated settings file. */
export function writeAgentSettings(file: string, settings: AgentSettings): void {
  const valid = AgentSettingsSchema.parse(settings)
  const temp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true })
    fs.writeFileSync(temp, `${JSON.stringify(valid, null, 2)}\n`, { mode: 0o600 })
    fs.renameSync(temp, file)
  } catch (error) {
    fs.rmSync(temp, { force: true })
    throw userPathError(error, file, `Cannot write ${file}`, 'Check that the folder is writable.')
  }
}

/** Every hook command of one file, flattened, with its id and on/off state. */
export function listEntries(settings: AgentSettings, source: HookSource): HookEntry[] {
  const disabled = new Set(settings.disabledHooks)
  const entries: HookEntry[] = []
  for (const event of HOOK_EVENTS) {
    for (const [matcherIndex, group] of (settings.hooks[event] ?? []).entries()) {
      for (const [hookIndex, hook] of group.hooks.entries()) {
        const id = hookEntryId(event, matcherIndex, hookIndex)
        entries.push({ id, source, event, matcher: group.matcher ?? '', command: hook.command, timeout: hook.timeout ?? DEFAULT_HOOK_TIMEOUT_SEC, enabled: !disabled.has(id) })
      }
    }
  }
  return entries
}

/**
 * Ids are positions, so replacing the hooks would switch the wrong entries off; this carries each
 * disabled hook's state over to where the same (event, matcher, command) now sits.
 */
export function carryDisabled(before: AgentSettings, hooks: HooksConfig): string[] {
  const key = (e: Pick<HookEntry, 'event' | 'matcher' | 'command'>): string => JSON.stringify([e.event, e.matcher, e.command])
  const off = new Set(listEntries(before, 'user').filter((e) => !e.enabled).map(key))
  const after = listEntries({ ...before, hooks, disabledHooks: [] }, 'user')
  return after.filter((e) => off.has(key(e))).map((e) => e.id)
}
