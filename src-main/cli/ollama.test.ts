import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { linuxPaths, stopLinux, defaultInstallerEnv } from '../core/installer'
import { fakeLinuxArchive, startReleaseServer, type ReleaseServer } from '../core/installer/testdata/release-server'
import { closedPort } from '../../test/support/fake-ollama'
import { testIo } from '../../test/support/io'
import { makeTempDir, removeTempDirs } from '../../test/support/tmp'
import { commandHelp, type Io } from './command'
import { ollamaCommand } from './ollama'
import { runCli } from './run'

const runOllama = (argv: string[], io: Io) => runCli(['ollama', ...argv], io)

const homes: string[] = []
const servers: ReleaseServer[] = []
afterEach(async () => {
  for (const home of homes.splice(0)) await stopLinux(defaultInstallerEnv({ platform: 'linux', home }))
  for (const server of servers.splice(0)) await server.close()
  removeTempDirs()
})

async function setup(faults = {}, artifacts?: Map<string, Buffer>) {
  const release = await startReleaseServer({ faults, ...(artifacts ? { artifacts } : {}) })
  servers.push(release)
  const home = makeTempDir('ollama-desk-cli-home-')
  homes.push(home)
  const host = `127.0.0.1:${await closedPort()}`
  return { release, home, host, env: { HOME: home, OLLAMA_HOST: host, PATH: process.env.PATH } }
}

describe('ollama command', () => {
  it('status → install (progress lines) → status → stop → start → uninstall, against the fake release', async () => {
    const { release, home, host, env } = await setup({ drops: 1 })
    let io = testIo(env)
    expect(await runOllama(['status'], io)).toBe(1)
    expect(io.stdout()).toBe(`stopped    nothing answers at http://${host}\ninstalled  none found\n`)

    io = testIo(env)
    expect(await runOllama(['install', '--base-url', release.url, '--service', 'process'], io), io.stderr()).toBe(0)
    expect(io.stdout()).toMatch(/^detect\ndownload {2}http:\/\/127\.0\.0\.1:\d+\/ollama-linux-amd64\.tar\.zst\n/)
    expect(io.stdout()).toMatch(/ {2}\d+\.\d MB \/ \d+\.\d MB {2}\d+\.\d MB\/s/)
    expect(io.stdout()).toContain('connection lost; resuming')
    expect(io.stdout()).toMatch(/installed {2}Ollama 0\.99\.0-fake \(.*\/\.local\/share\/ollama-desk\/ollama\/bin\/ollama\), started as process\n$/)

    io = testIo(env)
    expect(await runOllama(['status', '--json'], io)).toBe(0)
    expect(JSON.parse(io.stdout())).toMatchObject({ host: { reachable: true, version: '0.99.0-fake' }, managed: true })
    io = testIo(env)
    expect(await runOllama(['install', '--base-url', release.url], io)).toBe(0)
    expect(io.stdout()).toContain('already here; nothing to do')

    io = testIo(env)
    expect(await runOllama(['stop'], io)).toBe(0)
    expect(io.stdout()).toMatch(/^stopped {2}ollama serve \(pid \d+\)\n$/)
    io = testIo(env)
    expect(await runOllama(['start', '--service', 'process'], io)).toBe(0)
    expect(io.stdout()).toContain('started  Ollama 0.99.0-fake (process)')
    io = testIo(env)
    expect(await runOllama(['uninstall'], io)).toBe(0)
    expect(io.stdout()).toContain(linuxPaths(home).installDir)
    expect(fs.existsSync(linuxPaths(home).installDir)).toBe(false)
    io = testIo(env)
    expect(await runOllama(['uninstall'], io)).toBe(0)
    expect(io.stdout()).toBe('nothing of ours was installed\n')
  })

  it('Ctrl+C during the download cancels cleanly and installs nothing', async () => {
    // 128 chunks of 16 KiB, 200 ms apart: Ctrl+C lands long before the download could end, however busy the machine.
    const big = fakeLinuxArchive([{ name: 'lib/ollama/blob.bin', data: randomBytes(2 * 1024 * 1024) }])
    const { release, home, env } = await setup({ slowMs: 200 }, new Map([['ollama-linux-amd64.tar.zst', big]]))
    const io = testIo(env)
    const exit = runOllama(['install', '--base-url', release.url, '--service', 'process'], io)
    await io.waitForOut('download')
    io.stop()
    expect(await exit).toBe(1)
    expect(io.stderr()).toContain('cancelled')
    expect(fs.existsSync(linuxPaths(home).installDir)).toBe(false)
  })

  it('a mirror that serves a bad checksum twice fails with a hint; usage errors exit 2', async () => {
    const { release, env } = await setup({ corrupt: 2 })
    let io = testIo(env)
    expect(await runOllama(['install', '--base-url', release.url, '--service', 'process'], io)).toBe(1)
    expect(io.stderr()).toMatch(/did not match the release's checksum, twice\.\nhint: Nothing was installed/)
    io = testIo(env)
    expect(await runOllama(['frobnicate'], io)).toBe(2)
    io = testIo(env)
    expect(await runOllama(['start', '--service', 'nope'], io)).toBe(2)
    io = testIo(env)
    expect(await runOllama(['start', '--service', 'process'], io)).toBe(1)
    expect(io.stderr()).toContain('not installed by Ollama Desk')
    expect(commandHelp(ollamaCommand)).toContain('--base-url')
  })
})
