import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { closedPort, startFakeServer, type FakeServer } from '../../../test/support/fake-ollama'
import { makeTempDir, removeTempDirs } from '../../../test/support/tmp'
import { runDoctor, type DoctorDeps } from '.'

const servers: FakeServer[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()))
  removeTempDirs()
})

async function deps(overrides: Partial<DoctorDeps> = {}): Promise<DoctorDeps> {
  const server = await startFakeServer()
  servers.push(server)
  const dataDir = makeTempDir()
  return {
    dataDir,
    settingsNotices: [],
    settingsFile: path.join(dataDir, 'settings.json'),
    ollamaHost: server.url,
    // The fake answers (or nothing listens and the connection is refused): never give up on it because the machine is busy.
    ollamaTimeoutMs: 60_000,
    nodeVersion: 'v24.1.0',
    locateElectron: () => '/opt/electron/electron',
    ...overrides,
  }
}

const byId = (checks: Awaited<ReturnType<typeof runDoctor>>) => Object.fromEntries(checks.map((check) => [check.id, check]))

describe('runDoctor', () => {
  it('reports every check ok on a healthy machine, in a fixed order', async () => {
    const d = await deps()
    const checks = await runDoctor(d)
    expect(checks.map((check) => check.id)).toEqual(['node', 'data-dir', 'settings', 'ollama', 'electron'])
    expect(checks.every((check) => check.status === 'ok')).toBe(true)
    const c = byId(checks)
    expect(c.ollama?.detail).toBe(`version 0.12.0 at ${d.ollamaHost}`)
    expect(c.electron?.detail).toBe('/opt/electron/electron')
    expect(c['data-dir']?.detail).toBe(d.dataDir)
    // The write probe leaves nothing behind.
    expect(fs.readdirSync(d.dataDir)).toEqual([])
  })

  it('warns (not fails) when the Electron binary is missing', async () => {
    const c = byId(await runDoctor(await deps({ locateElectron: () => new Error('binary missing at /x') })))
    expect(c.electron).toMatchObject({ status: 'warn', detail: 'desktop window unavailable: binary missing at /x' })
    expect(c.electron?.hint).toMatch(/serve/)
  })

  it('fails Ollama with a hint when nothing listens at the host', async () => {
    const port = await closedPort()
    const c = byId(await runDoctor(await deps({ ollamaHost: `127.0.0.1:${port}` })))
    expect(c.ollama?.status).toBe('fail')
    expect(c.ollama?.detail).toBe(`not reachable at http://127.0.0.1:${port}: connection refused (nothing is listening there)`)
    expect(c.ollama?.hint).toMatch(/ollama serve/)
  })

  it.each([
    ['v22.11.0', 'fail'],
    ['v22.12.0', 'ok'],
    ['v23.0.0', 'ok'],
    ['v20.18.1', 'fail'],
    ['garbage', 'fail'],
  ])('node %s is %s', async (nodeVersion, status) => {
    const c = byId(await runDoctor(await deps({ nodeVersion })))
    expect(c.node?.status).toBe(status)
    if (status === 'fail') expect(c.node?.hint).toMatch(/Node 24/)
  })

  it('fails the data folder when it cannot be created', async () => {
    const parent = makeTempDir()
    const blocker = path.join(parent, 'a-file')
    fs.writeFileSync(blocker, 'x')
    const c = byId(await runDoctor(await deps({ dataDir: path.join(blocker, 'data') })))
    expect(c['data-dir']).toMatchObject({ status: 'fail', detail: expect.stringMatching(/not writable \((ENOTDIR|EEXIST)\)/) })
  })

  it('warns about settings when loading raised a notice', async () => {
    const c = byId(await runDoctor(await deps({ settingsNotices: [{ message: 'was unreadable', hint: 'kept at /x' }] })))
    expect(c.settings).toEqual({ id: 'settings', title: 'Settings', status: 'warn', detail: 'was unreadable', hint: 'kept at /x' })
  })
})
