import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { Page } from 'playwright-core'
import { goTo, openApp, sectionTitled, shoot, type OpenApp } from './harness.ts'

/**
 * Settings → Updates in Chromium against the real web companion. The companion does not update
 * itself (the desktop app does), and that is what the section must say, plainly.
 */
let app: OpenApp
let page: Page

before(async () => {
  app = await openApp()
  page = app.page
})

after(() => app?.close())

describe('Settings → Updates', () => {
  test('the web companion says updates are handled by the desktop app', async () => {
    await goTo(page, 'Settings')
    const section = sectionTitled(page, 'Updates')
    await section.getByRole('status').waitFor()
    assert.equal(await section.getByRole('status').textContent(), 'Updates are handled by the desktop app.')
    assert.equal(await section.getByRole('button', { name: 'Check now' }).count(), 0)
    await section.scrollIntoViewIfNeeded()
    await shoot(page, 'settings-updates')
  })
})
