import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { removeTempDirs } from '../../../test/support/tmp'
import { runBuiltinTool } from './run-tool'
import { makeWorkspace } from './tools.fixture'

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

async function waitFor(check: () => boolean, ms = 3000): Promise<boolean> {
  const until = Date.now() + ms
  while (Date.now() < until) {
    if (check()) return true
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  return check()
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
    const started = Date.now()
    const result = await runBuiltinTool('Bash', { command: `sleep 30 & echo $! > child.pid; echo started; wait`, timeout: 500 }, ctx)
    expect(Date.now() - started).toBeLessThan(5000)
    expect(result.ok).toBe(false)
    expect(result.output).toBe('started\n[Command timed out after 500 ms; it and every process it started were killed.]')
    const childPid = Number(fs.readFileSync(pidFile, 'utf8').trim())
    expect(childPid).toBeGreaterThan(0)
    expect(await waitFor(() => !alive(childPid))).toBe(true)
  })

  it('is cancelled by the signal, killing the tree', async () => {
    const { root, ctx } = makeWorkspace()
    const controller = new AbortController()
    const run = runBuiltinTool('Bash', { command: 'sleep 30 & echo $! > child.pid; wait' }, { ...ctx, signal: controller.signal })
    const pidFile = path.join(root, 'child.pid')
    await waitFor(() => fs.existsSync(pidFile) && fs.readFileSync(pidFile, 'utf8').trim() !== '')
    controller.abort()
    const result = await run
    expect(result).toEqual({ ok: false, output: '(no output)\n[Command cancelled.]' })
    const childPid = Number(fs.readFileSync(pidFile, 'utf8').trim())
    expect(await waitFor(() => !alive(childPid))).toBe(true)
  })

  it('caps the output', async () => {
    const { ctx } = makeWorkspace()
    const result = await runBuiltinTool('Bash', { command: 'head -c 5000 /dev/zero | tr "\\0" x' }, { ...ctx, outputCap: 1000 })
    expect(result.ok).toBe(true)
    expect(result.output).toBe(`${'x'.repeat(1000)}\n[output truncated: 4000 more characters]`)
  })

  it('returns promptly when a background process keeps the pipes open', async () => {
    const { ctx } = makeWorkspace()
    const started = Date.now()
    const result = await runBuiltinTool('Bash', { command: '(sleep 5 &) ; echo quick' }, ctx)
    expect(result).toEqual({ ok: true, output: 'quick' })
    expect(Date.now() - started).toBeLessThan(3000)
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
