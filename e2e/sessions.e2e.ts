import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'
import type { Locator, Page } from 'playwright-core'
import { goTo, openApp, root, shoot, type Companion, type OpenApp } from './harness.ts'

const SESSIONS = 500

let app: OpenApp
let companion: Companion
let page: Page

const heading = (name: string): Locator => page.getByRole('heading', { level: 1, name })
const sessionList = (): Locator => page.getByRole('listbox', { name: 'Sessions' })
const preview = (): Locator => page.getByRole('complementary', { name: 'Preview' })

/** Fills a fresh data folder with a realistic history through the project's own seed command. */
function seed(dataDir: string): void {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
  const run = spawnSync(npm, ['run', '--silent', 'seed', '--', '--data-dir', dataDir, '--sessions', String(SESSIONS), '--messages', '30'], {
    cwd: root,
    encoding: 'utf8',
    shell: process.platform === 'win32',
  })
  assert.equal(run.status, 0, `npm run seed failed:\n${run.stdout}\n${run.stderr}`)
}

before(async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ollama-desk-e2e-sessions-'))
  seed(dataDir)
  app = await openApp({ dataDir, page: { viewport: { width: 1280, height: 800 }, acceptDownloads: true } })
  ;({ companion, page } = app)
  await goTo(page, 'Sessions')
  await heading('Sessions').waitFor()
})

after(() => app?.close())

describe('sessions', () => {
  test('lists the seeded history in date groups, rendering only what is in view', async () => {
    await sessionList().getByRole('option').first().waitFor()
    const status = (await page.locator('.list-status').textContent()) ?? ''
    const total = Number(/([\d,]+) sessions/.exec(status)?.[1]?.replace(/,/g, ''))
    // Archived sessions are hidden by default, so a little under all of them show.
    assert.ok(total > SESSIONS * 0.8 && total <= SESSIONS, status)
    const rendered = await sessionList().getByRole('option').count()
    assert.ok(rendered > 5 && rendered < 80, `rendered ${rendered} rows`)
    const headers = await page.locator('.list-header').allTextContents()
    assert.ok(headers.some((header) => /Today|Yesterday|Previous|\d{4}|Pinned/.test(header)), headers.join())
    await preview().getByRole('article').first().waitFor()
    await shoot(page, 'sessions')
  })

  test('scrolling pages in more sessions', async () => {
    await sessionList().evaluate((element) => (element.scrollTop = element.scrollHeight))
    await page.waitForFunction(() => [...document.querySelectorAll('[role=option]')].some((option) => Number(option.getAttribute('aria-posinset')) > 400))
    await sessionList().evaluate((element) => (element.scrollTop = 0))
  })

  test('search shows hits with the matched words highlighted', async () => {
    await page.keyboard.press('/')
    await page.keyboard.type('levain')
    const results = page.getByRole('listbox', { name: 'Search results' })
    await results.getByRole('option').first().waitFor()
    const marks = await results.locator('mark').allTextContents()
    assert.ok(marks.length > 0 && marks.every((mark) => mark.toLowerCase().startsWith('levain')), marks.join())
    await preview().getByRole('article').first().waitFor()
    await shoot(page, 'sessions-search')
    await page.getByRole('searchbox', { name: 'Search sessions' }).press('Escape')
    await sessionList().waitFor()
  })

  test('filters by tag', async () => {
    await page.getByRole('combobox', { name: 'Tag', exact: true }).selectOption('travel')
    await page.waitForFunction(() => {
      const titles = [...document.querySelectorAll('[role=option] .row-title-text')].map((title) => title.textContent ?? '')
      return titles.length > 0 && titles.every((title) => title.startsWith('Trip plan: Lisbon'))
    })
    await page.getByRole('combobox', { name: 'Tag', exact: true }).selectOption('')
    await page.waitForFunction(() => [...document.querySelectorAll('[role=option] .row-title-text')].some((title) => !title.textContent?.startsWith('Trip plan')))
  })

  test('opens a long session and scrolls through its conversation', async () => {
    // The row that says it has the most messages.
    const counts = await sessionList().getByRole('option').evaluateAll((options) => options.map((option) => Number(/(\d+) messages/.exec(option.textContent ?? '')?.[1] ?? 0)))
    const longest = counts.indexOf(Math.max(...counts))
    const row = sessionList().getByRole('option').nth(longest)
    const title = (await row.locator('.row-title-text').textContent()) ?? ''
    await row.dblclick()
    await heading('Chat').waitFor()
    assert.match(page.url(), /#\/chat\/[0-9a-f-]{36}$/)
    await page.getByRole('heading', { level: 2, name: title }).waitFor()
    const log = page.getByRole('log', { name: 'Messages' })
    await log.getByRole('article').first().waitFor()
    assert.ok((await log.getByRole('article').count()) < counts[longest]!, 'only part of a long conversation is rendered')
    // A stored conversation can be continued: the composer is there and takes text.
    assert.equal(await page.getByRole('textbox', { name: 'Message' }).isEditable(), true)
    await shoot(page, 'conversation')
    for (let i = 0; i < 40 && (await log.evaluate((element) => element.scrollTop)) > 0; i++) await log.hover().then(() => page.mouse.wheel(0, -1500))
    await log.getByText(/^(How do I|Can you explain|What is the best way|Why does|Give me an example|Compare)/).first().waitFor()
    assert.equal(await log.evaluate((element) => element.scrollTop), 0)
  })

  test('goes back to the list', async () => {
    await page.goBack()
    await heading('Sessions').waitFor()
    await sessionList().getByRole('option').first().waitFor()
  })

  test('deletes a session and undoes it', async () => {
    const first = sessionList().getByRole('option').first()
    const title = (await first.locator('.row-title-text').textContent()) ?? ''
    await first.click()
    await page.keyboard.press('Delete')
    const toast = page.locator('.notice').filter({ hasText: 'moved to the trash' })
    await toast.getByText('moved to the trash').waitFor()
    await page.waitForFunction((gone) => ![...document.querySelectorAll('[role=option] .row-title-text')].some((t) => t.textContent === gone), title)
    await toast.getByRole('button', { name: 'Undo', exact: true }).click()
    await sessionList().getByRole('option').filter({ hasText: title }).first().waitFor()
  })

  test('exports a session as Markdown through a browser download', async () => {
    const title = (await preview().getByRole('heading', { level: 2 }).textContent()) ?? ''
    await preview().getByRole('combobox', { name: 'Export format' }).selectOption('markdown')
    const [download] = await Promise.all([page.waitForEvent('download'), preview().getByRole('button', { name: 'Export' }).click()])
    assert.match(download.suggestedFilename(), /\.md$/)
    const file = await download.path()
    const text = fs.readFileSync(file, 'utf8')
    assert.ok(text.includes(title), `the export names the session "${title}"`)
  })

  test('dark theme', async () => {
    await page.goto(`${companion.origin}/#/settings`)
    await page.locator('label', { hasText: 'Dark' }).click()
    await page.waitForFunction(() => document.documentElement.dataset.theme === 'dark')
    await goTo(page, 'Sessions')
    await sessionList().getByRole('option').first().waitFor()
    await preview().getByRole('article').first().waitFor()
    await shoot(page, 'sessions-dark')
  })
})
