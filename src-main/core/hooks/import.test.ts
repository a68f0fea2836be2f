import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { HooksConfig } from '../../../src-shared/contract'
import { makeTempDir, removeTempDirs } from '../../../test/support/tmp'
import { ConfigError, ValidationError } from '../errors'
import { NoHooksFileError, importHooks, mergeHooks } from './import'

afterAll(removeTempDirs)

function writeJson(file: string, value: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true })
  fs.writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value, null, 2))
}

/** What a real ~/.claude/settings.json looks like: hooks beside permissions, env and model. */
const claudeSettings = {
  model: 'opus',
  permissions: { allow: ['Bash(npm run lint)'], deny: [] },
  env: { FOO: 'bar' },
  hooks: {
    PreToolUse: [{ matcher: 'Bash', hooks: [{ type: 'command', command: '$CLAUDE_PROJECT_DIR/.claude/hooks/guard.sh', timeout: 30 }] }],
    PostToolUse: [{ matcher: 'Edit|Write', hooks: [{ type: 'command', command: 'npx prettier --write "$(jq -r .tool_input.file_path)"' }] }],
    PostCompact: [{ hooks: [{ type: 'command', command: 'echo compacted' }] }],
    Stop: [{ hooks: [{ type: 'command', command: 'notify-send done' }, { type: 'prompt', prompt: 'Is the task finished?' }] }],
  },
}

describe('importHooks', () => {
  it('reads Claude Code’s user settings, skipping unknown events and other hook types with warnings', () => {
    const home = makeTempDir('hooks-home-')
    writeJson(path.join(home, '.claude', 'settings.json'), claudeSettings)
    const result = importHooks('claude', { home })
    expect(result.imported).toBe(3)
    expect(result.files).toEqual([path.join(home, '.claude', 'settings.json')])
    expect(result.hooks).toEqual({
      PreToolUse: claudeSettings.hooks.PreToolUse,
      PostToolUse: claudeSettings.hooks.PostToolUse,
      Stop: [{ hooks: [{ type: 'command', command: 'notify-send done' }] }],
    })
    expect(result.warnings).toEqual([expect.stringContaining('unknown event "PostCompact"'), expect.stringContaining('type "prompt"')])
  })

  it('refuses a named pipe as the file to import, at once (issue 19.4)', () => {
    const dir = makeTempDir('hooks-fifo-')
    execFileSync('mkfifo', [path.join(dir, 'settings.json')])
    expect(() => importHooks('file', { home: dir, path: path.join(dir, 'settings.json') })).toThrow(expect.objectContaining({ code: 'E_VALIDATION', message: expect.stringMatching(/is a named pipe/) }))
  })

  it('adds the workspace’s .claude/settings.json and settings.local.json when a workspace is given', () => {
    const home = makeTempDir('hooks-home-')
    const workspace = makeTempDir('hooks-ws-')
    writeJson(path.join(home, '.claude', 'settings.json'), { hooks: { Stop: [{ hooks: [{ type: 'command', command: 'user-stop' }] }] } })
    writeJson(path.join(workspace, '.claude', 'settings.json'), { hooks: { Stop: [{ hooks: [{ type: 'command', command: 'project-stop' }, { type: 'command', command: 'user-stop' }] }] } })
    writeJson(path.join(workspace, '.claude', 'settings.local.json'), { hooks: { SessionStart: [{ matcher: 'startup', hooks: [{ type: 'command', command: 'cat NOTES.md' }] }] } })
    const result = importHooks('claude', { home, workspace })
    expect(result.imported).toBe(3)
    expect(result.hooks.Stop).toEqual([{ hooks: [{ type: 'command', command: 'user-stop' }, { type: 'command', command: 'project-stop' }] }])
    expect(result.hooks.SessionStart).toEqual([{ matcher: 'startup', hooks: [{ type: 'command', command: 'cat NOTES.md' }] }])
  })

  it('reads ollama-cli’s .ollama/settings.json from the workspace, else from home', () => {
    const home = makeTempDir('hooks-home-')
    const workspace = makeTempDir('hooks-ws-')
    writeJson(path.join(home, '.ollama', 'settings.json'), { model: 'llama3.2', hooks: { UserPromptSubmit: [{ hooks: [{ type: 'command', command: 'python3 ~/.ollama/hooks/check.py' }] }] } })
    writeJson(path.join(workspace, '.ollama', 'settings.json'), { hooks: { PreToolUse: [{ matcher: 'Write', hooks: [{ type: 'command', command: './lint.sh' }] }] } })
    expect(importHooks('ollama-cli', { home }).hooks).toEqual({ UserPromptSubmit: [{ hooks: [{ type: 'command', command: 'python3 ~/.ollama/hooks/check.py' }] }] })
    expect(importHooks('ollama-cli', { home, workspace }).hooks).toEqual({ PreToolUse: [{ matcher: 'Write', hooks: [{ type: 'command', command: './lint.sh' }] }] })
  })

  it('reads qarin’s .qarin/settings.json', () => {
    const home = makeTempDir('hooks-home-')
    writeJson(path.join(home, '.qarin', 'settings.json'), { hooks: { Notification: [{ hooks: [{ type: 'command', command: 'say hi' }] }] } })
    expect(importHooks('qarin', { home }).imported).toBe(1)
  })

  it('merges into the target without duplicating identical commands', () => {
    const home = makeTempDir('hooks-home-')
    writeJson(path.join(home, '.claude', 'settings.json'), claudeSettings)
    const target: HooksConfig = { PreToolUse: [{ matcher: 'Bash', hooks: [{ type: 'command', command: '$CLAUDE_PROJECT_DIR/.claude/hooks/guard.sh' }] }] }
    const first = importHooks('claude', { home, target })
    expect(first.imported).toBe(2)
    expect(first.hooks.PreToolUse).toEqual(target.PreToolUse)
    expect(target.PreToolUse?.[0]?.hooks).toHaveLength(1)
    const again = importHooks('claude', { home, target: first.hooks })
    expect(again.imported).toBe(0)
    expect(again.hooks).toEqual(first.hooks)
  })

  it('imports from a file holding either a settings document or a bare hooks object', () => {
    const dir = makeTempDir()
    writeJson(path.join(dir, 'settings.json'), { hooks: { Stop: [{ hooks: [{ type: 'command', command: 'a' }] }] } })
    writeJson(path.join(dir, 'hooks.json'), { Stop: [{ hooks: [{ type: 'command', command: 'b' }] }] })
    expect(importHooks('file', { home: dir, path: path.join(dir, 'settings.json') }).imported).toBe(1)
    expect(importHooks('file', { home: dir, path: path.join(dir, 'hooks.json') }).hooks).toEqual({ Stop: [{ hooks: [{ type: 'command', command: 'b' }] }] })
  })

  it('a file import needs a path', () => {
    expect(() => importHooks('file', { home: makeTempDir() })).toThrow(ValidationError)
  })

  it('no settings file anywhere is a not-found error listing where it looked', () => {
    const home = makeTempDir('hooks-home-')
    expect(() => importHooks('claude', { home })).toThrow(NoHooksFileError)
    expect(() => importHooks('claude', { home })).toThrow(path.join(home, '.claude', 'settings.json'))
  })

  it('a source that is not JSON is a config error naming the file, and nothing is imported', () => {
    const home = makeTempDir('hooks-home-')
    writeJson(path.join(home, '.ollama', 'settings.json'), '{ not json')
    expect(() => importHooks('ollama-cli', { home })).toThrow(ConfigError)
    expect(() => importHooks('ollama-cli', { home })).toThrow(/\.ollama\/settings\.json is not valid JSON/)
  })
})

describe('mergeHooks', () => {
  it('puts new commands into the group with the same matcher, else a new group', () => {
    const target: HooksConfig = { PreToolUse: [{ matcher: 'Bash', hooks: [{ type: 'command', command: 'a' }] }] }
    const { hooks, added } = mergeHooks(target, { PreToolUse: [{ matcher: 'Bash', hooks: [{ type: 'command', command: 'b' }, { type: 'command', command: 'b' }] }, { matcher: 'Write', hooks: [{ type: 'command', command: 'a' }] }] })
    expect(added).toBe(2)
    expect(hooks.PreToolUse).toEqual([
      { matcher: 'Bash', hooks: [{ type: 'command', command: 'a' }, { type: 'command', command: 'b' }] },
      { matcher: 'Write', hooks: [{ type: 'command', command: 'a' }] },
    ])
  })
})
