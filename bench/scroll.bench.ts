import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { chromium, type Page } from 'playwright-core'
import { createCore } from '../src-main/core/app'
import { SessionEngine } from '../src-main/core/sessions'
import { startWebServer } from '../src-main/web/server'
import type { Figure } from './report'

const MESSAGES = 1000
/** About 200 tokens a message: a 200k-token conversation. */
const CHARS = 800

/** Scrolls `selector` by `step` px per animation frame for `frames` frames; returns the frame intervals. */
async function scrollFrames(page: Page, selector: string, frames: number, step: number): Promise<number[]> {
  return page.evaluate(
    ({ selector, frames, step }) =>
      new Promise<number[]>((resolve) => {
        const el = document.querySelector(selector) as HTMLElement
        const deltas: number[] = []
        let last = performance.now()
        let n = 0
        const tick = (now: number): void => {
          deltas.push(now - last)
          last = now
          el.scrollTop += step
          if (++n < frames) requestAnimationFrame(tick)
          else resolve(deltas.slice(2))
        }
        requestAnimationFrame(tick)
      }),
    { selector, frames, step },
  )
}

const p = (sorted: number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0

/**
 * Chromium frame times while scrolling a 1,000-message, 200k-token conversation in the real UI,
 * against the same text as one plain static page (no React, no virtualisation) in the same run.
 */
export async function scrollBench(quick: boolean): Promise<Figure[]> {
  const root = path.resolve(import.meta.dirname, '../..', '..')
  const staticDir = path.join(root, 'out', 'renderer')
  if (!fs.existsSync(path.join(staticDir, 'index.html'))) throw new Error('build the renderer first: npm run build')
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ollama-desk-bench-scroll-'))
  const engine = SessionEngine.open({ dataDir })
  const session = engine.createSession({ title: 'A very long conversation' })
  const texts: string[] = []
  for (let i = 0; i < MESSAGES; i++) {
    const line = `Message ${i}: the quick brown fox jumps over the lazy dog while the model explains attention. `
    const text = line.repeat(Math.ceil(CHARS / line.length)).slice(0, CHARS - (i % 7) * 60)
    texts.push(text)
    engine.appendMessage(session.id, { role: i % 2 ? 'assistant' : 'user', text })
  }
  engine.close()

  const core = createCore({ dataDir, mode: 'web', version: 'bench', logSink: { write: () => undefined } })
  core.settings.update({ onboarding: { completed: true } }) // measure the conversation, not the first-run wizard
  const token = 'bench-token-scroll-0123456789'
  const server = await startWebServer({ core, token, port: 0, staticDir })
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
  const frames = quick ? 120 : 600
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
    await page.goto(`${server.url}?token=${token}`)
    const openStart = performance.now()
    await page.goto(`${server.url}?open=1#/chat/${session.id}`)
    await page.locator('.message-row').first().waitFor()
    const openMs = performance.now() - openStart
    const app = (await scrollFrames(page, '.message-list', frames, -90)).sort((a, b) => a - b)

    // Baseline: the same messages as plain paragraphs in one static page.
    const plain = await browser.newPage({ viewport: { width: 1280, height: 800 } })
    await plain.setContent(
      `<div id="s" style="height:700px;overflow:auto;font:14px system-ui">${texts.map((t) => `<p style="margin:12px;padding:12px;border:1px solid #ddd">${t}</p>`).join('')}</div>`,
    )
    await plain.evaluate(() => {
      const s = document.getElementById('s')!
      s.scrollTop = s.scrollHeight
    })
    const base = (await scrollFrames(plain, '#s', frames, -90)).sort((a, b) => a - b)

    const mean = (values: number[]): number => values.reduce((a, b) => a + b, 0) / values.length
    return [
      { name: `open a ${MESSAGES}-message (200k-token) session in the UI`, value: openMs, unit: 'ms' },
      { name: 'scroll frame time p50, conversation view', value: p(app, 0.5), unit: 'ms' },
      { name: 'scroll frame time p95, conversation view', value: p(app, 0.95), unit: 'ms' },
      { name: 'scroll fps equivalent, conversation view (target ≥ 50)', value: 1000 / mean(app), unit: 'fps' },
      { name: 'scroll frame time p95, plain static page', value: p(base, 0.95), unit: 'ms' },
      { name: 'scroll frame time p95, conversation vs plain page', value: p(app, 0.95), unit: 'ms', baseline: p(base, 0.95), short: 'scroll p95 app/plain' },
    ]
  } finally {
    await browser.close()
    await server.close()
    await core.close()
    fs.rmSync(dataDir, { recursive: true, force: true })
  }
}
