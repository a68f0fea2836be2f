import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { McpServerConfigSchema } from '../../../src-shared/contract/mcp'
import { makeTempDir, removeTempDirs } from '../../../test/support/tmp'
import { silentLogger } from '../log'
import { McpConnection } from './connection'

/**
 * Real processes on this machine: a stdio server that is a launcher with the real server as its
 * child (as `npx` runs node, or `uvx` python) is gone with its whole tree when the connection stops.
 */

afterAll(removeTempDirs)

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

function pidsIn(file: string): number[] {
  const pids = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim().split(' ').filter(Boolean).map(Number) : []
  return pids.length === 2 ? pids : []
}

describe.skipIf(process.platform === 'win32')('a stdio server started through a launcher', () => {
  it('stopping ends the launcher and the process it started, not only the launcher', async () => {
    const pidFile = path.join(makeTempDir('mcp-tree-'), 'pids')
    // The launcher ignores its stdin closing, like a server that does not notice; its child does not read stdin at all.
    const launcher = [
      `const { spawn } = require('child_process')`,
      `const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' })`,
      `require('fs').writeFileSync(${JSON.stringify(pidFile)}, process.pid + ' ' + child.pid)`,
      `process.stdin.resume(); process.stdin.on('end', () => {}); setInterval(() => {}, 1000)`,
    ].join('\n')
    const config = McpServerConfigSchema.parse({ name: 'tree', transport: 'stdio', command: process.execPath, args: ['-e', launcher] })
    const c = new McpConnection({ config, env: { PATH: process.env.PATH }, log: silentLogger(), initTimeoutMs: 60_000 })
    const starting = c.start()
    await vi.waitFor(() => expect(pidsIn(pidFile)).toHaveLength(2))
    const [launcherPid, childPid] = pidsIn(pidFile)
    try {
      await c.stop()
      await starting
      await vi.waitFor(() => expect([isAlive(launcherPid!), isAlive(childPid!)]).toEqual([false, false]))
    } finally {
      for (const pid of [launcherPid!, childPid!]) if (isAlive(pid)) process.kill(pid, 'SIGKILL')
    }
  })
})
