import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { chromium, type Page } from 'playwright-core'
import { createCore } from '../src-main/core/app'
import { SessionEngine } from '../src-main/core/sessions'
import { startWebServer } from '../src-main/web/server'
import { startFakeOllamaChat } from '../test/support/fakes/ollama-chat-server'
import type { Figure } from './report'

const MESSAGES = 1000

interface Chat {
  id: string
  title: string
  last: string
}
const TEXT = 'the model explains attention, context windows and how a long chat is summarised. '

const p = (values: number[], q: number): number => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0
}

/** Waits until the next frame has been painted. */
const painted = (page: Page): Promise<unknown> => page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0))))

/** Opens a chat through the conversation column and waits until its last message is painted. */
async function switchTo(page: Page, title: string, lastText: string): Promise<number> {
  const started = performance.now()
  await page.getByRole('navigation', { name: 'Conversations' }).locator(`a.column-row[title="${title}"]`).click()
  await page.locator('.message-row', { hasText: lastText }).first().waitFor()
  await painted(page)
  return performance.now() - started
}

/** Milliseconds from each keydown in the focused element to the frame after it, for `keys` keys. */
async function keystrokeToPaint(page: Page, keys: number): Promise<number[]> {
  await page.evaluate(() => {
    const w = window as unknown as { __keyPaint: number[] }
    w.__keyPaint = []
    document.addEventListener('keydown', (event) => requestAnimationFrame(() => w.__keyPaint.push(performance.now() - event.timeStamp)), { capture: true })
  })
  for (let i = 0; i < keys; i++) {
    await page.keyboard.type('abcdefghij'[i % 10]!)
    await painted(page)
  }
  return page.evaluate(() => (window as unknown as { __keyPaint: number[] }).__keyPaint)
}

/**
 * The chat workspace in Chromium against the web companion: switching between two 1,000-message
 * chats through the conversation column (vs the same last page in a blank view), keystroke-to-paint
 * in the composer with such a chat open (vs an empty chat), frame times while a 20k-token reply
 * streams at the bottom of such a chat, and the renderer's heap after 50
 * switches against after 5 (garbage-collected, read through the DevTools protocol; PASS ≤ 1.2×).
 */
export async function chatWorkspaceBench(quick: boolean): Promise<Figure[]> {
  const root = path.resolve(import.meta.dirname, '../..', '..')
  const staticDir = path.join(root, 'out', 'renderer')
  if (!fs.existsSync(path.join(staticDir, 'index.html'))) throw new Error('build the renderer first: npm run build')
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ollama-desk-bench-workspace-'))
  const engine = SessionEngine.open({ dataDir })
  // A and B are switched between; C takes the streamed reply of (c), so A and B stay as they are.
  const [chatA, chatB, chatC] = ['Workspace chat A', 'Workspace chat B', 'Workspace chat C'].map((title) => {
    const session = engine.createSession({ title })
    for (let i = 0; i < MESSAGES; i++) engine.appendMessage(session.id, { role: i % 2 ? 'assistant' : 'user', text: `${title} message ${i}: ${TEXT.repeat(2 + (i % 5))}` })
    return { id: session.id, title, last: `${title} message ${MESSAGES - 1}:` }
  }) as [Chat, Chat, Chat]
  const chats = [chatA, chatB]
  const lastPage = Array.from({ length: 100 }, (_, k) => `${chats[0]!.title} message ${MESSAGES - 100 + k}: ${TEXT.repeat(2 + ((MESSAGES - 100 + k) % 5))}`)
  engine.close()

  // (c) streams a 20k-token reply from this stand-in Ollama: 2,000 chunks of 10 words.
  const ollama = await startFakeOllamaChat({ models: ['bench-model:latest'] })
  const core = createCore({ dataDir, mode: 'web', version: 'bench', logSink: { write: () => undefined }, autoTitles: false })
  core.settings.update({ onboarding: { completed: true } })
  const token = 'bench-token-workspace-0123456789'
  const server = await startWebServer({ core, token, port: 0, staticDir })
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
  const rounds = quick ? 4 : 10
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
    await page.goto(`${server.url}?token=${token}`)
    await page.goto(`${server.url}?open=1#/chat/${chats[1]!.id}`)
    await page.locator('.message-row', { hasText: chats[1]!.last }).first().waitFor()

    // (a) Switching through the column, against painting the same last page in a blank view.
    const switches: number[] = []
    for (let i = 0; i < rounds; i++) for (const chat of chats) switches.push(await switchTo(page, chat.title, chat.last))
    const blank = await browser.newPage({ viewport: { width: 1280, height: 800 } })
    const blankTimes: number[] = []
    for (let i = 0; i < rounds * 2; i++) {
      const started = performance.now()
      await blank.setContent(`<div style="height:700px;overflow:auto;font:14px system-ui">${lastPage.map((t) => `<p style="margin:12px;padding:12px;border:1px solid #ddd">${t}</p>`).join('')}</div>`)
      await painted(blank)
      blankTimes.push(performance.now() - started)
    }

    // (b) Keystroke-to-paint in the composer: a 1,000-message chat open, then an empty new chat.
    const keys = quick ? 30 : 100
    await page.getByRole('textbox', { name: 'Message' }).click()
    const full = await keystrokeToPaint(page, keys)
    await page.goto(`${server.url}?open=1#/chat`)
    await page.getByRole('textbox', { name: 'Message' }).click()
    const empty = await keystrokeToPaint(page, keys)

    // (c) Frame times while a 20k-token reply streams in at the bottom of a 1,000-message chat.
    core.settings.update({ ollama: { host: ollama.url } })
    await page.goto(`${server.url}?open=1#/chat/${chatC.id}`)
    await page.locator('.message-row', { hasText: chatC.last }).first().waitFor()
    const chunks = quick ? 500 : 2000
    ollama.script({ text: Array.from({ length: chunks }, (_, i) => `word${i} `.repeat(10)), usage: { inputTokens: 100, outputTokens: chunks * 10 }, chunkDelayMs: 1 })
    await page.evaluate(() => {
      const w = window as unknown as { __frames: number[]; __stopFrames: boolean }
      w.__frames = []
      w.__stopFrames = false
      let last = performance.now()
      const tick = (now: number): void => {
        w.__frames.push(now - last)
        last = now
        if (!w.__stopFrames) requestAnimationFrame(tick)
      }
      requestAnimationFrame(tick)
    })
    // The same chat sitting idle for a second: the baseline frame time.
    await page.waitForTimeout(1000)
    const idleFrames = await page.evaluate(() => (window as unknown as { __frames: number[] }).__frames.splice(0).slice(1))
    const box = page.getByRole('textbox', { name: 'Message' })
    await box.fill('Write a very long answer.')
    await box.press('Enter')
    await page.locator('.message-row', { hasText: `word${chunks - 1} ` }).first().waitFor({ timeout: 300_000 })
    const frames = await page.evaluate(() => {
      const w = window as unknown as { __frames: number[]; __stopFrames: boolean }
      w.__stopFrames = true
      return w.__frames.slice(1)
    })

    // (d) Heap after 50 switches against after 5, each after a full garbage collection.
    await page.goto(`${server.url}?open=1#/chat/${chats[1]!.id}`)
    await page.locator('.message-row', { hasText: chats[1]!.last }).first().waitFor()
    const cdp = await page.context().newCDPSession(page)
    const heap = async (): Promise<number> => {
      await cdp.send('HeapProfiler.collectGarbage')
      return (await cdp.send('Runtime.getHeapUsage')).usedSize
    }
    for (let i = 0; i < 5; i++) await switchTo(page, chats[i % 2]!.title, chats[i % 2]!.last)
    const after5 = await heap()
    for (let i = 5; i < 50; i++) await switchTo(page, chats[i % 2]!.title, chats[i % 2]!.last)
    const after50 = await heap()
    const ratio = after50 / after5

    return [
      { name: `switch between two ${MESSAGES}-message chats through the column, to the last page painted, p50`, value: p(switches, 0.5), unit: 'ms' },
      { name: 'switch chats p50 vs the same last page painted in a blank view', value: p(switches, 0.5), unit: 'ms', baseline: p(blankTimes, 0.5), short: 'chat switch/blank page' },
      { name: `keystroke-to-paint p95 in the composer, ${MESSAGES}-message chat open`, value: p(full, 0.95), unit: 'ms' },
      { name: 'keystroke-to-paint p95, long chat vs empty chat', value: p(full, 0.95), unit: 'ms', baseline: p(empty, 0.95), short: 'keystroke p95 long/empty' },
      { name: `frame time p95 while a ${chunks * 10}-token reply streams at the bottom of a ${MESSAGES}-message chat`, value: p(frames, 0.95), unit: 'ms' },
      { name: 'frame time p95, streaming vs the same chat idle', value: p(frames, 0.95), unit: 'ms', baseline: p(idleFrames, 0.95), short: 'frame p95 streaming/idle' },
      { name: `renderer heap after 50 chat switches vs after 5 (${ratio <= 1.2 ? 'PASS' : 'FAIL'} ≤ 1.2x)`, value: after50 / 1_048_576, unit: 'MB', baseline: after5 / 1_048_576, short: 'heap 50/5 switches' },
    ]
  } finally {
    await browser.close()
    await server.close()
    await core.close()
    await ollama.close()
    fs.rmSync(dataDir, { recursive: true, force: true })
  }
}
