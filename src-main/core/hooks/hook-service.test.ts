import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { HookRun, HooksConfig } from '../../../src-shared/contract'
import { makeTempDir, removeTempDirs } from '../../../test/support/tmp'
import { ValidationError } from '../errors'
import { createLogger } from '../log'
import { HookNotFoundError, HookService, compileMatcher, type FireContext } from './hook-service'
import { workspaceSettingsFile, userSettingsFile, writeAgentSettings, defaultAgentSettings } from './settings-files'

const testdata = path.join(import.meta.dirname, 'testdata')
const q = (p: string): string => `'${p.replace(/'/g, `'\\''`)}'`
const node = q(process.execPath)

afterAll(removeTempDirs)

function setup(options: { user?: HooksConfig; workspace?: HooksConfig } = {}) {
  const dataDir = makeTempDir('hooks-data-')
  const workspace = makeTempDir('hooks-ws-')
  const lines: string[] = []
  const ran: HookRun[] = []
  if (options.user) writeAgentSettings(userSettingsFile(dataDir), { ...defaultAgentSettings(), hooks: options.user })
  if (options.workspace) writeAgentSettings(workspaceSettingsFile(workspace), { ...defaultAgentSettings(), hooks: options.workspace })
  const log = createLogger({ sink: { write: (line) => lines.push(line) } }).log
  const service = new HookService({ dataDir, env: { PATH: process.env.PATH }, log, onRun: (run) => ran.push(run) })
  const ctx: FireContext = { sessionId: 'session-1', transcriptPath: null, cwd: workspace, workspace }
  return { dataDir, workspace, service, ctx, lines, ran }
}

/** A hook that appends its name to a file, so a test sees which hooks really ran. */
function marker(file: string, name: string) {
  return { type: 'command' as const, command: `echo ${name} >> ${q(file)}` }
}
const ranNames = (file: string): string[] => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim().split('\n').sort() : [])

describe('HookService.fire', () => {
  it('with no hooks for the event returns at once and starts nothing', async () => {
    const out = path.join(makeTempDir(), 'ran')
    const { service, ctx, dataDir } = setup({ user: { PostToolUse: [{ hooks: [marker(out, 'post')] }] } })
    const outcome = await service.fire('PreToolUse', { tool_name: 'Bash', tool_input: {} }, ctx)
    expect(outcome).toEqual({ event: 'PreToolUse', allowed: true, decision: 'none', systemMessages: [], errors: [], runs: [] })
    expect(ranNames(out)).toEqual([])
    expect(fs.existsSync(path.join(dataDir, 'hook-runs.jsonl'))).toBe(false)
  })

  it('sends the payload with the common fields on stdin', async () => {
    const file = path.join(makeTempDir(), 'payload.json')
    const { service, ctx, workspace } = setup({ user: { PreToolUse: [{ matcher: 'Bash', hooks: [{ type: 'command', command: `cat > ${q(file)}` }] }] } })
    await service.fire('PreToolUse', { tool_name: 'Bash', tool_input: { command: 'ls' } }, { ...ctx, transcriptPath: '/t.jsonl' })
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual({ session_id: 'session-1', transcript_path: '/t.jsonl', cwd: workspace, hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command: 'ls' } })
  })

  it('runs only the groups whose matcher fits the tool name, and reports an invalid regex', async () => {
    const out = path.join(makeTempDir(), 'ran')
    const { service, ctx } = setup({
      user: {
        PreToolUse: [
          { matcher: 'Bash', hooks: [marker(out, 'exact')] },
          { matcher: 'Edit|Write', hooks: [marker(out, 'alternatives')] },
          { matcher: '^Ba', hooks: [marker(out, 'regex')] },
          { matcher: '*', hooks: [marker(out, 'star')] },
          { hooks: [marker(out, 'absent')] },
          { matcher: 'Bas', hooks: [marker(out, 'prefix-is-not-a-match')] },
          { matcher: '(unclosed', hooks: [marker(out, 'invalid')] },
        ],
      },
    })
    const outcome = await service.fire('PreToolUse', { tool_name: 'Bash', tool_input: {} }, ctx)
    expect(ranNames(out)).toEqual(['absent', 'exact', 'regex', 'star'])
    expect(outcome.errors).toEqual([expect.stringMatching(/^The PreToolUse matcher "\(unclosed" in .*agent-settings\.json is not a valid regular expression/)])
    expect(outcome.allowed).toBe(true)
  })

  it('matches on ctx.matchOn when given (skill name for SkillTrigger)', async () => {
    const out = path.join(makeTempDir(), 'ran')
    const { service, ctx } = setup({ user: { SkillTrigger: [{ matcher: 'release-.*', hooks: [marker(out, 'release')] }, { matcher: 'other', hooks: [marker(out, 'other')] }] } })
    await service.fire('SkillTrigger', { skill_name: 'ignored', args: '' }, { ...ctx, matchOn: 'release-notes' })
    expect(ranNames(out)).toEqual(['release'])
  })

  it('merges user and workspace hooks, runs an identical command once, and skips disabled ones', async () => {
    const out = path.join(makeTempDir(), 'ran')
    const { service, ctx, workspace } = setup({
      user: { Stop: [{ hooks: [marker(out, 'user'), marker(out, 'shared'), marker(out, 'user-off')] }] },
      workspace: { Stop: [{ hooks: [marker(out, 'workspace'), marker(out, 'shared')] }] },
    })
    service.setEnabled('Stop:0:2', 'user', false, workspace)
    const outcome = await service.fire('Stop', { stop_hook_active: false }, ctx)
    expect(ranNames(out)).toEqual(['shared', 'user', 'workspace'])
    expect(outcome.runs).toHaveLength(3)
    expect(service.entries(workspace).map((e) => [e.source, e.id, e.enabled])).toEqual([
      ['user', 'Stop:0:0', true],
      ['user', 'Stop:0:1', true],
      ['user', 'Stop:0:2', false],
      ['workspace', 'Stop:0:0', true],
      ['workspace', 'Stop:0:1', true],
    ])
    service.setEnabled('Stop:0:2', 'user', true, workspace)
    fs.rmSync(out)
    await service.fire('Stop', { stop_hook_active: false }, ctx)
    expect(ranNames(out)).toEqual(['shared', 'user', 'user-off', 'workspace'])
  })

  it('runs matching hooks in parallel (each sees the other running)', async () => {
    const dir = makeTempDir()
    // Each hook waits for the other to start before it ends: only hooks run at the same time meet.
    const meet = (name: string, peer: string) => ({ type: 'command' as const, command: `${node} ${q(path.join(testdata, 'meet.mjs'))} ${q(dir)} ${name} ${peer}` })
    const { service, ctx } = setup({ user: { PreToolUse: [{ matcher: 'Bash', hooks: [meet('a', 'b')] }], PostToolUse: [] }, workspace: { PreToolUse: [{ hooks: [meet('b', 'a')] }] } })
    const outcome = await service.fire('PreToolUse', { tool_name: 'Bash', tool_input: {} }, ctx)
    expect(outcome.errors).toEqual([])
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'a'), 'utf8'))).toEqual({ met: true })
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'b'), 'utf8'))).toEqual({ met: true })
  })

  it('gives hooks the workspace as OLLAMA_PROJECT_DIR and friends', async () => {
    const { service, ctx, workspace } = setup({ user: { UserPromptSubmit: [{ hooks: [{ type: 'command', command: `${node} ${q(path.join(testdata, 'respond.mjs'))} env` }] }] } })
    const outcome = await service.fire('UserPromptSubmit', { prompt: 'hi' }, ctx)
    expect(outcome.additionalContext).toContain(`OLLAMA_PROJECT_DIR=${workspace}`)
    expect(outcome.additionalContext).toContain(`CLAUDE_PROJECT_DIR=${workspace}`)
  })

  it('combines a deny from one hook with context from another', async () => {
    const { service, ctx } = setup({
      user: { PreToolUse: [{ matcher: 'Bash', hooks: [{ type: 'command', command: `echo 'rm is not allowed' >&2; exit 2` }, { type: 'command', command: `echo '{"additionalContext":"on main"}'` }] }] },
    })
    const outcome = await service.fire('PreToolUse', { tool_name: 'Bash', tool_input: { command: 'rm -rf /' } }, ctx)
    expect(outcome).toMatchObject({ allowed: false, decision: 'deny', reason: 'rm is not allowed', additionalContext: 'on main' })
  })

  it('runConfig runs hooks that are not in a settings file', async () => {
    const { service, ctx } = setup()
    const outcome = await service.runConfig({ SkillTrigger: [{ hooks: [{ type: 'command', command: 'echo "skill says no" >&2; exit 2' }] }] }, 'SkillTrigger', { skill_name: 'x', args: '' }, ctx)
    expect(outcome).toMatchObject({ allowed: false, reason: 'skill says no' })
  })

  it('keeps the last runs, tells the listener, and reads them back after a restart', async () => {
    const { service, ctx, ran, dataDir, lines } = setup({ user: { Notification: [{ hooks: [{ type: 'command', command: 'exit 1' }] }] } })
    await service.fire('Notification', { message: 'm', notification_type: 'idle_prompt' }, ctx)
    expect(ran).toHaveLength(1)
    expect(service.recentRuns()).toEqual(ran)
    expect(lines.some((l) => l.includes('"msg":"hook failed"'))).toBe(true)
    const again = new HookService({ dataDir, env: {}, log: createLogger({}).log })
    expect(again.recentRuns()).toEqual(ran)
  })

  it('a corrupted user file is kept as .bad and the hooks still fire from the workspace', async () => {
    const out = path.join(makeTempDir(), 'ran')
    const { service, ctx, dataDir, lines } = setup({ workspace: { Stop: [{ hooks: [marker(out, 'ws')] }] } })
    fs.writeFileSync(userSettingsFile(dataDir), '{"hooks": {')
    await service.fire('Stop', {}, ctx)
    await service.fire('Stop', {}, ctx)
    expect(ranNames(out)).toEqual(['ws', 'ws'])
    expect(fs.readdirSync(dataDir).filter((f) => f.startsWith('agent-settings.json.bad-'))).toHaveLength(1)
    expect(lines.filter((l) => l.includes('is not valid JSON'))).toHaveLength(1)
  })
  it('an unreadable user file is reported and the workspace hooks still run', async () => {
    const out = path.join(makeTempDir(), 'ran')
    const { service, ctx, dataDir } = setup({ workspace: { Stop: [{ hooks: [marker(out, 'ws')] }] } })
    fs.mkdirSync(userSettingsFile(dataDir))
    const outcome = await service.fire('Stop', {}, ctx)
    expect(ranNames(out)).toEqual(['ws'])
    expect(outcome.errors).toEqual([`Cannot read ${userSettingsFile(dataDir)}: ${userSettingsFile(dataDir)} is a folder, not a file. Its Stop hooks were skipped.`])
  })
})

describe('HookService settings', () => {
  it('save validates the hooks and names the bad field', () => {
    const { service } = setup()
    expect(() => service.save('user', { PreToolUse: [{ hooks: [{ type: 'command', command: 'x', timeout: 0 }] }] })).toThrow(ValidationError)
    expect(() => service.save('user', { NotAnEvent: [] })).toThrow(/Invalid hooks/)
  })

  it('save for a workspace needs the workspace', () => {
    const { service } = setup()
    expect(() => service.save('workspace', {})).toThrow(/Workspace hooks need a workspace folder/)
  })

  it('setEnabled on an unknown id is a not-found error', () => {
    const { service } = setup()
    expect(() => service.setEnabled('Stop:3:0', 'user', false)).toThrow(HookNotFoundError)
  })

  it('save keeps a switched-off hook off where it moved to', () => {
    const { service } = setup({ user: { Stop: [{ hooks: [{ type: 'command', command: 'a' }, { type: 'command', command: 'b' }] }] } })
    service.setEnabled('Stop:0:1', 'user', false)
    const entries = service.save('user', { Stop: [{ hooks: [{ type: 'command', command: 'new' }, { type: 'command', command: 'a' }, { type: 'command', command: 'b' }] }] })
    expect(entries.map((e) => [e.command, e.enabled])).toEqual([['new', true], ['a', true], ['b', false]])
  })

  it('saved files are re-read (edits on disk are picked up)', () => {
    const { service, dataDir } = setup()
    service.save('user', { Stop: [{ hooks: [{ type: 'command', command: 'first' }] }] })
    writeAgentSettings(userSettingsFile(dataDir), { ...defaultAgentSettings(), hooks: { Stop: [{ hooks: [{ type: 'command', command: 'edited by hand', timeout: 5 }] }] } })
    expect(service.entries().map((e) => [e.command, e.timeout])).toEqual([['edited by hand', 5]])
  })

  it('permissions are read and saved per level', () => {
    const { service, workspace } = setup()
    expect(service.permissions('workspace', workspace)).toEqual({ allow: [], deny: [], defaultMode: 'ask' })
    service.savePermissions('workspace', { allow: ['Read'], deny: [], defaultMode: 'allow-reads' }, workspace)
    expect(service.permissions('workspace', workspace).allow).toEqual(['Read'])
    expect(() => service.savePermissions('user', { defaultMode: 'yolo' })).toThrow(ValidationError)
  })

  it('importFrom writes what it imported into the chosen file', () => {
    const { service, workspace } = setup()
    const home = makeTempDir('hooks-home-')
    fs.mkdirSync(path.join(home, '.claude'))
    fs.writeFileSync(path.join(home, '.claude', 'settings.json'), JSON.stringify({ hooks: { Stop: [{ hooks: [{ type: 'command', command: 'say done' }] }] } }))
    expect(service.importFrom('claude', { home, into: 'workspace', workspace })).toMatchObject({ imported: 1, file: workspaceSettingsFile(workspace) })
    expect(service.entries(workspace).map((e) => [e.source, e.command])).toEqual([['workspace', 'say done']])
  })
})

describe('compileMatcher', () => {
  it('follows Claude Code: plain names match exactly, others are regexes', () => {
    expect(compileMatcher('Write')('NotebookWrite')).toBe(false)
    expect(compileMatcher('mcp__.*__write')('mcp__fs__write')).toBe(true)
    expect(compileMatcher('')('anything')).toBe(true)
    expect(() => compileMatcher('[')).toThrow(SyntaxError)
  })
})
