import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { chromium } from 'playwright-core'
import type { Figure } from './report'

/** The repository root: this file runs bundled from out/tools/<name>/. */
const root = path.resolve(import.meta.dirname, '../..', '..')
const cli = path.join(root, 'bin', 'ollama-desk.js')

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? 0
}

/** Wall time of one process run to its exit, in ms. */
function runMs(args: string[]): number {
  const start = performance.now()
  const run = spawnSync(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  const ms = performance.now() - start
  if (run.status !== 0) throw new Error(`node ${args.join(' ')} failed: ${run.stderr.toString()}`)
  return ms
}

/** Median of `runs` interleaved runs of each command (interleaved so machine load hits both alike). */
function medians(runs: number, commands: string[][]): number[] {
  const times = commands.map(() => [] as number[])
  for (let i = 0; i < runs; i++) commands.forEach((args, j) => times[j]!.push(runMs(args)))
  return times.map(median)
}

/** GET `url` once; resolves with the status (0 when the connection failed). */
function get(url: string, token?: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get(url, { headers: token ? { authorization: `Bearer ${token}` } : {} }, (res) => {
      res.resume()
      res.on('end', () => resolve(res.statusCode ?? 0))
    })
    req.on('error', () => resolve(0))
  })
}

interface Started {
  child: ChildProcess
  /** ms from spawn to the first HTTP 200 on `/`. */
  ms: number
  url: string
  token: string
}

/**
 * Spawns a server that prints `Open: <url>[?token=…]` when it listens, then GETs `/` until 200.
 * The clock runs from spawn to that 200.
 */
async function startServer(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Started> {
  const start = performance.now()
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env })
  let output = ''
  const address = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      const match = /Open: (\S+)/.exec(output)
      if (match) resolve(match[1]!)
    })
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.once('exit', (code) => reject(new Error(`server exited (${code}) before listening:\n${output}`)))
  })
  const url = new URL(address)
  const token = url.searchParams.get('token') ?? ''
  url.search = ''
  for (;;) {
    if ((await get(url.href, token)) === 200) break
  }
  return { child, ms: performance.now() - start, url: url.href, token }
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGTERM')
  await exited
}

const BARE_SERVER = `const s=require('node:http').createServer((q,r)=>r.end('ok'));s.listen(0,'127.0.0.1',()=>console.log('Open: http://127.0.0.1:'+s.address().port+'/'))`

/** Resident set size of a live process, in MB (Linux /proc). */
function rssMb(pid: number): number {
  const kb = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]
  return Number(kb ?? 0) / 1024
}

/** Size of the JS the renderer's index.html loads first (its entry script), in kB. */
function firstChunkKb(): number {
  const html = fs.readFileSync(path.join(root, 'out', 'renderer', 'index.html'), 'utf8')
  const entry = /<script[^>]+src="\.?\/?([^"]+\.js)"/.exec(html)?.[1]
  return entry ? fs.statSync(path.join(root, 'out', 'renderer', entry)).size / 1000 : 0
}

/** A data folder that has been through setup (so a page load shows the chat, not the wizard). */
function preparedDataDir(): string {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ollama-desk-bench-startup-'))
  fs.writeFileSync(path.join(dataDir, 'settings.json'), JSON.stringify({ version: 1, onboarding: { completed: true }, analytics: { consent: 'denied' } }))
  return dataDir
}

const serveArgs = (dataDir: string): string[] => [cli, 'serve', '--port', '0', '--no-open', '--data-dir', dataDir]
// No release check against GitHub from a bench, and a home of its own (nothing to import).
const serveEnv = (home: string): NodeJS.ProcessEnv => ({ ...process.env, OLLAMA_DESK_RELEASE_API: 'off', HOME: home })

interface PageFigures {
  fcp: number
  usable: number
  longest: number
  staticFcp: number
  staticUsable: number
}

/** One page load in Chromium: first contentful paint, time to a usable chat, and the longest task. */
async function loadPage(started: Started): Promise<PageFigures> {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
    // Long tasks from the very start of the document.
    await page.addInitScript(() => {
      const w = window as unknown as { __longest: number }
      w.__longest = 0
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) w.__longest = Math.max(w.__longest, entry.duration)
      }).observe({ type: 'longtask', buffered: true })
    })
    await page.goto(`${started.url}?token=${started.token}`) // trades the token for the cookie
    await page.goto(started.url)
    const start = performance.now()
    await page.reload()
    await page.getByRole('textbox', { name: 'Message' }).waitFor()
    const usable = performance.now() - start
    await page.waitForFunction(() => performance.getEntriesByName('first-contentful-paint').length > 0)
    const fcp = await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]!.startTime)
    const longest = await page.evaluate(() => (window as unknown as { __longest: number }).__longest)

    // Baseline: a static page with a heading and a text box, from a bare server in this process.
    const server = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' })
      res.end('<!doctype html><title>Chat</title><h1>Chat</h1><textarea aria-label="Message"></textarea>')
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const plain = await browser.newPage({ viewport: { width: 1280, height: 800 } })
    await plain.goto(`http://127.0.0.1:${(server.address() as { port: number }).port}/`)
    const staticStart = performance.now()
    await plain.reload()
    await plain.getByRole('textbox', { name: 'Message' }).waitFor()
    const staticUsable = performance.now() - staticStart
    await plain.waitForFunction(() => performance.getEntriesByName('first-contentful-paint').length > 0)
    const staticFcp = await plain.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]!.startTime)
    server.close()
    return { fcp, usable, longest, staticFcp, staticUsable }
  } finally {
    await browser.close()
  }
}

/**
 * Start-up against same-run floors: the CLI's `--version`/`--help` against `node -e 0`, `serve`
 * to its first HTTP 200 against a bare Node HTTP server, the server's RSS after one page load,
 * and the page itself (first paint, usable chat, longest task) against a static page.
 */
export async function startupBench(quick: boolean): Promise<Figure[]> {
  if (!fs.existsSync(path.join(root, 'out', 'main', 'cli.js'))) throw new Error('build first: npm run build')
  const runs = quick ? 3 : 7
  runMs([cli, '--version']) // warm the file cache
  const [version, help, bare] = medians(runs, [[cli, '--version'], [cli, '--help'], ['-e', '0']])

  const dataDir = preparedDataDir()
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'ollama-desk-bench-home-'))
  await stop((await startServer(serveArgs(dataDir), serveEnv(home))).child) // first run creates the files
  const serveTimes: number[] = []
  const bareTimes: number[] = []
  for (let i = 0; i < Math.max(3, Math.ceil(runs / 2)); i++) {
    const bareRun = await startServer(['-e', BARE_SERVER])
    bareTimes.push(bareRun.ms)
    await stop(bareRun.child)
    const serveRun = await startServer(serveArgs(dataDir), serveEnv(home))
    serveTimes.push(serveRun.ms)
    await stop(serveRun.child)
  }

  const started = await startServer(serveArgs(dataDir), serveEnv(home))
  let pageFigures: PageFigures
  let rss: number
  try {
    pageFigures = await loadPage(started)
    await new Promise((resolve) => setTimeout(resolve, 1000)) // let it settle to idle
    rss = rssMb(started.child.pid!)
  } finally {
    await stop(started.child)
    fs.rmSync(dataDir, { recursive: true, force: true })
    fs.rmSync(home, { recursive: true, force: true })
  }
  return [
    { name: 'cli --version, median', value: version!, unit: 'ms', baseline: bare, short: 'cli --version', goal: '≤ 5x node -e 0' },
    { name: 'cli --help, median', value: help!, unit: 'ms', baseline: bare, short: 'cli --help', goal: '≤ 5x node -e 0' },
    { name: 'node -e 0, median (floor)', value: bare!, unit: 'ms' },
    { name: 'serve cold start to first HTTP 200, median', value: median(serveTimes), unit: 'ms', baseline: median(bareTimes), short: 'serve cold start', goal: '≤ 500 ms' },
    { name: 'bare Node HTTP server to first 200, median (floor)', value: median(bareTimes), unit: 'ms' },
    { name: 'serve RSS idle after one page load', value: rss, unit: 'MB', goal: '≤ 150 MB' },
    { name: 'renderer first contentful paint', value: pageFigures.fcp, unit: 'ms', baseline: pageFigures.staticFcp, short: 'renderer FCP' },
    { name: 'renderer reload to usable chat', value: pageFigures.usable, unit: 'ms', baseline: pageFigures.staticUsable, short: 'renderer usable', goal: '≤ 250 ms' },
    { name: 'renderer longest task at start-up', value: pageFigures.longest, unit: 'ms', goal: '≤ 50 ms' },
    { name: 'renderer first chunk (JS, uncompressed)', value: firstChunkKb(), unit: 'kB' },
    { name: 'static page first contentful paint (floor)', value: pageFigures.staticFcp, unit: 'ms' },
    { name: 'static page reload to its text box (floor)', value: pageFigures.staticUsable, unit: 'ms' },
  ]
}
