import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'
import type { Page } from 'playwright-core'
import { eventually, goTo, openApp, shootLooks, type OpenApp } from './harness.ts'

/**
 * Settings in Chromium against the real web companion: the side navigation follows the page, the
 * search filters cards and highlights the words in place, and the palette and the address open a
 * section or a card directly.
 */
let app: OpenApp
let page: Page

before(async () => {
  app = await openApp({ page: { viewport: { width: 1280, height: 800 } } })
  page = app.page
})

after(() => app?.close())

const sectionsNav = () => page.getByRole('navigation', { name: 'Settings sections' })
const sectionLink = (name: string) => sectionsNav().getByRole('link', { name: new RegExp(`^${name}`) })
const current = async (): Promise<string | null> => sectionsNav().locator('[aria-current="location"] span').first().textContent()
/** The titles of the cards on show. */
const shownCards = (): Promise<string[]> => page.locator('.settings-card-slot:not([hidden]) .card h3').allTextContents()
/** The text of every highlighted search match on the page. */
const highlighted = (): Promise<string[]> => page.evaluate(() => [...(CSS.highlights.get('settings-match') ?? [])].map((range) => (range as Range).toString()))
/** How far a section's title is below the top of the scrolling page. */
const offsetOf = (id: string): Promise<number> =>
  page.evaluate((sectionId) => document.getElementById(sectionId)!.getBoundingClientRect().top - document.getElementById('main')!.getBoundingClientRect().top, id)

describe('Settings: sections, search and direct links', () => {
  test('the side navigation lists the sections and follows the page as it scrolls', async () => {
    await goTo(page, 'Settings')
    await page.getByRole('heading', { level: 3, name: 'Appearance' }).waitFor()
    assert.deepEqual(await sectionsNav().getByRole('link').allTextContents(), ['General', 'Chat', 'Models & Providers', 'Voice', 'Privacy', 'Data', 'Advanced'])
    assert.equal(await current(), 'General')

    await sectionLink('Privacy').click()
    await eventually(async () => Math.abs(await offsetOf('settings-section-privacy')) < 40, 'Privacy is scrolled to the top')
    assert.equal(await current(), 'Privacy')
    assert.equal(new URL(page.url()).hash, '#/settings/privacy')
    await shootLooks(page, 'settings-privacy')

    // Scrolling by hand moves the marker to the section being read.
    await page.locator('#main').hover()
    await page.mouse.wheel(0, -100_000)
    await eventually(async () => (await current()) === 'General', 'back at the top, General is marked')
    await page.evaluate(() => {
      const main = document.getElementById('main')!
      main.scrollTop += document.getElementById('settings-section-voice')!.getBoundingClientRect().top - main.getBoundingClientRect().top
    })
    await page.mouse.wheel(0, 1)
    await eventually(async () => (await current()) === 'Voice', 'scrolled to Voice, Voice is marked')
  })

  test('search keeps the matching cards, highlights the words, and counts matches per section', async () => {
    await goTo(page, 'Settings')
    const search = page.getByRole('searchbox', { name: 'Search settings' })
    await page.keyboard.press('Control+f')
    await eventually(async () => await search.evaluate((el) => el === document.activeElement), 'Ctrl+F puts the cursor in the search')
    await search.fill('microphone button')
    await eventually(async () => (await shownCards()).join() === 'Dictation and read aloud', 'only the voice card is left')
    await eventually(async () => (await highlighted()).some((text) => text.toLowerCase() === 'microphone'), 'the words are highlighted where they show')
    assert.equal(await sectionLink('Voice').getByLabel('1 match').count(), 1)
    assert.equal(await sectionLink('General').getAttribute('aria-disabled'), 'true')
    await shootLooks(page, 'settings-search')

    await search.fill('otlp')
    await eventually(async () => (await shownCards()).join() === 'Tracing (OpenTelemetry)', 'a word only the index knows finds Tracing')

    await search.fill('no such setting at all')
    await page.getByText('No setting matches “no such setting at all”.').waitFor()
    assert.deepEqual(await shownCards(), [])
    await search.press('Escape')
    await eventually(async () => (await shownCards()).length >= 14, 'Escape brings every card back')
    assert.deepEqual(await highlighted(), [])
  })

  test('the command palette opens a section, or one card, directly', async () => {
    await goTo(page, 'Chat')
    await page.keyboard.press('Control+k')
    const palette = page.getByRole('dialog', { name: 'Command palette' })
    await palette.getByRole('combobox').fill('settings data')
    await palette.getByRole('option').filter({ hasText: /^SettingsData/ }).first().click()
    await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor()
    await eventually(async () => (await current()) === 'Data', 'Data is marked')
    await eventually(async () => Math.abs(await offsetOf('settings-section-data')) < 40, 'Data is at the top')
    assert.equal(new URL(page.url()).hash, '#/settings/data')

    await page.keyboard.press('Control+k')
    await palette.getByRole('combobox').fill('developer')
    await palette.getByRole('option').filter({ hasText: 'Advanced › Developer' }).click()
    await eventually(async () => (await page.evaluate(() => document.activeElement?.id)) === 'settings-card-developer', 'the Developer card has the focus')
    assert.equal(new URL(page.url()).hash, '#/settings/advanced/developer')
    assert.equal(await current(), 'Advanced')
    assert.ok(await page.locator('#settings-card-developer').isVisible())

    // The address alone opens the same place, after a reload too.
    await page.goto(`${app.companion.origin}/#/settings/voice`)
    await page.reload()
    await page.getByRole('heading', { level: 3, name: 'Dictation and read aloud' }).waitFor()
    await eventually(async () => (await current()) === 'Voice', 'the address opens Voice')
    await eventually(async () => Math.abs(await offsetOf('settings-section-voice')) < 40, 'Voice is at the top')
  })
})

describe('Settings → Chat → Messages', () => {
  test('text size, code colours, density and the token line apply at once, as the preview shows', async () => {
    await page.goto(`${app.companion.origin}/#/settings/chat/chat-display`)
    const card = page.locator('section', { has: page.getByRole('heading', { level: 3, name: 'Messages', exact: true }) })
    const preview = card.getByRole('group', { name: 'Preview' })
    await preview.locator('.message-body').waitFor()
    const style = (selector: string, property: string): Promise<string> => preview.locator(selector).first().evaluate((el, name) => getComputedStyle(el).getPropertyValue(name), property)
    assert.equal(await style('.message-body', 'font-size'), '14px')

    await card.getByRole('slider', { name: /Font size/ }).fill('18')
    await eventually(async () => (await style('.message-body', 'font-size')) === '18px', 'the message text is 18 px')
    await card.getByRole('combobox', { name: 'Code theme' }).selectOption('high-contrast')
    await eventually(async () => (await style('pre', 'background-color')) === 'rgb(11, 13, 18)', 'code blocks take the high-contrast colours')
    await card.getByText('Compact', { exact: true }).click()
    await eventually(async () => (await style('.message', 'padding-top')) === '6px', 'messages are compact')
    assert.equal(await preview.getByText(/tok\/s/).count(), 0)
    const tokenLine = card.getByRole('checkbox', { name: /Show token counts/ })
    await tokenLine.click()
    await preview.getByText('31.5 tok/s').waitFor()
    await shootLooks(page, 'settings-chat-display', { scrollTo: card })

    // Saved: a reload keeps them.
    await page.reload()
    await preview.locator('.message-body').waitFor()
    await eventually(async () => (await style('.message-body', 'font-size')) === '18px', 'the size is kept after a reload')
    assert.ok(await tokenLine.isChecked())
  })
})

describe('Settings → Data, the shortcuts sheet and the sidebar groups', () => {
  test('backs up, restores by merging or (after a confirmation) replacing, and exports every chat to a zip', async () => {
    await page.goto(`${app.companion.origin}/#/settings/data`)
    const card = page.locator('section', { has: page.getByRole('heading', { level: 3, name: 'Your data', exact: true }) })
    await card.getByRole('button', { name: 'Back up now' }).click()
    await page.getByText(/^Backed up your history/).waitFor()
    const backupPath = await card.getByRole('textbox', { name: 'Backup file (full path)' }).inputValue()
    assert.ok(fs.existsSync(backupPath), `the backup is on disk: ${backupPath}`)

    await card.getByRole('button', { name: 'Restore', exact: true }).click()
    await page.getByText(/^Restored \d+ chats and \d+ messages; nothing you had was changed\./).waitFor()

    await card.getByText('Replace everything').click()
    await card.getByRole('button', { name: 'Replace with this backup…' }).click()
    await card.getByRole('group', { name: 'Confirm replace' }).waitFor()
    await shootLooks(page, 'settings-data', { scrollTo: card })
    await card.getByRole('button', { name: 'Replace', exact: true }).click()
    await page.getByText(/^Your previous history was saved to /).waitFor()

    const zip = path.join(app.companion.dataDir, 'every-chat.zip')
    await card.getByRole('textbox', { name: /Zip file/ }).fill(zip)
    await card.getByRole('button', { name: 'Export all' }).click()
    await page.getByText(/^Exported \d+ chats/).waitFor()
    assert.equal(fs.readFileSync(zip).subarray(0, 2).toString(), 'PK')
    // A second export to the same file is refused unless replacing it is ticked.
    await card.getByRole('button', { name: 'Export all' }).click()
    await page.getByText(/already exists/).first().waitFor()

    // Delete all chats: only with the phrase typed; a backup comes first and restores them.
    await card.getByRole('button', { name: 'Delete all chats…' }).click()
    await card.getByRole('textbox', { name: /Type “delete all my chats” to confirm/ }).fill('delete all my chats')
    await shootLooks(page, 'settings-data-delete', { scrollTo: card.getByRole('group', { name: 'Confirm deleting all chats' }) })
    await card.getByRole('button', { name: 'Delete everything' }).click()
    await page.getByText(/^Deleted \d+ chats\./).waitFor()
    const backup = await card.getByRole('textbox', { name: 'Backup file (full path)' }).inputValue()
    assert.match(path.basename(backup), /^before-delete-all-/)
    assert.ok(fs.existsSync(backup))
  })

  test('? shows every shortcut; Esc closes it', async () => {
    await goTo(page, 'Sessions')
    await page.getByRole('heading', { level: 1, name: 'Sessions' }).waitFor()
    await page.locator('body').press('?')
    const sheet = page.getByRole('dialog', { name: 'Keyboard shortcuts' })
    await sheet.waitFor()
    assert.deepEqual(await sheet.getByRole('heading', { level: 3 }).allTextContents(), ['Anywhere', 'Chat', 'Sessions', 'Settings', 'Tool approvals'])
    await sheet.getByText('Go to Cluster').waitFor()
    await shootLooks(page, 'shortcuts-sheet')
    await page.keyboard.press('Escape')
    await eventually(async () => (await sheet.count()) === 0, 'Esc closes the sheet')
  })

  test('the sidebar: everyday screens, then Cluster under Advanced, Settings last', async () => {
    const nav = page.getByRole('navigation', { name: 'Main' })
    const lists = nav.getByRole('list')
    assert.deepEqual(await lists.nth(0).getByRole('link').allTextContents(), ['Chat', 'Sessions', 'Models', 'Providers & Health', 'Agents', 'Tools & MCP'])
    assert.deepEqual(await nav.getByRole('list', { name: 'Advanced' }).getByRole('link').allTextContents(), ['Cluster'])
    assert.deepEqual(await lists.nth(2).getByRole('link').allTextContents(), ['Settings'])
    await shootLooks(page, 'sidebar-groups')
  })
})
