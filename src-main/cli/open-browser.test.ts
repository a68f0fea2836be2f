import fs from 'node:fs'
import path from 'node:path'
import { EventEmitter } from 'node:events'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { testIo } from '../../test/support/io'
import { makeTempDir, removeTempDirs } from '../../test/support/tmp'

// Never start a real browser from a test: record what would have been spawned.
const spawned = vi.hoisted(() => [] as { cmd: string; args: string[]; options: object; child: { unref: () => void; listeners: string[] } }[])
vi.mock('node:child_process', () => ({
  spawn: (cmd: string, args: string[], options: object) => {
    const child = Object.assign(new EventEmitter(), { unref: vi.fn() })
    spawned.push({ cmd, args, options, child: { unref: child.unref, listeners: [] } })
    const entry = spawned.at(-1)
    child.on('newListener', (name: string) => entry?.child.listeners.push(name))
    return child
  },
}))

const { openInBrowser } = await import('./serve')
const { runCli } = await import('./run')

beforeEach(() => void spawned.splice(0))
afterEach(removeTempDirs)

describe('openInBrowser', () => {
  it.each([
    ['darwin', 'open', ['http://x/']],
    ['win32', 'cmd', ['/c', 'start', '', 'http://x/']],
    ['linux', 'xdg-open', ['http://x/']],
  ] as const)('on %s runs %s', (platform, cmd, args) => {
    openInBrowser('http://x/', platform)
    expect(spawned).toHaveLength(1)
    expect(spawned[0]).toMatchObject({ cmd, args, options: { detached: true, stdio: 'ignore' } })
    expect(spawned[0]?.child.unref).toHaveBeenCalled()
    // A missing opener must not crash the CLI.
    expect(spawned[0]?.child.listeners).toContain('error')
  })

  it('serve opens the tokenised address unless --no-open', async () => {
    const staticDir = makeTempDir()
    fs.writeFileSync(path.join(staticDir, 'index.html'), 'x')
    const io = testIo({ OLLAMA_DESK_RENDERER_DIR: staticDir, OLLAMA_DESK_HOME: makeTempDir() })
    const exit = runCli(['serve', '--port', '0'], io)
    await io.waitForOut('Press Ctrl+C')
    io.stop()
    expect(await exit).toBe(0)
    expect(spawned).toHaveLength(1)
    const address = /Open: (\S+)/.exec(io.stdout())?.[1]
    expect(spawned[0]?.args.at(-1)).toBe(address)
    expect(address).toMatch(/\?token=/)
  })
})
