import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { after, before, describe, test } from 'node:test'
import type { Locator, Page } from 'playwright-core'
import { eventually, goTo, openAppWithFakes, root, shoot, type OpenAppWithFakes, type ProviderFakes } from './harness.ts'

/**
 * The Chat screen's layout and navigation, in Chromium against the real web companion and core:
 * a conversation column over 10,000 chats, the room the messages get, the one-row composer, the
 * keyboard, following a streamed reply, and search hits that scroll to their message.
 */
const CHATS = 10_000
/** A word only one message of the seeded history holds, far back in the long chat. */
const MARKER = 'quokkamarker'
const LONG_TITLE = 'Long chat about quokkas'
/** Find in chat's word: in three messages of the long chat, two of them on pages the chat does not load at first. */
const FIND_WORD = 'numbatfind'
const FIND_PLACES = ['oldest numbatfind place', 'middle numbatfind place', 'newest numbatfind place']

let app: OpenAppWithFakes
let fakes: ProviderFakes
let page: Page
let longChatId = ''

const column = (): Locator => page.getByRole('navigation', { name: 'Conversations' })
const log = (): Locator => page.getByRole('log', { name: 'Messages' })
const composer = (): Locator => page.getByRole('textbox', { name: 'Message' })
const words = (count: number): string[] => Array.from({ length: count }, (_, i) => `word${i} `)

function seed(dataDir: string, sessions: number, messages: number, seedValue: number): void {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
  const run = spawnSync(npm, ['run', '--silent', 'seed', '--', '--data-dir', dataDir, '--sessions', String(sessions), '--messages', String(messages), '--seed', String(seedValue)], {
    cwd: root,
    encoding: 'utf8',
    shell: process.platform === 'win32',
  })
  assert.equal(run.status, 0, `npm run seed failed:\n${run.stdout}\n${run.stderr}`)
}

/** The longest seeded chat gets a recognisable title, the newest activity, and the marker word in an early message. */
function markLongChat(dataDir: string): string {
  const db = new DatabaseSync(path.join(dataDir, 'sessions.db'))
  try {
    const longest = db.prepare('SELECT session_id AS id, count(*) AS n FROM messages GROUP BY session_id ORDER BY n DESC LIMIT 1').get() as { id: string; n: number }
    assert.ok(longest.n > 150, `the long chat has ${longest.n} messages`)
    const early = db.prepare("SELECT id FROM messages WHERE session_id = ? AND role = 'assistant' ORDER BY created_at LIMIT 1 OFFSET 3").get(longest.id) as { id: string }
    db.prepare(`UPDATE messages SET text = text || ' The ${MARKER} lives here.' WHERE id = ?`).run(early.id)
    const at = (order: 'ASC' | 'DESC', offset: number) => (db.prepare(`SELECT id FROM messages WHERE session_id = ? AND role = 'assistant' ORDER BY created_at ${order} LIMIT 1 OFFSET ${offset}`).get(longest.id) as { id: string }).id
    for (const [i, id] of [at('ASC', 1), at('ASC', 60), at('DESC', 0)].entries()) db.prepare('UPDATE messages SET text = text || ? WHERE id = ?').run(` The ${FIND_PLACES[i]}.`, id)
    // Pinned and the newest: the first row of the column.
    db.prepare('UPDATE sessions SET title = ?, updated_at = ?, archived = 0, pinned = 1 WHERE id = ?').run(LONG_TITLE, Date.now() + 60_000, longest.id)
    return longest.id
  } finally {
    db.close()
  }
}

/** The message area's height as a share of the window's. */
const messageShare = (): Promise<number> => page.evaluate(() => document.querySelector('.message-list')!.getBoundingClientRect().height / window.innerHeight)

/** How far the message list is from its bottom, in pixels. */
const distanceFromBottom = (): Promise<number> =>
  log().evaluate((element) => element.scrollHeight - element.scrollTop - element.clientHeight)

async function openLongChat(): Promise<void> {
  await column().getByRole('link', { name: LONG_TITLE }).first().click()
  await page.getByRole('heading', { level: 2, name: LONG_TITLE }).waitFor()
  await log().getByRole('article').first().waitFor()
}

before(async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ollama-desk-e2e-layout-'))
  seed(dataDir, CHATS, 2, 1)
  seed(dataDir, 1, 400, 7)
  longChatId = markLongChat(dataDir)
  app = await openAppWithFakes({ dataDir, page: { viewport: { width: 1280, height: 800 } } })
  ;({ fakes, page } = app)
})

after(() => app?.close())

describe('chat layout', () => {
  test('the conversation column holds 10,000 chats with fewer than 100 rows in the DOM', async () => {
    await column().getByRole('link', { name: LONG_TITLE }).first().waitFor()
    const list = column().getByRole('list', { name: 'Recent chats' })
    const status = (await column().locator('.column-status').textContent()) ?? ''
    const total = Number(/([\d,]+) chats/.exec(status)?.[1]?.replace(/,/g, ''))
    // Archived chats are not in the column, so a little under all of them show.
    assert.ok(total > CHATS * 0.9 && total <= CHATS + 1, status)
    let most = 0
    for (let step = 1; step <= 10; step++) {
      await list.evaluate((element, f) => (element.scrollTop = element.scrollHeight * f), step / 10)
      const rows = await list.getByRole('listitem').count()
      most = Math.max(most, rows)
      assert.ok(rows > 5 && rows < 100, `rendered ${rows} rows at ${step * 10} %`)
    }
    // At the end, the last chats are loaded (pages arrive as the column scrolls), not placeholders.
    await list.evaluate((element) => (element.scrollTop = element.scrollHeight))
    await eventually(async () => (await list.locator(`[aria-posinset="${total}"] a.column-row`).count()) === 1, 'the last chat is loaded at the end of the column')
    assert.ok(most < 100, `at most ${most} rows`)
    await list.evaluate((element) => (element.scrollTop = 0))
  })

  test('the messages get the room: ≥ 65 % of the window at 1280×800, ≥ 55 % at 1024×700, and a one-row composer', async () => {
    await openLongChat()
    const wide = await messageShare()
    assert.ok(wide >= 0.65, `message area ${(wide * 100).toFixed(1)} % at 1280×800`)
    await shoot(page, 'chat-1280-light')
    await page.emulateMedia({ colorScheme: 'dark' })
    await shoot(page, 'chat-1280-dark')
    await page.emulateMedia({ colorScheme: 'light' })

    await page.setViewportSize({ width: 1024, height: 700 })
    let narrow = 0
    await eventually(async () => (narrow = await messageShare()) >= 0.55, () => `message area ${(narrow * 100).toFixed(1)} % at 1024×700`)
    // One row: the text box, the tools and Send share a line, and the box is one line tall.
    const [box, send, tools] = await Promise.all([composer().boundingBox(), page.getByRole('button', { name: 'Send' }).boundingBox(), page.locator('.composer-tools').boundingBox()])
    assert.ok(box && send && tools)
    const middle = (b: { y: number; height: number }): number => b.y + b.height / 2
    assert.ok(Math.abs(middle(send) - middle(box)) < box.height / 2 + 4, `Send (${middle(send)}) is beside the text box (${box.y}–${box.y + box.height})`)
    assert.ok(Math.abs(middle(tools) - middle(box)) < box.height / 2 + 4, 'the tools are beside the text box')
    assert.ok(box.height < 48, `the empty text box is one line (${box.height} px)`)
    await shoot(page, 'chat-1024-light')
    await page.emulateMedia({ colorScheme: 'dark' })
    await shoot(page, 'chat-1024-dark')
    await page.emulateMedia({ colorScheme: 'light' })

    // It grows with its text up to 40 % of the window, then scrolls.
    await composer().fill(Array.from({ length: 60 }, (_, i) => `line ${i}`).join('\n'))
    const grown = (await composer().boundingBox())!
    assert.ok(grown.height > 200 && grown.height <= 700 * 0.4 + 1, `grown to ${grown.height} px`)
    await composer().fill('')
    await eventually(async () => ((await composer().boundingBox())?.height ?? 999) < 48, 'the box shrinks back to one line')
    await page.setViewportSize({ width: 1280, height: 800 })
  })

  test('the column searches titles and full text; a hit opens its chat at the message, highlighted', async () => {
    await goTo(page, 'Models')
    await goTo(page, 'Chat')
    await column().getByRole('searchbox', { name: 'Search chats' }).fill(MARKER)
    const hits = column().getByRole('list', { name: 'Search results' })
    const hit = hits.getByRole('link', { name: new RegExp(LONG_TITLE) })
    await hit.waitFor()
    assert.equal(await hits.locator('mark').first().textContent(), MARKER)
    await shoot(page, 'chat-column-search')
    // Start from another chat, so the hit has to load older pages of the long one.
    await column().getByRole('searchbox', { name: 'Search chats' }).fill('')
    await column().getByRole('list', { name: 'Recent chats' }).getByRole('link').nth(3).click()
    await column().getByRole('searchbox', { name: 'Search chats' }).fill(MARKER)
    await hit.click()
    await page.getByRole('heading', { level: 2, name: LONG_TITLE }).waitFor()
    const marked = log().locator('.message-row.highlighted')
    await marked.waitFor()
    assert.match((await marked.textContent()) ?? '', new RegExp(MARKER))
    await eventually(async () => {
      const [row, list] = await Promise.all([marked.boundingBox(), log().boundingBox()])
      return !!row && !!list && row.y >= list.y - 1 && row.y < list.y + list.height
    }, 'the hit is in view')
    assert.equal(page.url().endsWith(`#/chat/${longChatId}`), true, page.url())
    await shoot(page, 'chat-search-hit')
    await column().getByRole('searchbox', { name: 'Search chats' }).fill('')
  })

  test('the palette finds chats by their words and chat actions', async () => {
    await page.keyboard.press('Control+k')
    const palette = page.getByRole('dialog', { name: 'Command palette' })
    await palette.getByRole('combobox').fill(MARKER)
    const option = palette.getByRole('option', { name: new RegExp(LONG_TITLE) })
    await option.waitFor()
    await shoot(page, 'chat-palette-chats')
    await palette.getByRole('combobox').fill('new chat')
    await palette.getByRole('option', { name: /New chat/ }).first().waitFor()
    await palette.getByRole('combobox').fill('switch model')
    await palette.getByRole('option', { name: /Switch model/ }).click()
    await page.getByRole('listbox', { name: 'Models' }).waitFor()
    await page.keyboard.press('Escape')
    await eventually(async () => (await page.getByRole('listbox', { name: 'Models' }).count()) === 0, 'the model list closes')
  })

  test('Ctrl+F finds in the whole chat: count, next and previous across pages it loads, highlights', async () => {
    // Opened afresh: only its newest page is loaded.
    await page.goto(`${app.companion.origin}/#/chat/${longChatId}`)
    await page.reload()
    await page.getByRole('heading', { level: 2, name: LONG_TITLE }).waitFor()
    await log().getByRole('article').first().waitFor()
    await log().click({ position: { x: 5, y: 5 } })
    await page.keyboard.press('Control+f')
    const find = page.getByRole('search', { name: 'Find in chat' })
    const box = find.getByRole('textbox', { name: 'Find in chat' })
    await eventually(() => box.evaluate((element) => element === document.activeElement), 'the find box has the cursor')
    // Only the newest page is loaded: two of the three matches are on older ones.
    assert.equal(await log().getByText(FIND_PLACES[0]!).count(), 0, 'the oldest match is not loaded yet')
    await box.fill(FIND_WORD.toUpperCase())
    const count = find.getByRole('status')
    let says = ''
    const saysNow = async (expected: string): Promise<void> => eventually(async () => (says = (await count.textContent()) ?? '') === expected, () => `count says "${says}", not "${expected}"`)
    /** The current match's highlight is inside the message holding `place`, and that message is in view. */
    const currentIn = async (place: string): Promise<void> => {
      let seen = ''
      await eventually(async () => {
        seen = await page.evaluate(() => {
          const range = [...((CSS as unknown as { highlights: Map<string, Set<Range>> }).highlights.get('chat-find-current') ?? [])][0]
          const article = range?.startContainer.parentElement?.closest('article')
          const list = document.querySelector('[role="log"][aria-label="Messages"]')
          if (!range || !article || !list) return 'no current highlight'
          const box = range.getBoundingClientRect()
          const view = list.getBoundingClientRect()
          const inView = box.top >= view.top && box.bottom <= view.bottom
          return `${range.toString()}|${inView ? 'in view' : 'out of view'}|${article.textContent ?? ''}`
        })
        return seen.startsWith(`${FIND_WORD}|in view|`) && seen.includes(place)
      }, () => `the current match in view in "${place}" (seen: ${seen.slice(0, 200)})`)
    }
    // It starts at the newest match, nearest where one reads.
    await saysNow('3 of 3')
    await currentIn(FIND_PLACES[2]!)
    await box.press('Shift+Enter')
    await saysNow('2 of 3')
    await currentIn(FIND_PLACES[1]!)
    await find.getByRole('button', { name: 'Previous match' }).click()
    await saysNow('1 of 3')
    await currentIn(FIND_PLACES[0]!)
    await shoot(page, 'chat-find-older-page')
    await box.press('Enter')
    await saysNow('2 of 3')
    await currentIn(FIND_PLACES[1]!)
    await find.getByRole('button', { name: 'Next match' }).click()
    await find.getByRole('button', { name: 'Next match' }).click()
    await saysNow('1 of 3')
    await currentIn(FIND_PLACES[0]!)
    const highlighted = await page.evaluate(() => {
      const registry = (CSS as unknown as { highlights: Map<string, Set<Range>> }).highlights
      return { all: registry.get('chat-find')?.size ?? 0, current: registry.get('chat-find-current')?.size ?? 0 }
    })
    assert.ok(highlighted.all >= 1, 'the visible matches are highlighted')
    assert.equal(highlighted.current, 1)
    await shoot(page, 'chat-find')
    await box.fill('nothing-like-this-anywhere')
    await eventually(async () => (await count.textContent()) === 'No matches', 'says when nothing matches')
    await box.press('Escape')
    await eventually(async () => (await find.count()) === 0, 'Esc closes the find bar')
  })

  test('Up in the empty composer edits the last message; Ctrl+N starts a new chat', async () => {
    await composer().click()
    await page.keyboard.press('ArrowUp')
    const edit = page.getByRole('textbox', { name: 'Edited message' })
    await edit.waitFor()
    const lastUser = await log().locator('article.role-user').last().evaluate((element) => element.closest('.message-row')?.getAttribute('data-id'))
    assert.ok(lastUser)
    await page.getByRole('button', { name: 'Cancel' }).click()

    await page.keyboard.press('Control+n')
    await page.getByRole('heading', { level: 2, name: 'New chat' }).waitFor()
    assert.match(page.url(), /#\/chat$/)
    await eventually(() => composer().evaluate((element) => element === document.activeElement), 'the composer has the cursor')
    await shoot(page, 'chat-new')
    await page.emulateMedia({ colorScheme: 'dark' })
    await shoot(page, 'chat-new-dark')
    await page.emulateMedia({ colorScheme: 'light' })
  })

  test('sending scrolls to the bottom and follows the reply; scrolling up stops it and shows Jump to latest; Esc stops', async () => {
    await openLongChat()
    // Read somewhere in the middle first: sending must still bring the view to the bottom.
    await log().evaluate((element) => (element.scrollTop = element.scrollHeight / 2))
    await page.getByRole('button', { name: 'Jump to latest' }).waitFor()
    await fakes.control({ target: 'ollama', script: [{ text: words(400), chunkDelayMs: 25 }] })
    await composer().fill('Tell me everything about quokkas')
    await composer().press('Enter')
    await log().getByText('word20', { exact: false }).first().waitFor()
    // Following: while words arrive, the view stays at the bottom.
    for (let sample = 0; sample < 5; sample++) {
      const before = await log().locator('article').last().textContent()
      await eventually(async () => (await log().locator('article').last().textContent()) !== before, 'more words arrived')
      const gap = await distanceFromBottom()
      assert.ok(gap < 40, `following the reply: ${gap} px from the bottom`)
    }
    assert.equal(await page.getByRole('button', { name: 'Jump to latest' }).count(), 0)
    await shoot(page, 'chat-streaming-follow')

    // Scrolling up stops following: the view stays put as the reply grows.
    await log().hover()
    await page.mouse.wheel(0, -600)
    await page.getByRole('button', { name: 'Jump to latest' }).waitFor()
    const held = await log().evaluate((element) => element.scrollTop)
    const textBefore = await log().locator('.message-row').last().textContent()
    await eventually(async () => (await log().locator('.message-row').last().textContent()) !== textBefore, 'more words arrived')
    assert.ok(Math.abs((await log().evaluate((element) => element.scrollTop)) - held) < 2, 'the view did not move')
    assert.ok((await distanceFromBottom()) > 300)
    await shoot(page, 'chat-jump-to-latest')
    await page.getByRole('button', { name: 'Jump to latest' }).click()
    await eventually(async () => (await distanceFromBottom()) < 40, 'back at the bottom')

    // Esc stops the reply (nothing else is open to take it).
    await page.keyboard.press('Escape')
    await page.getByRole('button', { name: 'Send' }).waitFor()
    await log().getByText('Stopped', { exact: true }).first().waitFor()
    const text = await log().innerText()
    assert.doesNotMatch(text, /word399/)
  })

  test('Esc goes to an open popover first, not to the reply', async () => {
    await fakes.control({ target: 'ollama', script: [{ text: words(300), chunkDelayMs: 25 }] })
    await composer().fill('Another long one')
    await composer().press('Enter')
    await log().getByText('word10', { exact: false }).last().waitFor()
    await page.getByRole('button', { name: /^Ollama .*: running$/ }).click()
    await page.getByRole('dialog', { name: 'Ollama status' }).waitFor()
    await page.keyboard.press('Escape')
    await eventually(async () => (await page.getByRole('dialog', { name: 'Ollama status' }).count()) === 0, 'the popover closed')
    assert.equal(await page.getByRole('button', { name: 'Stop' }).count(), 1, 'the reply is still being written')
    await page.keyboard.press('Escape')
    await page.getByRole('button', { name: 'Send' }).waitFor()
  })

  test('pasting a very long text offers to attach it as a file', async () => {
    await composer().fill('Summarise this:')
    const long = 'A line of a long log file.\n'.repeat(400)
    await composer().evaluate((element, text) => {
      const data = new DataTransfer()
      data.setData('text/plain', text)
      element.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }))
    }, long)
    const offer = page.getByRole('alert').filter({ hasText: 'You pasted' })
    await offer.waitFor()
    assert.match((await offer.textContent()) ?? '', /10,800 characters/)
    await shoot(page, 'chat-long-paste')
    await offer.getByRole('button', { name: 'Attach as file' }).click()
    await page.getByRole('list', { name: 'Files to send' }).getByText('pasted-text.txt').waitFor()
    assert.equal(await composer().inputValue(), 'Summarise this:')
    // "Paste as text" keeps it in the box instead.
    await composer().evaluate((element, text) => {
      const data = new DataTransfer()
      data.setData('text/plain', text)
      element.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }))
    }, long)
    await offer.getByRole('button', { name: 'Paste as text' }).click()
    await eventually(async () => (await composer().inputValue()).length > long.length, 'the text went into the box')
    await composer().fill('')
    await page.getByRole('button', { name: 'Remove pasted-text.txt' }).click()
  })

  test('the Ollama status is a sidebar dot with details on click', async () => {
    assert.equal(await page.getByRole('region', { name: 'Ollama status' }).count(), 0, 'no full card while Ollama is fine')
    await page.getByRole('button', { name: 'Ollama 0.12.6: running' }).click()
    const details = page.getByRole('dialog', { name: 'Ollama status' })
    await details.getByText('Address').waitFor()
    assert.match((await details.textContent()) ?? '', /127\.0\.0\.1:\d+/)
    await shoot(page, 'chat-ollama-popover')
    await details.getByRole('button', { name: 'Check again' }).click()
    await page.keyboard.press('Escape')
  })

  test('collapsing the column is remembered across a reload', async () => {
    await column().getByRole('button', { name: 'Hide conversations' }).click()
    await column().getByRole('button', { name: 'Show conversations' }).waitFor()
    await shoot(page, 'chat-column-collapsed')
    await page.reload()
    await column().getByRole('button', { name: 'Show conversations' }).waitFor()
    await column().getByRole('button', { name: 'Show conversations' }).click()
    await column().getByRole('searchbox', { name: 'Search chats' }).waitFor()
  })

  test('the Sessions screen keeps its search, filters and selection across a visit to a chat', async () => {
    await goTo(page, 'Sessions')
    await page.getByRole('heading', { level: 1, name: 'Sessions' }).waitFor()
    await page.getByRole('combobox', { name: 'Tag', exact: true }).selectOption('travel')
    const list = page.getByRole('listbox', { name: 'Sessions' })
    // Only travel chats are listed once the filtered page has arrived (the unfiltered one may still be showing).
    const titles = list.locator('.row-title-text')
    await eventually(async () => {
      const shown = await titles.allTextContents()
      return shown.length > 2 && shown.every((title) => title.startsWith('Trip plan: Lisbon') || title === LONG_TITLE)
    }, 'the list shows only travel chats')
    await list.getByRole('option').nth(2).click()
    const chosen = await list.locator('[aria-current="true"] .row-title-text').textContent()
    await page.getByRole('searchbox', { name: 'Search sessions' }).fill('lisbon')
    await page.getByRole('listbox', { name: 'Search results' }).getByRole('option').first().waitFor()
    await page.getByRole('searchbox', { name: 'Search sessions' }).fill('')
    await list.locator('[aria-current="true"]').waitFor()
    await goTo(page, 'Chat')
    await page.getByRole('heading', { level: 1, name: 'Chat' }).waitFor()
    await goTo(page, 'Sessions')
    await page.getByRole('heading', { level: 1, name: 'Sessions' }).waitFor()
    // The tag list loads again with the screen; the chosen tag is there once it has.
    await eventually(async () => (await page.getByRole('combobox', { name: 'Tag', exact: true }).inputValue()) === 'travel', 'the tag filter is still “travel”')
    await eventually(async () => (await list.locator('[aria-current="true"] .row-title-text').textContent().catch(() => null)) === chosen, `the selection is still “${chosen}”`)
    // And the search text too.
    await page.getByRole('searchbox', { name: 'Search sessions' }).fill('lisbon')
    await goTo(page, 'Chat')
    await goTo(page, 'Sessions')
    assert.equal(await page.getByRole('searchbox', { name: 'Search sessions' }).inputValue(), 'lisbon')
    await page.getByRole('searchbox', { name: 'Search sessions' }).fill('')
    await page.getByRole('combobox', { name: 'Tag', exact: true }).selectOption('')
  })
})
