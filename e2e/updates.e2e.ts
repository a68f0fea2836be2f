import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'
import type { Browser, Page } from 'playwright-core'
import { launchBrowser, screenshotDir, startCompanion, startFakeOllama, type Companion } from './harness.ts'

/**
 * Settings → Updates in Chromium against the real web companion. The companion does not update
 * itself (the desktop app does), and that is what the section must say, plainly.
 */
let browser: Browser
let companion: Companion
let ollama: { host: string; close(): Promise<void> }
let page: Page

before(async () => {
  fs.mkdirSync(screenshotDir, { recursive: true })
  ollama = await startFakeOllama()
  companion = await startCompanion({ OLLAMA_HOST: ollama.host })
  browser = await launchBrowser()
  page = await browser.newPage({ viewport: { width: 1280, height: 900 }, colorScheme: 'light' })
  await page.goto(companion.url)
  await page.getByRole('heading', { level: 1, name: 'Chat' }).waitFor()
})

after(async () => {
  await browser?.close()
  await companion?.stop()
  await ollama?.close()
})

describe('Settings → Updates', () => {
  test('the web companion says updates are handled by the desktop app', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings', exact: true }).click()
    const section = page.locator('section', { has: page.getByRole('heading', { name: 'Updates', exact: true }) })
    await section.getByRole('status').waitFor()
    assert.equal(await section.getByRole('status').textContent(), 'Updates are handled by the desktop app.')
    assert.equal(await section.getByRole('button', { name: 'Check now' }).count(), 0)
    await section.scrollIntoViewIfNeeded()
    await page.screenshot({ path: path.join(screenshotDir, 'settings-updates.png') })
  })
})
