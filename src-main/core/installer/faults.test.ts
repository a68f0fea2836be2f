import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { closedPort } from '../../../test/support/fake-ollama'
import { makeTempDir, removeTempDirs } from '../../../test/support/tmp'
import { RELIABILITY_SCALE, scaled } from '../../../test/support/reliability'
import type { AppError } from '../errors'
import { downloadVerified } from './download'
import { installLinux, uninstallLinux } from './linux'
import { linuxPaths, stopLinux, type LinuxPaths } from './linux-service'
import { startReleaseServer, type Faults } from './testdata/release-server'
import { defaultInstallerEnv, nodeFs, nodeRunner, sleep, type InstallerEnv, type InstallerFs, type InstallPhase } from './types'

afterAll(() => removeTempDirs())

function rng(seed: number) {
  let state = seed >>> 0
  return () => ((state = (state * 1664525 + 1013904223) >>> 0) / 2 ** 32)
}

type Scenario =
  | { kind: 'drops' | 'unavailable'; count: number }
  | { kind: 'corrupt'; count: number }
  | { kind: 'slow' }
  | { kind: 'cancel'; phase: InstallPhase }
  | { kind: 'enospc' }
  | { kind: 'eacces' }

const phases: InstallPhase[] = ['detect', 'download', 'verify', 'extract', 'install', 'start', 'health']

function scenarioFor(random: () => number, run: number): Scenario {
  const kinds = ['drops', 'unavailable', 'corrupt', 'slow', 'cancel', 'enospc', 'eacces'] as const
  const kind = kinds[run % kinds.length] as (typeof kinds)[number]
  if (kind === 'drops') return { kind, count: 1 + Math.floor(random() * 4) }
  if (kind === 'unavailable') return { kind, count: 1 + Math.floor(random() * 2) }
  if (kind === 'corrupt') return { kind, count: random() < 0.75 ? 1 : 2 }
  if (kind === 'cancel') return { kind, phase: phases[Math.floor(random() * phases.length)] as InstallPhase }
  return { kind }
}

/** Fails writes with ENOSPC after `bytes`, or mkdir of the data folder with EACCES. */
function faultyFs(scenario: Scenario, home: string): InstallerFs {
  let written = 0
  const budget = 1500
  return {
    ...nodeFs,
    async mkdir(p) {
      if (scenario.kind === 'eacces' && p.startsWith(linuxPaths(home).dataRoot)) throw Object.assign(new Error(`EACCES: permission denied, mkdir '${p}'`), { code: 'EACCES' })
      return nodeFs.mkdir(p)
    },
    async openAppend(p, truncate) {
      const handle = await nodeFs.openAppend(p, truncate)
      return {
        close: handle.close,
        async write(data) {
          written += data.byteLength
          if (scenario.kind === 'enospc' && written > budget) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' })
          return handle.write(data)
        },
      }
    },
  }
}

function snapshot(paths: LinuxPaths) {
  const read = (p: string) => (fs.existsSync(p) ? fs.readFileSync(p, 'utf8') : undefined)
  const link = fs.existsSync(paths.link) || fs.lstatSync(paths.link, { throwIfNoEntry: false }) ? fs.readlinkSync(paths.link) : undefined
  return { binary: read(paths.binary), marker: read(path.join(paths.installDir, 'previous.txt')), link, unit: fs.existsSync(paths.unitFile) }
}

describe('fault matrix over seeded runs', () => {
  it('succeeds ≥95% where success is possible, and every failure leaves the previous state', async () => {
    const runs = scaled(42)
    const random = rng(20261126)
    let possible = 0
    let succeeded = 0
    const failures: string[] = []
    for (let run = 0; run < runs; run++) {
      const scenario = scenarioFor(random, run)
      const faults: Faults = {}
      if (scenario.kind === 'drops') faults.drops = scenario.count
      if (scenario.kind === 'unavailable') faults.unavailable = scenario.count
      if (scenario.kind === 'corrupt') faults.corrupt = scenario.count
      if (scenario.kind === 'slow') faults.slowMs = 30
      const release = await startReleaseServer({ faults })
      const home = makeTempDir('ollama-desk-fault-')
      const paths = linuxPaths(home)
      const withPrevious = random() < 0.5
      if (withPrevious) {
        fs.mkdirSync(path.join(paths.installDir, 'bin'), { recursive: true })
        fs.writeFileSync(paths.binary, '#!/bin/sh\necho previous\n', { mode: 0o755 })
        fs.writeFileSync(path.join(paths.installDir, 'previous.txt'), 'previous install')
        fs.mkdirSync(path.dirname(paths.link), { recursive: true })
        fs.symlinkSync(paths.binary, paths.link)
      }
      const before = snapshot(paths)
      const controller = new AbortController()
      const env: InstallerEnv = defaultInstallerEnv({
        platform: 'linux',
        arch: 'x64',
        home,
        fs: faultyFs(scenario, home),
        runner: { ...nodeRunner, run: async (c, a, o) => (c === 'systemctl' ? { code: 1, stdout: '', stderr: '' } : nodeRunner.run(c, a, o)) },
        sleep: (ms, signal) => sleep(Math.min(ms, 20), signal),
      })
      const canSucceed = !['cancel', 'enospc', 'eacces'].includes(scenario.kind) && !(scenario.kind === 'corrupt' && scenario.count > 1)
      if (canSucceed) possible++
      try {
        await installLinux(env, {
          baseUrl: release.url,
          host: `127.0.0.1:${await closedPort()}`,
          service: 'process',
          // Generous: the fake Ollama only has to start, however busy the machine.
          healthTimeoutMs: 30_000,
          signal: controller.signal,
          onEvent: (event) => {
            if (scenario.kind === 'cancel' && event.type === 'phase' && event.phase === scenario.phase) controller.abort()
          },
        })
        if (canSucceed) succeeded++
        else failures.push(`run ${run} ${JSON.stringify(scenario)} succeeded unexpectedly`)
        expect(fs.readFileSync(paths.binary, 'utf8')).toContain('serve')
        expect(fs.existsSync(path.join(paths.installDir, 'previous.txt'))).toBe(false)
        await uninstallLinux(env)
      } catch (error) {
        const code = (error as AppError).code
        if (canSucceed) failures.push(`run ${run} ${JSON.stringify(scenario)}: ${code} ${(error as Error).message}`)
        expect((error as AppError).message, JSON.stringify(scenario)).toBeTruthy()
        expect(code).not.toBe('E_INTERNAL')
        // The previous state, exactly: no half-extracted tree, no dangling link or unit.
        expect(snapshot(paths), JSON.stringify(scenario)).toEqual(before)
        const leftovers = fs.existsSync(paths.dataRoot) ? fs.readdirSync(paths.dataRoot).filter((name) => name.startsWith('.ollama-')) : []
        expect(leftovers).toEqual([])
        const parts = fs.existsSync(paths.downloads) ? fs.readdirSync(paths.downloads) : []
        if (code !== 'E_CANCELLED') expect(parts, JSON.stringify(scenario)).toEqual([])
        expect(parts.filter((name) => !name.endsWith('.part'))).toEqual([])
        expect(fs.existsSync(paths.pidFile)).toBe(false)
        await stopLinux(env)
      } finally {
        await release.close()
      }
    }
    const rate = succeeded / possible
    console.log(`installer fault matrix: ${succeeded}/${possible} installs succeeded where success was possible (${(rate * 100).toFixed(1)}%), ${runs} seeded runs`)
    expect(failures).toEqual([])
    expect(rate).toBeGreaterThanOrEqual(0.95)
  }, 120_000 * RELIABILITY_SCALE)
})

describe('checksum verification', () => {
  it('a mismatch twice fails clearly and never leaves an executable (or any file) on disk', async () => {
    const release = await startReleaseServer({ faults: { corrupt: 2 } })
    const home = makeTempDir()
    const env = defaultInstallerEnv({ platform: 'linux', arch: 'x64', home, sleep: (ms, s) => sleep(Math.min(ms, 10), s) })
    try {
      await expect(installLinux(env, { baseUrl: release.url, host: `127.0.0.1:${await closedPort()}`, service: 'process' })).rejects.toMatchObject({
        code: 'E_IO',
        message: expect.stringContaining('did not match'),
        hint: expect.stringContaining('Nothing was installed'),
      })
      const files = fs.readdirSync(home, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile())
      expect(files).toEqual([])
      expect(release.requests.filter((r) => r.path.endsWith('.tar.zst'))).toHaveLength(2)
    } finally {
      await release.close()
    }
  })

  it('resumes a dropped download with a Range request and reports progress with speed and ETA', async () => {
    const dir = makeTempDir()
    const part = path.join(dir, 'ollama-linux-amd64.tar.zst.part')
    // Each drop waits until the client has stored what it got: it then resumes from there with a Range
    // request. (Dropped before, the bytes are lost in transit and the retry starts from zero.)
    const holdDrop = (sentUpTo: number) => vi.waitFor(() => expect(fs.statSync(part, { throwIfNoEntry: false })?.size ?? 0).toBeGreaterThanOrEqual(sentUpTo))
    const release = await startReleaseServer({ faults: { drops: 2, holdDrop } })
    const env = defaultInstallerEnv({ sleep: (ms, s) => sleep(Math.min(ms, 10), s) })
    const events: unknown[] = []
    try {
      const file = await downloadVerified(env, { baseUrl: release.url, fileName: 'ollama-linux-amd64.tar.zst', dir, onEvent: (e) => events.push(e) })
      expect(fs.readFileSync(file).equals(release.artifacts.get('ollama-linux-amd64.tar.zst') as Buffer)).toBe(true)
      expect(release.requests.filter((r) => r.range).length).toBe(2)
      expect(events).toContainEqual(expect.objectContaining({ type: 'progress', bytesPerSecond: expect.any(Number) }))
      await expect(downloadVerified(env, { baseUrl: release.url, fileName: 'missing.bin', dir })).rejects.toMatchObject({ code: 'E_NOT_FOUND' })
    } finally {
      await release.close()
    }
  })
})
