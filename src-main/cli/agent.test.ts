import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { testIo } from '../../test/support/io'
import { makeTempDir, removeTempDirs } from '../../test/support/tmp'
import { runCli } from './run'

afterEach(() => removeTempDirs())

function setup() {
  const home = makeTempDir()
  const dir = makeTempDir()
  const workspace = fs.realpathSync(makeTempDir('ollama-desk-ws-'))
  const run = async (args: string[]) => {
    const io = testIo({ HOME: home })
    const code = await runCli([...args, '--data-dir', dir], io)
    return { code, out: io.stdout(), err: io.stderr() }
  }
  return { home, dir, workspace, run }
}

const settings = (hooks: object) => JSON.stringify({ hooks }, null, 2)

describe('ollama-desk hooks', () => {
  it('lists user and workspace hooks, and says where to add them when there are none', async () => {
    const { dir, workspace, run } = setup()
    expect((await run(['hooks', 'list'])).out).toContain('No hooks. Add them to')
    fs.writeFileSync(path.join(dir, 'agent-settings.json'), settings({ PreToolUse: [{ matcher: 'Bash', hooks: [{ type: 'command', command: './check.sh' }] }] }))
    fs.mkdirSync(path.join(workspace, '.ollama-desk'))
    fs.writeFileSync(path.join(workspace, '.ollama-desk', 'settings.json'), settings({ Stop: [{ hooks: [{ type: 'command', command: 'notify-send done' }] }] }))
    const listed = await run(['hooks', 'list', '--workspace', workspace])
    expect(listed.code).toBe(0)
    expect(listed.out).toMatch(/PreToolUse\s+Bash\s+user\s+on\s+\.\/check\.sh/)
    expect(listed.out).toMatch(/Stop\s+\*\s+workspace\s+on\s+notify-send done/)
  })

  it('test-runs an event exactly as the app would and prints the outcome as JSON, exiting 0 even when blocked', async () => {
    const { dir, run } = setup()
    fs.writeFileSync(path.join(dir, 'agent-settings.json'), settings({ PreToolUse: [{ matcher: 'Bash', hooks: [{ type: 'command', command: 'read p; case "$p" in *rm\\ -rf*) echo "no rm -rf" >&2; exit 2;; esac' }] }] }))
    const payload = path.join(dir, 'payload.json')
    fs.writeFileSync(payload, JSON.stringify({ tool_name: 'Bash', tool_input: { command: 'rm -rf /' } }))
    const blocked = await run(['hooks', 'test', 'PreToolUse', '--payload', payload])
    expect(blocked.code).toBe(0)
    const outcome = JSON.parse(blocked.out) as { allowed: boolean; reason: string; runs: { exitCode: number }[] }
    expect(outcome).toMatchObject({ allowed: false, reason: expect.stringContaining('no rm -rf') })
    expect(outcome.runs[0]!.exitCode).toBe(2)
    const sample = JSON.parse((await run(['hooks', 'test', 'PreToolUse'])).out) as { allowed: boolean }
    expect(sample.allowed).toBe(true)
  })

  it('refuses an unknown event and an unreadable payload clearly', async () => {
    const { run } = setup()
    expect(await run(['hooks', 'test', 'OnSave'])).toMatchObject({ code: 2, err: expect.stringContaining('name an event: Setup, SessionStart') })
    expect(await run(['hooks', 'test', 'Stop', '--payload', '/nonexistent.json'])).toMatchObject({ code: 2, err: expect.stringContaining('cannot read the payload') })
  })

  it('imports hooks from Claude Code’s settings.json', async () => {
    const { home, run } = setup()
    fs.mkdirSync(path.join(home, '.claude'))
    fs.writeFileSync(path.join(home, '.claude', 'settings.json'), settings({ PostToolUse: [{ matcher: 'Write|Edit', hooks: [{ type: 'command', command: 'npx prettier --write' }] }] }))
    const imported = await run(['hooks', 'import', 'claude'])
    expect(imported).toMatchObject({ code: 0, out: expect.stringMatching(/^imported 1 hook\(s\) into .*agent-settings\.json\n$/) })
    expect((await run(['hooks', 'list'])).out).toMatch(/PostToolUse\s+Write\|Edit\s+user\s+on\s+npx prettier --write/)
  })
})

describe('ollama-desk skills', () => {
  it('lists skills and runs one through its pipeline, its own script included', async () => {
    const { dir, run } = setup()
    const skill = path.join(dir, 'skills', 'greet')
    fs.mkdirSync(skill, { recursive: true })
    fs.writeFileSync(
      path.join(skill, 'SKILL.md'),
      '---\nname: greet\ndescription: Says hello\nhooks:\n  SkillTrigger:\n    - hooks:\n        - type: command\n          command: touch ran.marker\n---\nGreet $ARGUMENTS warmly.\n',
    )
    expect((await run(['skills', 'list'])).out).toMatch(/greet\s+user\s+Says hello/)
    const ran = await run(['skills', 'run', 'greet', 'Ada'])
    expect(ran).toMatchObject({ code: 0, out: 'Greet Ada warmly.\n' })
    expect(fs.existsSync(path.join(skill, 'ran.marker'))).toBe(true)
    expect(await run(['skills', 'run', 'nope'])).toMatchObject({ code: 1, err: expect.stringContaining('error: ') })
  })

  it('reports a skill a SkillTrigger hook denies, and runs none of its scripts', async () => {
    const { dir, run } = setup()
    const skill = path.join(dir, 'skills', 'deploy')
    fs.mkdirSync(skill, { recursive: true })
    fs.writeFileSync(path.join(skill, 'SKILL.md'), '---\nname: deploy\ndescription: Deploys\nhooks:\n  SkillTrigger:\n    - hooks:\n        - type: command\n          command: touch ran.marker\n---\nDeploy.\n')
    fs.writeFileSync(path.join(dir, 'agent-settings.json'), settings({ SkillTrigger: [{ matcher: 'deploy', hooks: [{ type: 'command', command: 'echo "not on Fridays" >&2; exit 2' }] }] }))
    const ran = await run(['skills', 'run', 'deploy'])
    expect(ran).toMatchObject({ code: 1, err: expect.stringContaining('not on Fridays') })
    expect(fs.existsSync(path.join(skill, 'ran.marker'))).toBe(false)
  })
})
