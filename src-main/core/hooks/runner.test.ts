import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { makeTempDir, removeTempDirs } from '../../../test/support/tmp'
import { combineOutcomes } from './outcome'
import { runHookCommand, type HookPayload, type RunHookOptions } from './runner'
import { runUntilTimedOut } from '../../../test/support/frozen-clock'

const testdata = path.join(import.meta.dirname, 'testdata')
const hasPython = spawnSync('python3', ['--version']).status === 0
const q = (p: string): string => `'${p.replace(/'/g, `'\\''`)}'`

const interpreters = [
  { name: 'bash', run: (args: string) => `bash ${q(path.join(testdata, 'respond.sh'))} ${args}`, available: true },
  { name: 'node', run: (args: string) => `${q(process.execPath)} ${q(path.join(testdata, 'respond.mjs'))} ${args}`, available: true },
  { name: 'python3', run: (args: string) => `python3 ${q(path.join(testdata, 'respond.py'))} ${args}`, available: hasPython },
]

afterAll(removeTempDirs)

function options(overrides: Partial<RunHookOptions> = {}): RunHookOptions {
  // 30 s: no hook here is meant to time out unless its test says so, however slow the machine.
  return { cwd: makeTempDir('hooks-cwd-'), env: { PATH: process.env.PATH }, projectDir: null, defaultTimeoutSec: 30, maxOutputBytes: 64 * 1024, now: Date.now, ...overrides }
}

const preToolUse: HookPayload = { hook_event_name: 'PreToolUse', session_id: 's1', cwd: '/tmp', tool_name: 'Bash', tool_input: { command: 'git status' } }
const promptSubmit: HookPayload = { hook_event_name: 'UserPromptSubmit', session_id: 's1', cwd: '/tmp', prompt: 'hello' }

/** A zombie is dead too: in containers without an init that reaps orphans, it stays listed. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch {
    return false
  }
  try {
    return fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z'
  } catch {
    return true
  }
}

async function waitUntilDead(pid: number): Promise<void> {
  await vi.waitFor(() => expect(isAlive(pid)).toBe(false))
}

/** The pids a script wrote to `file` ("shell child"), once both are there. */
function pidsIn(file: string): number[] {
  const pids = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim().split(' ').filter(Boolean).map(Number) : []
  return pids.length === 2 ? pids : []
}


for (const lang of interpreters) {
  describe.skipIf(!lang.available)(lang.available ? `hooks written in ${lang.name}` : `hooks written in ${lang.name} (skipped: ${lang.name} is not on PATH)`, () => {
    const run = (mode: string, payload: HookPayload = preToolUse, extra = '') => runHookCommand({ type: 'command', command: lang.run(`${mode} ${extra}`) }, payload, options())

    it('gets the payload as JSON on stdin', async () => {
      const file = path.join(makeTempDir(), 'payload.json')
      const result = await run('allow', preToolUse, q(file))
      expect(result.exitCode).toBe(0)
      expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual(preToolUse)
    })

    it('exit 0 with plain text: success, and the text is context for UserPromptSubmit', async () => {
      const result = await run('plain', promptSubmit)
      expect(result).toMatchObject({ exitCode: 0, decision: 'none', additionalContext: `plain context from ${lang.name === 'python3' ? 'python' : lang.name}` })
      expect(result.error).toBeUndefined()
      const onTool = await run('plain')
      expect(onTool.additionalContext).toBeUndefined()
    })

    it.each([
      ['allow', 'read-only command'],
      ['deny', 'rm is not allowed'],
      ['ask', 'touches the network'],
    ])('exit 0 with permissionDecision %s', async (decision, reason) => {
      const result = await run(decision)
      expect(result).toMatchObject({ exitCode: 0, decision, reason })
    })

    it('exit 0 with updatedInput derived from the payload', async () => {
      const result = await run('update')
      expect(result.updatedInput).toEqual({ command: 'git status --short' })
      expect(result.decision).toBe('allow')
    })

    it('exit 0 with additionalContext under hookSpecificOutput', async () => {
      expect((await run('context', promptSubmit)).additionalContext).toBe('the branch is main')
    })

    it('exit 0 with continue:false and a stopReason', async () => {
      expect(await run('stop')).toMatchObject({ continue: false, stopReason: 'the budget is spent' })
    })

    it('exit 0 with a systemMessage and suppressOutput', async () => {
      expect(await run('system')).toMatchObject({ systemMessage: 'lint passed', suppressOutput: true, decision: 'none' })
    })

    it('exit 0 with the legacy top-level decision "block"', async () => {
      expect(await run('legacy')).toMatchObject({ decision: 'block', reason: 'tests are failing' })
    })

    it('exit 2 blocks with stderr as the reason', async () => {
      const result = await run('block', promptSubmit)
      expect(result).toMatchObject({ exitCode: 2, decision: 'block', reason: 'no secrets in prompts' })
      expect(result.error).toBeUndefined()
    })

    it('exit 1 is a non-blocking error carrying stderr', async () => {
      const result = await run('fail')
      expect(result).toMatchObject({ exitCode: 1, decision: 'error' })
      expect(result.error).toBe('exited with code 1: something broke')
      expect(combineOutcomes('PreToolUse', [result])).toMatchObject({ allowed: true, decision: 'none' })
    })

    it('JSON that does not parse is a non-blocking error', async () => {
      const result = await run('badjson')
      expect(result.decision).toBe('error')
      expect(result.error).toMatch(/^hook printed invalid JSON/)
    })

    it('sees the project directory variables and the given environment', async () => {
      const project = makeTempDir('hooks-project-')
      const cwd = makeTempDir('hooks-cwd-')
      const result = await runHookCommand({ type: 'command', command: lang.run('env') }, promptSubmit, options({ cwd, projectDir: project, env: { PATH: process.env.PATH, HOOK_TEST_VALUE: 'from-env', DROPPED: undefined } }))
      const lines = result.stdout.trim().split('\n')
      for (const key of ['CLAUDE_PROJECT_DIR', 'OLLAMA_DESK_PROJECT_DIR', 'OLLAMA_PROJECT_DIR', 'QARIN_PROJECT_DIR']) expect(lines).toContain(`${key}=${project}`)
      expect(lines).toContain('HOOK_TEST_VALUE=from-env')
      expect(lines).toContain(`PWD=${fs.realpathSync(cwd)}`)
    })
  })
}

describe('runHookCommand: failures that are not the script’s answer', () => {
  it('kills the whole process tree on timeout', async () => {
    const pidFile = path.join(makeTempDir(), 'pids')
    // The 1 s runs out only once both processes of the tree are up (their pids written).
    const result = await runUntilTimedOut(() => runHookCommand({ type: 'command', command: `bash ${q(path.join(testdata, 'tree.sh'))} ${q(pidFile)}`, timeout: 1 }, preToolUse, options()), () => pidsIn(pidFile).length === 2, 1000, 'the hook')
    expect(result).toMatchObject({ timedOut: true, decision: 'error', error: 'timed out after 1 s', exitCode: null })
    const [shell, child] = pidsIn(pidFile)
    await waitUntilDead(shell!)
    await waitUntilDead(child!)
  })

  it('uses the default timeout when the hook has none', async () => {
    const result = await runHookCommand({ type: 'command', command: 'sleep 30' }, preToolUse, options({ defaultTimeoutSec: 1 }))
    // Killed by the 1 s default, not finished on its own.
    expect(result).toMatchObject({ timedOut: true, exitCode: null, error: 'timed out after 1 s' })
  })

  it('caps 10 MB of output per stream without hanging', async () => {
    const script = "process.stdout.write('x'.repeat(10 * 1024 * 1024)); process.stderr.write('y'.repeat(10 * 1024 * 1024))"
    const result = await runHookCommand({ type: 'command', command: `${q(process.execPath)} -e ${q(script)}` }, preToolUse, options({ maxOutputBytes: 1000 }))
    expect(result.exitCode).toBe(0)
    expect(result.stdout).toBe(`${'x'.repeat(1000)}\n[truncated]`)
    expect(result.stderr).toBe(`${'y'.repeat(1000)}\n[truncated]`)
  })

  it('says the interpreter is missing (exit 127 from the shell)', async () => {
    const result = await runHookCommand({ type: 'command', command: 'no-such-interpreter-for-hooks script.sh' }, preToolUse, options())
    expect(result.exitCode).toBe(127)
    expect(result.decision).toBe('error')
    expect(result.error).toMatch(/^could not start: command or interpreter not found \(exit 127\)/)
  })

  it('says when the working folder does not exist', async () => {
    const result = await runHookCommand({ type: 'command', command: 'true' }, preToolUse, options({ cwd: '/definitely/not/here' }))
    expect(result).toMatchObject({ decision: 'error', error: 'could not start: the working folder /definitely/not/here does not exist' })
  })

  it('ignores a script that never reads its stdin, even with a large payload', async () => {
    const big: HookPayload = { ...preToolUse, tool_response: 'z'.repeat(4 * 1024 * 1024) }
    const result = await runHookCommand({ type: 'command', command: 'exit 0' }, big, options())
    expect(result).toMatchObject({ exitCode: 0, decision: 'none' })
    expect(result.error).toBeUndefined()
  })

  it('JSON with wrong field types is a non-blocking error naming the field', async () => {
    const result = await runHookCommand({ type: 'command', command: `echo '{"continue": "no"}'` }, preToolUse, options())
    expect(result.error).toMatch(/does not follow the hooks protocol: continue/)
  })

  it('stops the tree when the signal aborts', async () => {
    const controller = new AbortController()
    const pidFile = path.join(makeTempDir(), 'pids')
    const running = runHookCommand({ type: 'command', command: `bash ${q(path.join(testdata, 'tree.sh'))} ${q(pidFile)}` }, preToolUse, options({ signal: controller.signal }))
    // Aborts once the tree is up, then sees every process of it gone (it would otherwise run for 1000 s).
    await vi.waitFor(() => expect(pidsIn(pidFile)).toHaveLength(2))
    controller.abort()
    const result = await running
    expect(result).toMatchObject({ decision: 'error', error: 'cancelled', timedOut: false, exitCode: null })
    const [shell, child] = pidsIn(pidFile)
    await waitUntilDead(shell!)
    await waitUntilDead(child!)
  })

  it('returns once the shell exits even if a background child keeps the pipes open', async () => {
    const pidFile = path.join(makeTempDir(), 'pid')
    // The child would hold the pipes for 1000 s: the runner returning at all shows it did not wait for them.
    const result = await runHookCommand({ type: 'command', command: `sleep 1000 & echo $! > ${q(pidFile)}; echo done` }, preToolUse, options())
    const child = Number(fs.readFileSync(pidFile, 'utf8'))
    try {
      expect(result).toMatchObject({ exitCode: 0, stdout: 'done\n' })
      // It returned while the child was still running, holding the pipes.
      expect(child).toBeGreaterThan(0)
      expect(isAlive(child)).toBe(true)
    } finally {
      if (child > 0) process.kill(child, 'SIGKILL')
    }
  })

  it('reads PermissionRequest answers given as decision.behavior', async () => {
    const answer = JSON.stringify({ hookSpecificOutput: { hookEventName: 'PermissionRequest', decision: { behavior: 'deny', message: 'not on main' } } })
    const result = await runHookCommand({ type: 'command', command: `echo ${q(answer)}` }, { ...preToolUse, hook_event_name: 'PermissionRequest' }, options())
    expect(result).toMatchObject({ decision: 'deny', reason: 'not on main', event: 'PermissionRequest' })
  })
})
