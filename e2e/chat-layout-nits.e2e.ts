import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'
import type { Locator, Page } from 'playwright-core'
import { eventually, openAppWithFakes, root, shootLooks, type OpenAppWithFakes } from './harness.ts'

/**
 * The Chat screen's header and the overlays of a long conversation, at 1280×800 and 1024×700
 * (light and dark), in Chromium against the real web companion: a long title is cut with an
 * ellipsis (whole on hover) and a short one never is; "Scroll up for older messages" sits above the
 * messages, never over them; "Jump to latest" never covers the last message's actions.
 */
const LONG_TITLE = 'A very long conversation title about planning the quarterly migration of every service to the new cluster, with notes'
const SHORT_TITLE = 'Short chat'
const SIZES = [[1280, 800], [1024, 700]] as const
let app: OpenAppWithFakes
let page: Page
const chats: { long?: string; short?: string } = {}

const log = (): Locator => page.getByRole('log', { name: 'Messages' })
const title = (): Locator => page.locator('#conversation-title')
type Box = { x: number; y: number; width: number; height: number }
const overlaps = (a: Box, b: Box): boolean => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height

/** Seeds a chat into the data folder before the companion opens it (bench/seed-chat.ts); returns its id. */
function seed(dataDir: string, title: string, messages: number): string {
  const run = spawnSync(process.execPath, [path.join(root, 'scripts', 'run-tool.js'), 'bench/seed-chat.ts', '--data-dir', dataDir, '--title', title, '--messages', String(messages), '--tokens', '2000'], { cwd: root, encoding: 'utf8' })
  assert.equal(run.status, 0, `seeding failed:\n${run.stdout}\n${run.stderr}`)
  return (JSON.parse(/^SEEDED (.+)$/m.exec(run.stdout)?.[1] ?? '{}') as { ids: string[] }).ids[0]!
}

async function openChat(id: string, name: string): Promise<void> {
  await page.goto(`${app.companion.origin}/#/chat/${id}`)
  await page.getByRole('heading', { level: 2, name }).waitFor()
  await log().getByRole('article').first().waitFor()
}

/** How the header title is laid out: cut or not, and whether it stays clear of the header's buttons. */
const titleLayout = () =>
  title().evaluate((h2) => {
    const actions = document.querySelector('.chat-header-actions')!.getBoundingClientRect()
    const box = h2.getBoundingClientRect()
    return { cut: h2.scrollWidth > h2.clientWidth + 1, ellipsis: getComputedStyle(h2).textOverflow, right: box.right, actionsLeft: actions.left, hover: h2.getAttribute('title') }
  })

before(async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ollama-desk-e2e-nits-'))
  chats.long = seed(dataDir, LONG_TITLE, 300)
  // Enough to scroll past the last message's actions now that replies carry no token line by default.
  chats.short = seed(dataDir, SHORT_TITLE, 14)
  app = await openAppWithFakes({ dataDir, page: { viewport: { width: 1280, height: 800 } } })
  ;({ page } = app)
})

after(() => app?.close())

describe('chat layout details', () => {
  test('a long title is cut with an ellipsis and shown whole on hover; a short one is never cut', async () => {
    for (const [width, height] of SIZES) {
      await page.setViewportSize({ width, height })
      await openChat(chats.long!, LONG_TITLE)
      const long = await titleLayout()
      assert.ok(long.cut, `the long title is cut at ${width}px`)
      assert.equal(long.ellipsis, 'ellipsis')
      assert.equal(long.hover, LONG_TITLE)
      assert.ok(long.right <= long.actionsLeft, `the title ends (${long.right}) before the header's buttons (${long.actionsLeft}) at ${width}px`)

      await openChat(chats.short!, SHORT_TITLE)
      const short = await titleLayout()
      assert.ok(!short.cut, `"${SHORT_TITLE}" is whole at ${width}px`)
    }
    await openChat(chats.long!, LONG_TITLE)
    await shootLooks(page, 'chat-header-long-title')
  })

  test('"Scroll up for older messages" sits above the first message, not over it', async () => {
    const note = log().locator('.older-note')
    for (const [width, height] of SIZES) {
      await page.setViewportSize({ width, height })
      // Opened at the latest message, with older pages still to load: the note is in the list's flow,
      // so where it ends and where the first loaded message starts hold at any scroll position.
      await openChat(chats.long!, LONG_TITLE)
      await eventually(async () => ((await note.textContent()) ?? '') === 'Scroll up for older messages', 'the note shows')
      const gap = await log().evaluate((element) => {
        const noteBox = element.querySelector('.older-note')!.getBoundingClientRect()
        // Every message row is placed inside the list's inner box, from its top down.
        return element.querySelector('.message-list-inner')!.getBoundingClientRect().top - noteBox.bottom
      })
      assert.ok(gap >= 0, `the note ends ${-gap}px inside the messages at ${width}px`)
    }
    await shootLooks(page, 'chat-older-note', { prepare: () => log().evaluate((element) => void (element.scrollTop = 40)) })
  })

  test('"Jump to latest" never covers the last message’s actions', async () => {
    await openChat(chats.short!, SHORT_TITLE)
    const jump = page.getByRole('button', { name: 'Jump to latest' })
    for (const [width, height] of SIZES) {
      await page.setViewportSize({ width, height })
      await log().evaluate((element) => (element.scrollTop = element.scrollHeight))
      let seen = 0
      for (let up = 0; up <= 400; up += 10) {
        await log().evaluate((element, px) => (element.scrollTop = element.scrollHeight - element.clientHeight - px), up)
        await log().evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))))
        if ((await jump.count()) === 0) continue
        seen++
        const button = (await jump.boundingBox())!
        const actions = await log().locator('article').last().locator('.message-actions button').evaluateAll((list) => list.map((b) => { const r = b.getBoundingClientRect(); return { x: r.x, y: r.y, width: r.width, height: r.height } }))
        for (const action of actions) assert.ok(!overlaps(button, action), `scrolled up ${up}px at ${width}px: the button covers an action (${JSON.stringify(action)})`)
      }
      assert.ok(seen > 0, `the button showed while scrolled up at ${width}px`)
    }
    await shootLooks(page, 'chat-jump-clear', { prepare: () => log().evaluate((element) => void (element.scrollTop = element.scrollHeight - element.clientHeight - 120)) })
  })
})
