import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { Page } from 'playwright-core'
import { eventually, goTo, openAppWithFakes, shootLooks, type OpenAppWithFakes, type ProviderFakes } from './harness.ts'

/**
 * Per-chat settings, Settings → Chat and drafts, in Chromium against the real web companion and
 * core, with the loopback fake of Ollama's wire protocol (what it received is read back).
 */
let app: OpenAppWithFakes
let fakes: ProviderFakes
let page: Page

const composer = () => page.getByRole('textbox', { name: 'Message' })
const panel = () => page.getByRole('dialog', { name: 'Chat settings' })
const lastOllamaChat = async () => (await fakes.bodies('ollama')).at(-1) as { model?: string; options?: Record<string, unknown>; messages?: { role: string; content: string }[] } | null

const views = (name: string): Promise<void> => shootLooks(page, name)

before(async () => {
  app = await openAppWithFakes({ page: { viewport: { width: 1280, height: 800 } } })
  ;({ fakes, page } = app)
})

after(() => app?.close())

describe('chat settings', () => {
  test('Settings → Chat: the default model applies to a new chat', async () => {
    await goTo(page, 'Settings')
    const section = page.getByRole('region', { name: 'New chats' })
    const select = section.getByLabel('Default model for new chats')
    await eventually(async () => (await select.locator('option').allTextContents()).some((t) => t.includes('llama3.2')), 'the models are listed')
    await select.selectOption({ label: (await select.locator('option').allTextContents()).find((t) => t.includes('llama3.2'))! })
    await section.getByLabel('Default system prompt').fill('You answer like a pirate.')
    await section.getByLabel('Default system prompt').blur()
    await section.scrollIntoViewIfNeeded()
    await views('settings-chat')
    await goTo(page, 'Chat')
    await page.getByRole('button', { name: 'New chat' }).first().click()
    await eventually(async () => /llama3\.2/.test((await page.getByRole('button', { name: /^Model: / }).textContent()) ?? ''), 'the new chat uses the default model')
    await fakes.control({ target: 'ollama', script: [{ text: ['Arr, hello.'] }] })
    await composer().fill('Hello there')
    await page.getByRole('button', { name: 'Send' }).click()
    await page.getByText('Arr, hello.').waitFor()
    const body = await lastOllamaChat()
    assert.equal(body?.model, 'llama3.2:latest')
    assert.deepEqual(body?.messages?.[0], { role: 'system', content: 'You answer like a pirate.' })
  })

  test('parameters set in the panel reach Ollama, and the chat keeps them', async () => {
    await page.getByRole('button', { name: 'Chat settings' }).click()
    await panel().getByLabel(/^Temperature/).fill('0.3')
    await panel().getByLabel(/^Context length/).fill('4096')
    await panel().getByLabel(/^Seed/).fill('42')
    await panel().getByLabel(/^Stop sequences/).fill('END')
    await panel().getByText('sent', { exact: true }).first().waitFor()
    await views('chat-settings-panel')
    await panel().getByRole('button', { name: 'Save' }).click()
    await panel().getByText(/Saved/).waitFor()
    await panel().getByRole('button', { name: 'Close chat settings' }).click()
    await fakes.control({ target: 'ollama', script: [{ text: ['Aye.'] }] })
    await composer().fill('Again')
    await page.getByRole('button', { name: 'Send' }).click()
    await page.getByText('Aye.').waitFor()
    const body = await lastOllamaChat()
    assert.deepEqual(body?.options, { temperature: 0.3, num_ctx: 4096, seed: 42, stop: ['END'] })

    // Reopened after a reload, the chat shows its settings again.
    const url = page.url()
    await page.reload()
    await page.getByRole('heading', { level: 1, name: 'Chat' }).waitFor()
    if (!(await page.getByRole('button', { name: 'Chat settings' }).isVisible())) await page.goto(url)
    await page.getByRole('button', { name: 'Chat settings' }).click()
    await eventually(async () => (await panel().getByLabel(/^Seed/).inputValue()) === '42', 'the seed is restored')
    assert.equal(await panel().getByLabel(/^Temperature/).inputValue(), '0.3')
    assert.equal(await panel().getByLabel(/^Context length/).inputValue(), '4096')
    await panel().getByRole('button', { name: 'Close chat settings' }).click()
  })

  test('a draft survives navigation and a reload', async () => {
    await page.getByRole('button', { name: 'New chat' }).first().click()
    await composer().fill('half a thought, not sent')
    await goTo(page, 'Settings')
    await goTo(page, 'Chat')
    await eventually(async () => (await composer().inputValue()) === 'half a thought, not sent', 'the draft is back after navigating')
    await page.reload()
    await page.getByRole('heading', { level: 1, name: 'Chat' }).waitFor()
    await eventually(async () => (await composer().inputValue()) === 'half a thought, not sent', 'the draft is back after a reload')
  })
})
