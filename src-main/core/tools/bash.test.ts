import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { removeTempDirs } from '../../../test/support/tmp'
import { runBuiltinTool } from './run-tool'
import { makeWorkspace } from './tools.fixture'
import { runUntilTimedOut } from '../../../test/support/frozen-clock'

afterEach(removeTempDirs)

const posix = process.platform !== 'win32'

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

async function waitUntilGone(pid: number): Promise<void> {
  await vi.waitFor(() => expect(alive(pid)).toBe(false))
}

/** The pid a command wrote to `file`, or 0 while it has not yet. */
function pidIn(file: string): number {
  return fs.existsSync(file) ? Number(fs.readFileSync(file, 'utf8').trim()) : 0
}


describe.runIf(posix)('Bash', () => {
  it('runs in the workspace and combines stdout and stderr in order', async () => {
    const { ctx, root } = makeWorkspace()
    const result = await runBuiltinTool('Bash', { command: 'pwd; echo out; echo err 1>&2; echo done' }, ctx)
    expect(result).toEqual({ ok: true, output: `${root}\nout\nerr\ndone` })
  })

  it('reports a non-zero exit code as a failure with the output', async () => {
    const { ctx } = makeWorkspace()
    expect(await runBuiltinTool('Bash', { command: 'echo nope; exit 3' }, ctx)).toEqual({ ok: false, output: 'nope\n[exit code 3]' })
    expect(await runBuiltinTool('Bash', { command: 'true' }, ctx)).toEqual({ ok: true, output: '(no output)' })
  })

  it('kills the whole process tree on timeout', async () => {
    const { ctx, root } = makeWorkspace()
    const pidFile = path.join(root, 'child.pid')
    // The 500 ms run out only once the command printed and started its child (whose pid it writes last).
    const run = () => runBuiltinTool('Bash', { command: `echo started; sleep 30 & echo $! > child.pid; wait`, timeout: 500 }, ctx)
    const result = await runUntilTimedOut(run, () => pidIn(pidFile) > 0, 500, 'the command')
    expect(result.ok).toBe(false)
    expect(result.output).toBe('started\n[Command timed out after 500 ms; it and every process it started were killed.]')
    const childPid = pidIn(pidFile)
    expect(childPid).toBeGreaterThan(0)
    await waitUntilGone(childPid)
  })

  it('is cancelled by the signal, killing the tree', async () => {
    const { root, ctx } = makeWorkspace()
    const controller = new AbortController()
    const run = runBuiltinTool('Bash', { command: 'sleep 30 & echo $! > child.pid; wait' }, { ...ctx, signal: controller.signal })
    const pidFile = path.join(root, 'child.pid')
    await vi.waitFor(() => expect(pidIn(pidFile)).toBeGreaterThan(0))
    controller.abort()
    const result = await run
    expect(result).toEqual({ ok: false, output: '(no output)\n[Command cancelled.]' })
    await waitUntilGone(pidIn(pidFile))
  })

  it('caps the output', async () => {
    const { ctx } = makeWorkspace()
    const result = await runBuiltinTool('Bash', { command: 'head -c 5000 /dev/zero | tr "\\0" x' }, { ...ctx, outputCap: 1000 })
    expect(result.ok).toBe(true)
    expect(result.output).toBe(`${'x'.repeat(1000)}\n[output truncated: 4000 more characters]`)
  })

  it('returns promptly when a background process keeps the pipes open', async () => {
    const { ctx, root } = makeWorkspace()
    // The background child would hold the pipes for 1000 s: returning at all shows the tool did not wait for them.
    const result = await runBuiltinTool('Bash', { command: '(sleep 1000 & echo $! > bg.pid) ; echo quick' }, ctx)
    const child = pidIn(path.join(root, 'bg.pid'))
    try {
      expect(result).toEqual({ ok: true, output: 'quick' })
      // It returned while the child was still running, holding the pipes.
      expect(child).toBeGreaterThan(0)
      expect(alive(child)).toBe(true)
    } finally {
      if (child > 0) process.kill(child, 'SIGKILL')
    }
  })

  it('validates the timeout', async () => {
    const { ctx } = makeWorkspace()
    const result = await runBuiltinTool('Bash', { command: 'true', timeout: 600_001 }, ctx)
    expect(result.ok).toBe(false)
    expect(result.error?.code).toBe('E_VALIDATION')
    expect(result.output).toMatch(/^Invalid Bash input at "timeout": /)
    expect((await runBuiltinTool('Bash', { command: '' }, ctx)).output).toBe('Invalid Bash input at "command": command is empty.')
  })
})
