import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'
import type { Browser, Page } from 'playwright-core'
import { goTo, openApp, sectionTitled, shoot, type Companion, type OpenApp } from './harness.ts'

const screens = [
  { id: 'chat', heading: 'Chat' },
  { id: 'sessions', heading: 'Sessions' },
  { id: 'models', heading: 'Models' },
  { id: 'providers', heading: 'Providers & Health' },
  { id: 'agents', heading: 'Agents' },
  { id: 'tools', heading: 'Tools & MCP' },
  { id: 'settings', heading: 'Settings' },
]

let app: OpenApp
let browser: Browser
let companion: Companion
let page: Page

before(async () => {
  app = await openApp({ page: { viewport: { width: 1280, height: 800 } } })
  ;({ browser, companion, page } = app)
})

after(() => app?.close())

describe('web companion', () => {
  test('refuses a browser without the token', async () => {
    const context = await browser.newContext()
    const response = await (await context.newPage()).goto(companion.origin)
    assert.equal(response?.status(), 401)
    await context.close()
  })

  test('drops the token from the address bar after trading it for a cookie', () => {
    assert.ok(!page.url().includes('token='), page.url())
  })

  test('shows the connection and Ollama status', async () => {
    await page.getByRole('status').filter({ hasText: 'Web companion' }).waitFor()
    // Ollama is fine: a dot with its version in the sidebar, the details one click away.
    const dot = page.getByRole('button', { name: 'Ollama 0.12.6: running' })
    await dot.getByText('Ollama 0.12.6').waitFor()
    await shoot(page, 'chat')
    await dot.click()
    await page.getByRole('dialog', { name: 'Ollama status' }).getByText('Answered in').waitFor()
    await dot.click()
  })

  for (const screen of screens) {
    test(`navigates to ${screen.heading}`, async () => {
      await goTo(page, screen.heading)
      await page.getByRole('heading', { level: 1, name: screen.heading }).waitFor()
      assert.ok(page.url().endsWith(`#/${screen.id}`))
      if (screen.id !== 'chat') await shoot(page, screen.id === 'sessions' ? 'sessions-empty' : screen.id === 'models' ? 'models-status' : screen.id)
    })
  }

  test('keyboard shortcut Ctrl+3 goes to Models, and back/forward work', async () => {
    await page.keyboard.press('Control+3')
    await page.getByRole('heading', { level: 1, name: 'Models' }).waitFor()
    await page.goBack()
    await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor()
  })

  test('command palette finds a screen by fuzzy text and opens it', async () => {
    await page.keyboard.press('Control+K')
    // The palette's own box and list: the screen behind it has selects of its own.
    const palette = page.getByRole('dialog')
    const input = palette.getByRole('combobox')
    await input.fill('prv hlth')
    const options = palette.getByRole('option')
    assert.match((await options.first().textContent()) ?? '', /Providers & Health/)
    await shoot(page, 'command-palette')
    await page.keyboard.press('Enter')
    await page.getByRole('heading', { level: 1, name: 'Providers & Health' }).waitFor()
    assert.equal(await page.getByRole('dialog').count(), 0)
  })

  test('theme and accent persist across a reload', async () => {
    await page.goto(`${companion.origin}/#/settings`)
    await page.locator('label', { hasText: 'Dark' }).click()
    await page.waitForFunction(() => document.documentElement.dataset.theme === 'dark')
    await page.getByRole('button', { name: 'Accent #10b981' }).click()
    await page.waitForFunction(() => document.documentElement.style.getPropertyValue('--accent') === '#10b981')
    await page.reload()
    await page.waitForFunction(() => document.documentElement.dataset.theme === 'dark')
    assert.equal(await page.evaluate(() => document.documentElement.style.getPropertyValue('--accent')), '#10b981')
  })

  test('diagnostics show each check with its status', async () => {
    await page.getByRole('button', { name: 'Run checks' }).click()
    await page.locator('.check').first().waitFor()
    const text = await page.locator('.checks').textContent()
    assert.match(text ?? '', /Ollama/)
    assert.match(text ?? '', /Data folder/)
    await shoot(page, 'settings-dark')
  })

  test('a bad Ollama host is explained, not saved', async () => {
    // Settings has several sections with fields and buttons of their own: this is the Ollama one.
    const ollama = sectionTitled(page, 'Ollama')
    const host = ollama.getByRole('textbox', { name: 'Host', exact: true })
    await host.fill('ftp://nowhere')
    await ollama.getByRole('button', { name: 'Test', exact: true }).click()
    await ollama.getByRole('status').filter({ hasText: /Ollama speaks http or https/ }).waitFor()
    await ollama.getByRole('button', { name: 'Save', exact: true }).click()
    await page.getByRole('alert').filter({ hasText: /http or https/ }).waitFor() // a notice, outside the section
    await shoot(page, 'settings-error')
    const saved = JSON.parse(fs.readFileSync(path.join(companion.dataDir, 'settings.json'), 'utf8')) as { ollama: { host: string } }
    assert.equal(saved.ollama.host, 'http://127.0.0.1:11434')
  })
})
