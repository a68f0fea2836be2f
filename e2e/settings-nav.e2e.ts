import assert from 'node:assert/strict'
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
    await search.fill('push to talk')
    await eventually(async () => (await shownCards()).join() === 'Dictation and read aloud', 'only the voice card is left')
    await eventually(async () => (await highlighted()).some((text) => text.toLowerCase() === 'push'), 'the words are highlighted')
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
