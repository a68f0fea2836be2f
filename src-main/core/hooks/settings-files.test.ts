import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { makeTempDir, removeTempDirs } from '../../../test/support/tmp'
import { createLogger } from '../log'
import { HookRunLog } from './run-log'
import { defaultAgentSettings, listEntries, parseHooksLeniently, readAgentSettings, userSettingsFile, workspaceSettingsFile, writeAgentSettings } from './settings-files'

afterAll(removeTempDirs)
const at = Date.UTC(2025, 0, 2, 3, 4, 5)
const now = (): number => at

describe('readAgentSettings', () => {
  it('a missing file gives the defaults without a warning', () => {
    const file = userSettingsFile(makeTempDir())
    expect(readAgentSettings(file, now)).toEqual({ file, settings: defaultAgentSettings(), warning: null, badCopy: null })
    expect(defaultAgentSettings()).toEqual({ hooks: {}, permissions: { allow: [], deny: [], defaultMode: 'ask' }, disabledHooks: [] })
  })

  it('invalid JSON: keeps a .bad copy beside it, uses defaults, warns', () => {
    const file = workspaceSettingsFile(makeTempDir())
    fs.mkdirSync(path.dirname(file))
    fs.writeFileSync(file, '{"hooks": {"Stop": [')
    const read = readAgentSettings(file, now)
    expect(read.settings).toEqual(defaultAgentSettings())
    expect(read.badCopy).toBe(`${file}.bad-2025-01-02T03-04-05-000Z`)
    expect(fs.readFileSync(read.badCopy!, 'utf8')).toBe('{"hooks": {"Stop": [')
    expect(read.warning).toMatch(/is not valid JSON .* The original was kept as .*\.bad-/)
  })

  it('partly invalid: keeps the valid hooks, drops the rest with warnings, and keeps a .bad copy', () => {
    const file = userSettingsFile(makeTempDir())
    fs.writeFileSync(file, JSON.stringify({
      hooks: {
        Stop: [{ hooks: [{ type: 'command', command: 'ok' }, { type: 'prompt', prompt: 'x' }, { type: 'command', command: '' }] }],
        PostCompact: [{ hooks: [{ type: 'command', command: 'unknown event' }] }],
      },
      permissions: { defaultMode: 'yolo' },
      disabledHooks: ['Stop:0:0'],
    }))
    const read = readAgentSettings(file, now)
    expect(read.settings).toEqual({ hooks: { Stop: [{ hooks: [{ type: 'command', command: 'ok' }] }] }, permissions: defaultAgentSettings().permissions, disabledHooks: ['Stop:0:0'] })
    expect(read.warning).toContain('skipped the unknown event "PostCompact"')
    expect(read.warning).toContain('skipped a hook of type "prompt"')
    expect(read.warning).toContain('"permissions" is invalid')
    expect(fs.existsSync(read.badCopy!)).toBe(true)
  })

  it('a JSON array is not settings', () => {
    const file = userSettingsFile(makeTempDir())
    fs.writeFileSync(file, '[]')
    expect(readAgentSettings(file, now).warning).toMatch(/is not a JSON object; using defaults/)
  })
})

describe('writeAgentSettings', () => {
  it('writes atomically (no temp file left) and round-trips', () => {
    const dir = makeTempDir()
    const file = workspaceSettingsFile(dir)
    const settings = { ...defaultAgentSettings(), hooks: { PreToolUse: [{ matcher: 'Bash', hooks: [{ type: 'command' as const, command: 'guard.sh', timeout: 5 }] }] } }
    writeAgentSettings(file, settings)
    expect(fs.readdirSync(path.dirname(file))).toEqual(['settings.json'])
    expect(readAgentSettings(file, now).settings).toEqual(settings)
  })

  it('refuses invalid settings instead of writing them', () => {
    const file = userSettingsFile(makeTempDir())
    expect(() => writeAgentSettings(file, { ...defaultAgentSettings(), disabledHooks: [1 as unknown as string] })).toThrow()
    expect(fs.existsSync(file)).toBe(false)
  })
})

describe('listEntries', () => {
  it('ids are event:matcherIndex:hookIndex with defaults filled in', () => {
    const settings = { ...defaultAgentSettings(), hooks: { Notification: [{ hooks: [{ type: 'command' as const, command: 'a' }] }, { matcher: 'idle_prompt', hooks: [{ type: 'command' as const, command: 'b', timeout: 9 }, { type: 'command' as const, command: 'c' }] }] }, disabledHooks: ['Notification:1:1'] }
    expect(listEntries(settings, 'workspace')).toEqual([
      { id: 'Notification:0:0', source: 'workspace', event: 'Notification', matcher: '', command: 'a', timeout: 60, enabled: true },
      { id: 'Notification:1:0', source: 'workspace', event: 'Notification', matcher: 'idle_prompt', command: 'b', timeout: 9, enabled: true },
      { id: 'Notification:1:1', source: 'workspace', event: 'Notification', matcher: 'idle_prompt', command: 'c', timeout: 60, enabled: false },
    ])
  })
})

describe('parseHooksLeniently', () => {
  it('clamps timeouts Claude Code accepts but we do not', () => {
    const { hooks, warnings } = parseHooksLeniently({ Stop: [{ hooks: [{ type: 'command', command: 'x', timeout: 5000 }, { type: 'command', command: 'y', timeout: 0.2 }] }] }, 'f')
    expect(hooks.Stop?.[0]?.hooks.map((h) => h.timeout)).toEqual([3600, 1])
    expect(warnings).toEqual([])
  })

  it('skips groups without a hooks list or with a non-string matcher', () => {
    const { hooks, warnings } = parseHooksLeniently({ Stop: [{ matcher: 3, hooks: [] }, { nothing: true }], PreToolUse: 'x' }, 'f')
    expect(hooks).toEqual({ Stop: [] })
    expect(warnings).toHaveLength(3)
  })
})

describe('HookRunLog', () => {
  const run = (i: number) => ({ at: i, event: 'Stop' as const, command: `c${i}`, durationMs: 1, exitCode: 0, timedOut: false, decision: 'none' as const, stdout: 'o'.repeat(100), stderr: '' })

  it('keeps the newest runs in memory and cuts the file back when it grows past the limit', () => {
    const file = path.join(makeTempDir(), 'hook-runs.jsonl')
    const log = new HookRunLog(file, createLogger({}).log, { capacity: 5, maxFileBytes: 2000 })
    for (let i = 0; i < 30; i++) log.add(run(i))
    expect(log.recent().map((r) => r.at)).toEqual([25, 26, 27, 28, 29])
    expect(fs.statSync(file).size).toBeLessThanOrEqual(2000)
    const reread = new HookRunLog(file, createLogger({}).log, { capacity: 5 })
    expect(reread.recent().map((r) => r.at)).toEqual([25, 26, 27, 28, 29])
  })

  it('shortens long output and skips damaged lines when reading back', () => {
    const file = path.join(makeTempDir(), 'hook-runs.jsonl')
    const log = new HookRunLog(file, createLogger({}).log, { maxTextChars: 10 })
    log.add(run(1))
    fs.appendFileSync(file, '{"at": 2, "cut sho\n')
    expect(log.recent()[0]?.stdout).toBe('oooooooooo\n[truncated]')
    expect(new HookRunLog(file, createLogger({}).log).recent().map((r) => r.at)).toEqual([1])
  })
})
