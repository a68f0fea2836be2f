import { AppImageUpdater, type AppUpdater } from 'electron-updater'
import { EventEmitter } from 'node:events'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { UpdateStatus, UpdatesSettings } from '../../src-shared/contract'
import { NOT_PACKAGED, UpdateService } from '../core/updates'
import { fakeAppAdapter, NodeHttpExecutor, startUpdateServer, type UpdateServer } from '../../test/updates/update-server'
import { createDesktopUpdater, createUpdaterPort, releaseNotesOf } from './updater'

vi.mock('electron', () => ({ app: { isPackaged: false } }))

// electron-updater's installer step requires `electron` with CommonJS require, which vi.mock does
// not reach; it only emits "before-quit-for-update" on Electron's own autoUpdater.
const electronAutoUpdater = new EventEmitter()
const nodeRequire = createRequire(import.meta.url)
const electronId = nodeRequire.resolve('electron')
const realElectronModule = nodeRequire.cache[electronId]

let server: UpdateServer
let adapter: ReturnType<typeof fakeAppAdapter>
let appImage: string
let settings: UpdatesSettings
let settingsListeners: ((next: UpdatesSettings) => void)[]
let replies: number
let changes: UpdateStatus[]
let services: UpdateService[]

beforeEach(async () => {
  nodeRequire.cache[electronId] = { exports: { autoUpdater: electronAutoUpdater } } as NodeJS.Module
  server = await startUpdateServer()
  adapter = fakeAppAdapter('1.0.0')
  // The running AppImage, which an install replaces (its name has no version, so it keeps it).
  appImage = path.join(adapter.root, 'Ollama-Desk.AppImage')
  fs.writeFileSync(appImage, '#!/bin/sh\nexit 0\n', { mode: 0o755 })
  vi.stubEnv('APPIMAGE', appImage)
  settings = { enabled: true, channel: 'latest', autoDownload: false }
  settingsListeners = []
  replies = 0
  changes = []
  services = []
})

afterEach(async () => {
  services.forEach((service) => service.close())
  vi.unstubAllEnvs()
  if (realElectronModule) nodeRequire.cache[electronId] = realElectronModule
  else delete nodeRequire.cache[electronId]
  await server.close()
  fs.rmSync(adapter.root, { recursive: true, force: true })
})

/** The Linux updater electron-updater uses for an AppImage, at version 1.0.0, reading the loopback feed. */
function realUpdater(app = adapter): AppUpdater {
  const updater = new AppImageUpdater(null, app)
  Object.assign(updater, { httpExecutor: new NodeHttpExecutor() })
  updater.logger = null
  updater.disableDifferentialDownload = true
  return updater
}

/** An UpdateService over the real updater; timers are manual so only the test decides when things run. */
function serviceOver(updater: AppUpdater, packaged = true) {
  const pending: (() => void)[] = []
  const service = new UpdateService({
    port: createUpdaterPort(updater, { packaged, feed: { provider: 'generic', url: server.url } }),
    currentVersion: '1.0.0',
    settings: () => settings,
    onSettingsChange: (listener) => {
      settingsListeners.push(listener)
      return () => undefined
    },
    activeReplies: () => replies,
    changed: (status) => changes.push(status),
    timers: { setTimeout: (fn) => pending.push(fn), clearTimeout: () => undefined },
    now: () => 1_000,
  })
  services.push(service)
  service.start()
  const runTimers = () => pending.splice(0).forEach((fn) => fn())
  return { service, runTimers }
}

const changeSettings = (patch: Partial<UpdatesSettings>) => {
  settings = { ...settings, ...patch }
  settingsListeners.forEach((listener) => listener(settings))
}

const pendingDir = () => path.join(adapter.baseCachePath, 'ollama-desk-updater', 'pending')
const artifactsIn = (dir: string) => (fs.existsSync(dir) ? fs.readdirSync(dir).filter((name) => name.endsWith('.AppImage')) : [])

describe('electron-updater against a loopback feed', () => {
  it('offers a newer version on latest, with its release notes', async () => {
    server.publish('latest', { version: '1.1.0', notes: 'Faster start.\n\n- fixed the sidebar' })
    const { service } = serviceOver(realUpdater())
    const status = await service.check()
    expect(status.update).toEqual({ state: 'available', version: '1.1.0', releaseNotes: 'Faster start.\n\n- fixed the sidebar', releaseDate: '2026-11-20T10:00:00.000Z' })
    expect(status.lastCheckedAt).toBe(1_000)
    expect(server.requests).toContain(`latest-linux${process.arch === 'x64' ? '' : `-${process.arch}`}.yml`)
  })

  it('does not offer the version that is already running', async () => {
    server.publish('latest', { version: '1.0.0' })
    const { service } = serviceOver(realUpdater())
    expect((await service.check()).update).toEqual({ state: 'idle' })
    expect(server.requests.some((request) => request.endsWith('.AppImage'))).toBe(false)
  })

  it('switching to beta offers the beta; back on latest the beta is not offered', async () => {
    server.publish('latest', { version: '1.1.0' })
    server.publish('beta', { version: '1.2.0-beta.1', notes: 'Try the new voice mode.' })
    const { service, runTimers } = serviceOver(realUpdater())
    expect((await service.check()).update).toMatchObject({ state: 'available', version: '1.1.0' })

    changeSettings({ channel: 'beta' })
    expect(service.status()).toMatchObject({ channel: 'beta', update: { state: 'idle' } })
    runTimers() // the switch checks the new channel at once
    await vi.waitFor(() => expect(service.status().update).toMatchObject({ state: 'available', version: '1.2.0-beta.1', releaseNotes: 'Try the new voice mode.' }))
    expect(server.requests.some((request) => request.startsWith('beta-linux'))).toBe(true)

    changeSettings({ channel: 'latest' })
    expect((await service.check()).update).toMatchObject({ state: 'available', version: '1.1.0' })
  })

  it('rejects a tampered artifact by its sha512 and leaves nothing that would install', async () => {
    const { file, artifact } = server.publish('latest', { version: '1.1.0' })
    server.replace(file, Buffer.concat([artifact, Buffer.from('echo pwned\n')]))
    settings.autoDownload = true
    const { service } = serviceOver(realUpdater())

    const status = await service.check()
    expect(status.update).toMatchObject({ state: 'error', code: 'ERR_CHECKSUM_MISMATCH' })
    expect(status.update.state === 'error' && status.update.message).toMatch(/sha512 checksum and was discarded/)
    // Progress may arrive before the checksum is compared; the error comes last, once.
    expect([...new Set(changes.map((change) => change.update.state))]).toEqual(['checking', 'available', 'downloading', 'error'])
    expect(server.requests).toContain(file)
    expect(artifactsIn(pendingDir())).toEqual([])
    expect(() => service.install()).toThrow(/No update has been downloaded/)
    expect(adapter.quits).toBe(0)
    expect(fs.readFileSync(appImage, 'utf8')).toBe('#!/bin/sh\nexit 0\n')
  })

  it('downloads in the background with progress, waits for a streaming reply, then installs', async () => {
    const { artifact } = server.publish('latest', { version: '1.1.0', artifact: Buffer.from(`#!/bin/sh\n# ${'x'.repeat(200_000)}\nexit 0\n`) })
    settings.autoDownload = true
    const { service, runTimers } = serviceOver(realUpdater())

    expect((await service.check()).update).toMatchObject({ state: 'downloaded', version: '1.1.0' })
    const progress = changes.flatMap((change) => (change.update.state === 'downloading' ? [change.update.progress] : []))
    expect(progress.at(-1)).toMatchObject({ percent: 100, transferred: artifact.length, total: artifact.length })
    expect(artifactsIn(pendingDir())).toEqual(['ollama-desk-1.1.0-linux-x86_64.AppImage'])

    replies = 1
    expect(service.install()).toMatchObject({ installPending: true, installBlockedBy: expect.stringMatching(/reply is streaming/) })
    runTimers()
    expect(adapter.quits).toBe(0)
    expect(fs.readFileSync(appImage, 'utf8')).toBe('#!/bin/sh\nexit 0\n')

    replies = 0
    runTimers()
    await vi.waitFor(() => expect(adapter.quits).toBe(1))
    expect(fs.readFileSync(appImage).equals(artifact)).toBe(true)
    expect(service.status()).toMatchObject({ installPending: false, installBlockedBy: null })
  })

  it('when not packaged reports it plainly and never touches the network', async () => {
    server.publish('latest', { version: '1.1.0' })
    const unpackaged = fakeAppAdapter('1.0.0', false)
    try {
      const { service, runTimers } = serviceOver(realUpdater(unpackaged), unpackaged.isPackaged)
      runTimers()
      expect(service.status().update).toEqual({ state: 'disabled', reason: NOT_PACKAGED })
      await expect(service.check()).rejects.toMatchObject({ code: 'E_UNSUPPORTED', message: NOT_PACKAGED })
      const desktop = new UpdateService({ ...serviceDeps(), port: createDesktopUpdater({ isPackaged: false }) })
      expect(desktop.status().update).toEqual({ state: 'disabled', reason: NOT_PACKAGED })
      expect(createDesktopUpdater().packaged).toBe(false) // Electron's app.isPackaged
      expect(server.requests).toEqual([])
    } finally {
      fs.rmSync(unpackaged.root, { recursive: true, force: true })
    }
  })

  it('a packaged build reads OLLAMA_DESK_UPDATE_URL as its generic feed', async () => {
    server.publish('latest', { version: '1.3.0' })
    server.publish('beta', { version: '1.4.0-beta.2' })
    let loads = 0
    const port = createDesktopUpdater({ isPackaged: true, env: { OLLAMA_DESK_UPDATE_URL: server.url }, load: () => (loads++, realUpdater()) })
    const progress: number[] = []
    port.on((event) => event.type === 'progress' && progress.push(event.progress.percent))
    port.configure({ channel: 'beta' })
    expect(loads).toBe(0) // built on the first check, not at start
    await expect(port.check()).resolves.toMatchObject({ version: '1.4.0-beta.2' })
    port.configure({ channel: 'latest' })
    await expect(port.check()).resolves.toMatchObject({ version: '1.3.0' })
    await port.download()
    expect(progress.at(-1)).toBe(100)
    expect(loads).toBe(1)
    port.quitAndInstall()
    await vi.waitFor(() => expect(adapter.quits).toBe(1))
  })

  it('the development stand-in refuses every call without a network request', async () => {
    const port = createDesktopUpdater({ isPackaged: false })
    port.configure({ channel: 'beta' })
    const off = port.on(() => undefined)
    off()
    await expect(port.check()).rejects.toThrow('not packaged')
    await expect(port.download()).rejects.toThrow('not packaged')
    port.quitAndInstall()
    expect(server.requests).toEqual([])
  })
})

describe('feed failures become clear errors, never a crash', () => {
  it('a channel file the server does not have (404)', async () => {
    const { service } = serviceOver(realUpdater())
    const status = await service.check()
    expect(status.update).toMatchObject({ state: 'error', code: 'ERR_UPDATER_CHANNEL_FILE_NOT_FOUND' })
    expect(status.update.state === 'error' && status.update.message).toMatch(/has no latest-linux.*\.yml for this channel \(HTTP 404\)/)
  })

  it('a malformed channel file', async () => {
    for (const name of ['latest-linux.yml', `latest-linux-${process.arch}.yml`]) server.serve(name, 200, 'version: [1.1.0\nfiles: {{{')
    const { service } = serviceOver(realUpdater())
    const status = await service.check()
    expect(status.update).toMatchObject({ state: 'error', code: 'ERR_UPDATER_INVALID_UPDATE_INFO' })
    expect(status.update.state === 'error' && status.update.message).toMatch(/^The update feed is malformed: Cannot parse update info/)
  })

  it('a server that is down', async () => {
    const { service } = serviceOver(realUpdater())
    await server.close()
    const status = await service.check()
    expect(status.update).toMatchObject({ state: 'error', code: 'ECONNREFUSED', message: expect.stringMatching(/Could not reach the update server/) })
  })
})

describe('release notes', () => {
  it('takes a string as it is and joins per-version notes', () => {
    expect(releaseNotesOf({ releaseNotes: 'Fixes.' })).toBe('Fixes.')
    expect(releaseNotesOf({ releaseNotes: '  ' })).toBeNull()
    expect(releaseNotesOf({ releaseNotes: null })).toBeNull()
    expect(releaseNotesOf({ releaseNotes: [{ version: '1.1.0', note: 'New.' }, { version: '1.0.5', note: null }, { version: '1.0.4', note: 'Old.' }] })).toBe('## 1.1.0\n\nNew.\n\n## 1.0.4\n\nOld.')
    expect(releaseNotesOf({ releaseNotes: [{ version: '1.1.0', note: null }] })).toBeNull()
  })
})

function serviceDeps() {
  return {
    currentVersion: '1.0.0',
    settings: () => settings,
    onSettingsChange: () => () => undefined,
    activeReplies: () => 0,
    changed: () => undefined,
    timers: { setTimeout: () => 0, clearTimeout: () => undefined },
    now: () => 0,
  }
}
