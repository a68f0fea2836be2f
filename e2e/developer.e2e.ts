import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'
import { strFromU8, unzipSync } from 'fflate'
import type { Page } from 'playwright-core'
import { eventually, goTo, openApp, sectionTitled, shoot, type Companion, type OpenApp } from './harness.ts'

/**
 * Settings → Developer in Chromium against the real web companion: Copy diagnostics writes a
 * real zip with no secrets in it, renderer errors reach the main log scrubbed, and the developer
 * panel lists the core's performance marks and saves a CPU profile.
 */
let app: OpenApp
let companion: Companion
let page: Page

const PLANTED = 'sk-proj-e2ePLANTEDkey0123456789abcdef'
const developer = () => sectionTitled(page, 'Developer')

before(async () => {
  app = await openApp({ page: { permissions: ['clipboard-read', 'clipboard-write'] } })
  ;({ companion, page } = app)
})

after(() => app?.close())

describe('Settings → Developer', () => {
  test('a renderer error reaches the main log with the key scrubbed', async () => {
    await page.evaluate((key) => console.error(`e2e renderer failure with ${key}`), PLANTED)
    const logFile = path.join(companion.dataDir, 'logs', 'ollama-desk.log')
    let text = ''
    for (let tries = 0; tries < 50 && !text.includes('e2e renderer failure'); tries++) {
      await new Promise((resolve) => setTimeout(resolve, 100))
      text = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : ''
    }
    assert.match(text, /"component":"renderer".*e2e renderer failure with \[redacted\]/)
    assert.ok(!text.includes(PLANTED))
  })

  test('Copy diagnostics copies a summary and writes a real zip without secrets', async () => {
    await goTo(page, 'Settings')
    const card = developer()
    await card.getByRole('button', { name: 'Copy diagnostics' }).click()
    const status = card.getByRole('status').filter({ hasText: 'Copied a summary to the clipboard.' })
    await status.waitFor()
    const zipPath = (await status.locator('code').textContent()) ?? ''
    assert.ok(zipPath.startsWith(path.join(companion.dataDir, 'diagnostics')), zipPath)
    const clipboard = await page.evaluate(() => navigator.clipboard.readText())
    assert.match(clipboard, /^Ollama Desk .* \(web\)/)
    assert.ok(clipboard.includes(`Diagnostics bundle: ${zipPath}`))
    const files = unzipSync(fs.readFileSync(zipPath))
    for (const name of ['logs/ollama-desk.log', 'config/settings.json', 'checks.json', 'summary.txt', 'versions.json']) assert.ok(name in files, name)
    const everything = Object.values(files).map((bytes) => strFromU8(bytes)).join('\n')
    assert.ok(everything.includes('e2e renderer failure with [redacted]'))
    assert.ok(!everything.includes(PLANTED))
  })

  test('the developer panel lists marks and saves a CPU profile', async () => {
    // The history is opened and queried on the Sessions screen: store marks to list.
    await goTo(page, 'Sessions')
    await page.getByRole('heading', { level: 1, name: 'Sessions' }).waitFor()
    await goTo(page, 'Settings')
    const card = developer()
    await card.getByRole('switch', { name: 'Show the developer panel' }).click()
    const table = card.getByRole('table', { name: 'Performance marks' })
    await table.waitFor()
    // The Sessions screen's first query may still be on its way on a busy machine: refresh until it is listed.
    const markNames = () => table.locator('tbody td code').allTextContents()
    await eventually(async () => {
      if ((await markNames()).some((name) => name.startsWith('store.'))) return true
      await card.getByRole('button', { name: 'Refresh', exact: true }).click()
      return false
    }, 'a store query is listed among the marks')
    const names = await markNames()
    assert.ok(names.includes('startup.core'), names.join(', '))
    assert.ok(names.some((name) => name.startsWith('store.')), names.join(', '))
    const toggle = card.getByRole('switch', { name: 'CPU profile' })
    await toggle.click()
    await card.getByLabel('CPU profile status').filter({ hasText: 'Profiling the main process since' }).waitFor()
    await toggle.click()
    const saved = card.getByLabel('CPU profile status').filter({ hasText: 'Saved to' })
    await saved.waitFor()
    const profile = (await saved.locator('code').textContent()) ?? ''
    assert.equal(path.dirname(profile), path.join(companion.dataDir, 'profiles'))
    assert.ok(Array.isArray((JSON.parse(fs.readFileSync(profile, 'utf8')) as { nodes: unknown[] }).nodes))
    // All of the section at once: the copied summary as well as the panel.
    await card.getByRole('button', { name: 'Copy diagnostics' }).click()
    await card.getByRole('status').filter({ hasText: 'Copied a summary to the clipboard.' }).waitFor()
    await card.scrollIntoViewIfNeeded()
    await shoot(card, 'settings-developer')
  })
})
