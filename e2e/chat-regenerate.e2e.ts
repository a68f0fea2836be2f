import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { Page } from 'playwright-core'
import { eventually, openAppWithFakes, shootLooks, type OpenAppWithFakes, type ProviderFakes } from './harness.ts'

/**
 * "Regenerate with…" in Chromium against the real web companion and core, with the loopback
 * Ollama fake listing two models: the new version (‹2/2›) of a reply comes from the model picked
 * in the menu (the request says so, and the reply is labelled with it); the first version stays.
 */
const FIRST = 'llama3.2:latest'
const SECOND = 'qwen3:latest'
let app: OpenAppWithFakes
let fakes: ProviderFakes
let page: Page

const messages = () => page.getByRole('log', { name: 'Messages' })
const replies = () => messages().getByRole('article', { name: /^Assistant/ })
const lastBody = async () => (await fakes.bodies('ollama')).at(-1) as { model: string; messages: { role: string; content: string }[] }

async function settled(): Promise<void> {
  await page.getByRole('button', { name: 'Send' }).waitFor()
  await eventually(async () => (await messages().locator('article[aria-busy="true"]').count()) === 0, 'no reply is being written')
}

before(async () => {
  process.env.FAKES_OLLAMA_MODELS = SECOND
  app = await openAppWithFakes({ page: { viewport: { width: 1280, height: 800 } } })
  ;({ fakes, page } = app)
})

after(async () => {
  delete process.env.FAKES_OLLAMA_MODELS
  await app?.close()
})

describe('regenerate with another model', () => {
  test('the new version comes from the chosen model; the first stays as version 1', async () => {
    await page.getByRole('button', { name: /^Model:/ }).click()
    await page.getByRole('option', { name: new RegExp(`^${FIRST.replace('.', '\\.')}`) }).click()
    await fakes.control({ target: 'ollama', script: [{ text: ['Llama: Paris is the capital of France.'] }] })
    await page.getByRole('textbox', { name: 'Message' }).fill('What is the capital of France?')
    await page.getByRole('button', { name: 'Send' }).click()
    await messages().getByText('Llama: Paris is the capital of France.').waitFor()
    await settled()
    assert.equal((await lastBody()).model, FIRST)

    const reply = replies().last()
    await reply.getByRole('button', { name: 'Regenerate with…' }).click()
    const menu = reply.getByRole('menu', { name: 'Regenerate with' })
    const items = await menu.getByRole('menuitem').allInnerTexts()
    assert.ok(items.some((t) => t.startsWith(SECOND)), `the menu lists ${SECOND}: ${items.join(', ')}`)
    await shootLooks(page, 'chat-regenerate-with-menu', { scrollTo: menu })
    await fakes.control({ target: 'ollama', script: [{ text: ['Qwen: the capital of France is Paris.'] }] })
    await menu.getByRole('menuitem', { name: new RegExp(`^${SECOND.replace('.', '\\.')}`) }).click()
    await messages().getByText('Qwen: the capital of France is Paris.').waitFor()
    await settled()

    // The request went to the chosen model, with the same prompt and no trace of the first reply.
    const body = await lastBody()
    assert.equal(body.model, SECOND)
    assert.equal(body.messages.at(-1)?.content, 'What is the capital of France?')
    assert.ok(!body.messages.some((m) => m.content.includes('Llama:')), 'the first version is not sent as history')
    const second = replies().last()
    await eventually(async () => (await second.getByRole('group', { name: 'Versions' }).innerText()).includes('2/2'), 'the switcher says 2/2')
    assert.equal(await second.locator('.model-chip').innerText(), `${SECOND} · ollama`)
    assert.equal(await messages().getByText('Llama: Paris is the capital of France.').count(), 0)
    await shootLooks(page, 'chat-regenerate-with-2of2', { scrollTo: second })

    // Version 1 is still the first model's.
    await second.getByRole('group', { name: 'Versions' }).getByRole('button', { name: 'Previous version' }).click()
    await messages().getByText('Llama: Paris is the capital of France.').waitFor()
    assert.equal(await replies().last().locator('.model-chip').innerText(), `${FIRST} · ollama`)
    await eventually(async () => (await replies().last().getByRole('group', { name: 'Versions' }).innerText()).includes('1/2'), 'the switcher says 1/2')
  })
})
