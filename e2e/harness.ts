import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { chromium, type Browser, type BrowserContextOptions, type Locator, type Page } from 'playwright-core'
import { listenOnLoopback } from '../test/support/loopback-server.ts'

export const root = path.resolve(import.meta.dirname, '..')
/**
 * Where screenshots land: a git-ignored folder, so a test run leaves the working tree clean.
 * `npm run screenshots` points this at the committed e2e/screenshots/ to refresh them on purpose.
 */
export const screenshotDir = process.env.OLLAMA_DESK_SCREENSHOTS ? path.resolve(process.env.OLLAMA_DESK_SCREENSHOTS) : path.join(root, 'e2e', '.tmp', 'screenshots')

export interface FakeOllama {
  host: string
  close(): Promise<void>
}

/** A stand-in Ollama on loopback with no models yet: the version probe and empty lists, as the real server answers. */
export async function startFakeOllama(version = '0.12.6'): Promise<FakeOllama> {
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
  const { port, close } = await listenOnLoopback(server)
  return { host: `127.0.0.1:${port}`, close }
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
  if (!options.firstRun && !fs.existsSync(settingsFile)) fs.writeFileSync(settingsFile, JSON.stringify({ version: 1, onboarding: { completed: true }, analytics: { consent: 'denied' }, chat: { autoTitle: false } })) // titles would be one more request to the fakes; chat-settings.e2e.ts turns them on // the consent question has its own test
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

/**
 * How long any wait in an end-to-end test may take: far above a plausible delay, because the e2e
 * tests run beside the unit tests on a busy 2-core machine. Waits end as soon as their condition
 * holds; tests assert what the user sees, never how fast.
 */
export const E2E_WAIT_MS = 60_000

/** Waits until `check` is true (polling every 50 ms), failing with `what` after {@link E2E_WAIT_MS}. */
export async function eventually(check: () => boolean | Promise<boolean>, what: string | (() => string)): Promise<void> {
  const deadline = performance.now() + E2E_WAIT_MS
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`never true: ${typeof what === 'string' ? what : what()}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
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
  /** The chat request bodies one fake received, oldest first. */
  bodies(target: string): Promise<unknown[]>
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
    async bodies(target) {
      return (await (await fetch(`${control}?bodies=${encodeURIComponent(target)}`)).json()) as unknown[]
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

export interface OpenAppOptions {
  /** Where the companion finds Ollama; without it, a fresh startFakeOllama() that closes with the app. */
  ollamaHost?: string
  /** More environment for the companion (HOME, release URLs, ...). */
  env?: Record<string, string>
  /** A data dir prepared beforehand (see startCompanion). */
  dataDir?: string
  firstRun?: boolean
  /** Runs once the companion is up, before the browser starts: e.g. files in its data dir. */
  beforeBrowser?: (companion: Companion) => void | Promise<void>
  /** More Chromium switches (see launchBrowser). */
  browserArgs?: string[]
  /** Over the default 1280×900 light page. */
  page?: BrowserContextOptions
  /** Runs on the new page before it loads the app: e.g. listeners for its errors. */
  onPage?: (page: Page) => void
  /** The first-run wizard shows instead of the Chat screen, so there is nothing to wait for. */
  skipChatWait?: boolean
}

export interface OpenApp {
  browser: Browser
  companion: Companion
  page: Page
  /** The fake Ollama openApp started (none when `ollamaHost` was given). */
  ollama?: FakeOllama
  /** Closes the browser, stops the companion, then closes the fake Ollama. */
  close(): Promise<void>
}

/**
 * The web companion over the real core, open in Chromium: the Chat screen has loaded unless
 * `skipChatWait`. If a step fails, what was already started is stopped before the error is thrown.
 */
export async function openApp(options: OpenAppOptions = {}): Promise<OpenApp> {
  fs.mkdirSync(screenshotDir, { recursive: true })
  const closers: (() => Promise<unknown>)[] = []
  const close = async (): Promise<void> => {
    for (const closer of closers.splice(0).reverse()) await closer()
  }
  try {
    const ollama = options.ollamaHost === undefined ? await startFakeOllama() : undefined
    if (ollama) closers.push(() => ollama.close())
    const companion = await startCompanion({ OLLAMA_HOST: options.ollamaHost ?? ollama?.host ?? '', ...options.env }, { dataDir: options.dataDir, firstRun: options.firstRun })
    closers.push(() => companion.stop())
    await options.beforeBrowser?.(companion)
    const browser = await launchBrowser(options.browserArgs)
    closers.push(() => browser.close())
    // A context of its own (not browser.newPage()): the axe check opens a helper page in the same context.
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: 'light', ...options.page })).newPage()
    page.setDefaultTimeout(E2E_WAIT_MS)
    options.onPage?.(page)
    await page.goto(companion.url)
    if (!options.skipChatWait) await page.getByRole('heading', { level: 1, name: 'Chat' }).waitFor()
    return { browser, companion, page, ollama, close }
  } catch (error) {
    await close()
    throw error
  }
}

export type OpenAppWithFakes = OpenApp & { fakes: ProviderFakes }

/** openApp with the scriptable provider fakes (startProviderFakes) as its Ollama; they stop after the app closes. */
export async function openAppWithFakes(options: Omit<OpenAppOptions, 'ollamaHost'> = {}): Promise<OpenAppWithFakes> {
  const fakes = await startProviderFakes()
  try {
    const app = await openApp({ ...options, ollamaHost: fakes.ollama })
    const close = async (): Promise<void> => {
      await app.close()
      await fakes.stop()
    }
    return { ...app, fakes, close }
  } catch (error) {
    await fakes.stop()
    throw error
  }
}

/** Opens a screen through the sidebar, by its link's exact label. */
export function goTo(page: Page, screen: string): Promise<void> {
  return page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: screen, exact: true }).click()
}

/** The `<section>` whose heading is exactly `heading` (a Settings card, for one). */
export function sectionTitled(page: Page, heading: string): Locator {
  return page.locator('section', { has: page.getByRole('heading', { name: heading, exact: true }) })
}

/** Saves a screenshot of a page (`fullPage` for all of it) or of one element as `<screenshotDir>/<name>.png`. */
export async function shoot(target: Page | Locator, name: string, options: { fullPage?: boolean } = {}): Promise<void> {
  await target.screenshot({ path: path.join(screenshotDir, `${name}.png`), ...options })
}

/**
 * The four looks a screen is checked in: 1280×800 and 1024×700, light and dark (named
 * `NAME-1280x800-light` …), then back to 1280×800 light. `prepare` runs before each shot (a
 * layout that changes with the size); `scrollTo` is brought to the middle of the view first.
 */
export async function shootLooks(page: Page, name: string, options: { prepare?: () => Promise<void>; scrollTo?: Locator } = {}): Promise<void> {
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme })
    await eventually(async () => (await page.evaluate(() => document.documentElement.dataset.theme)) === scheme, `the ${scheme} theme applied`)
    for (const [width, height] of [[1280, 800], [1024, 700]] as const) {
      await page.setViewportSize({ width, height })
      await options.prepare?.()
      await options.scrollTo?.evaluate((element) => element.scrollIntoView({ block: 'center' }))
      await shoot(page, `${name}-${width}x${height}-${scheme}`)
    }
  }
  await page.emulateMedia({ colorScheme: 'light' })
  await page.setViewportSize({ width: 1280, height: 800 })
}
