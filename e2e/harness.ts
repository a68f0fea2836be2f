import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { chromium, type Browser } from 'playwright-core'

export const root = path.resolve(import.meta.dirname, '..')
export const screenshotDir = path.join(root, 'e2e', 'screenshots')

/** A stand-in Ollama on loopback with no models yet: the version probe and empty lists, as the real server answers. */
export async function startFakeOllama(version = '0.12.6'): Promise<{ host: string; close(): Promise<void> }> {
  const answers: Record<string, unknown> = { '/api/version': { version }, '/api/tags': { models: [] }, '/api/ps': { models: [] } }
  const server = http.createServer((req, res) => {
    const answer = answers[req.url ?? '']
    if (answer) {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify(answer))
    } else {
      res.writeHead(404)
      res.end('404 page not found')
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    host: `127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}

export interface Companion {
  url: string
  origin: string
  token: string
  dataDir: string
  stop(): Promise<void>
}

/**
 * Starts the real CLI (`ollama-desk serve`) over the real core, in a temp data dir (or in
 * `options.dataDir`, prepared beforehand, e.g. seeded; it is removed on stop as well). Setup counts
 * as done unless `options.firstRun`.
 */
export async function startCompanion(env: Record<string, string> = {}, options: { dataDir?: string; firstRun?: boolean } = {}): Promise<Companion> {
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'ollama-desk-e2e-'))
  // Setup has been done, unless a test walks the first-run wizard itself.
  const settingsFile = path.join(dataDir, 'settings.json')
  if (!options.firstRun && !fs.existsSync(settingsFile)) fs.writeFileSync(settingsFile, JSON.stringify({ version: 1, onboarding: { completed: true }, analytics: { consent: 'denied' } })) // the consent question has its own test
  const child: ChildProcess = spawn(process.execPath, [path.join(root, 'bin', 'ollama-desk.js'), 'serve', '--port', '0', '--no-open', '--data-dir', dataDir], {
    // No release check against GitHub from the tests, and a home of its own: the app looks in
    // ~/.claude and ~/.ollama for skills, hooks and sessions to import, never the tester's.
    env: { ...process.env, OLLAMA_DESK_RELEASE_API: 'off', HOME: fs.mkdtempSync(path.join(os.tmpdir(), 'ollama-desk-e2e-home-')), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not print its URL:\n${output}`)), 30_000)
    const onData = (chunk: Buffer): void => {
      output += chunk.toString()
      const match = /Open: (http:\/\/\S+)/.exec(output)
      if (match?.[1]) {
        clearTimeout(timer)
        resolve(match[1])
      }
    }
    child.stdout?.on('data', onData)
    child.stderr?.on('data', onData)
    child.on('exit', (code) => reject(new Error(`serve exited with ${code}:\n${output}`)))
  })
  const parsed = new URL(url)
  return {
    url,
    origin: parsed.origin,
    token: parsed.searchParams.get('token') ?? '',
    dataDir,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve))
        child.kill('SIGTERM')
        await exited
      }
      fs.rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

/** `extraArgs`: more Chromium switches (e.g. a fake microphone for the voice test). */
export function launchBrowser(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', ...extraArgs],
  })
}

export interface ProviderFakes {
  openai: string
  backup: string
  ollama: string
  /** Scripts replies or injects faults: see test/support/fakes/serve.ts. */
  control(body: { target: string; script?: unknown[]; fault?: unknown; times?: number }): Promise<void>
  stats(): Promise<Record<string, { requests: number; aborted: number }>>
  stop(): Promise<void>
}

/** The loopback fakes of the OpenAI and Ollama wire protocols (the same ones the unit tests use), as a child process. */
export async function startProviderFakes(): Promise<ProviderFakes> {
  const built = spawnSync(process.execPath, [path.join(root, 'scripts', 'run-tool.js'), '--build-only', 'test/support/fakes/serve.ts'], { cwd: root, encoding: 'utf8' })
  if (built.status !== 0) throw new Error(`could not build the fake servers:\n${built.stderr}`)
  const bundle = built.stdout.trim().split('\n').at(-1) ?? ''
  const child = spawn(process.execPath, [bundle], { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  const urls = await new Promise<Record<string, string>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`fake servers did not start:\n${output}`)), 20_000)
    const onData = (chunk: Buffer): void => {
      output += chunk.toString()
      const match = /^FAKES (.+)$/m.exec(output)
      if (match?.[1]) {
        clearTimeout(timer)
        resolve(JSON.parse(match[1]) as Record<string, string>)
      }
    }
    child.stdout?.on('data', onData)
    child.stderr?.on('data', onData)
    child.on('exit', (code) => reject(new Error(`fake servers exited with ${code}:\n${output}`)))
  })
  const control = urls.control ?? ''
  return {
    openai: urls.openai ?? '',
    backup: urls.backup ?? '',
    ollama: urls.ollama ?? '',
    async control(body) {
      const response = await fetch(control, { method: 'POST', body: JSON.stringify(body) })
      if (!response.ok) throw new Error(`control ${response.status}: ${await response.text()}`)
    },
    async stats() {
      return (await (await fetch(control)).json()) as Record<string, { requests: number; aborted: number }>
    },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve))
        child.kill('SIGTERM')
        await exited
      }
    },
  }
}
