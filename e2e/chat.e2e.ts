import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { Page } from 'playwright-core'
import { eventually, goTo, openAppWithFakes, shoot, type OpenAppWithFakes, type ProviderFakes } from './harness.ts'

/**
 * Providers, streaming chat, stop, fallback and the health dashboard, in Chromium against the
 * real web companion and core, with loopback fakes of the OpenAI and Ollama wire protocols.
 */
let app: OpenAppWithFakes
let fakes: ProviderFakes
let page: Page

const words = (count: number): string[] => Array.from({ length: count }, (_, i) => `word${i} `)
const messages = () => page.getByRole('log', { name: 'Messages' })

async function pickModel(search: string, option: RegExp): Promise<void> {
  await page.getByRole('button', { name: /^Model: / }).click()
  await page.getByRole('combobox', { name: 'Search models' }).or(page.getByRole('textbox', { name: 'Search models' })).fill(search)
  await page.getByRole('listbox', { name: 'Models' }).getByRole('option', { name: option }).first().click()
}

async function sendMessage(text: string): Promise<void> {
  await page.getByRole('textbox', { name: 'Message' }).fill(text)
  await page.getByRole('button', { name: 'Send' }).click()
}

before(async () => {
  app = await openAppWithFakes()
  ;({ fakes, page } = app)
})

after(() => app?.close())

describe('providers and chat', () => {
  test('adds an OpenAI provider with a key, normalises its URL and tests the connection', async () => {
    await goTo(page, 'Providers & Health')
    await page.getByRole('heading', { level: 1, name: 'Providers & Health' }).waitFor()
    await page.getByLabel('Add a provider').selectOption({ label: 'OpenAI' })
    await page.getByRole('button', { name: 'Add provider' }).click()
    // Typed the way people paste it: no scheme, no /v1.
    const typed = fakes.openai.replace(/^http:\/\//, '').replace(/\/v1$/, '')
    const url = page.getByLabel('Base URL')
    await url.fill(typed)
    await url.blur()
    await page.getByText(/Added http:\/\//).waitFor()
    await page.getByLabel('API key').fill('sk-e2e-planted-key-0123456789wxyz')
    await page.getByRole('button', { name: 'Save', exact: true }).click()
    await page.getByText('Key set · …wxyz').waitFor()
    assert.equal(await page.getByText('sk-e2e-planted-key-0123456789wxyz').count(), 0)
    const row = page.getByRole('listitem').filter({ hasText: 'OpenAI' }).first()
    await row.getByRole('button', { name: 'Test connection' }).click()
    await page.getByText(/2 models/).waitFor()
    await shoot(page, 'providers-added')
  })

  test('streams a reply with Markdown, then shows tokens, cost and speed', async () => {
    // The token line under replies is off by default: Settings → Chat → Messages turns it on.
    await goTo(page, 'Settings')
    const tokenLine = page.getByRole('checkbox', { name: /Show token counts, speed and time to first token/ })
    await tokenLine.click()
    await eventually(() => tokenLine.isChecked(), 'the token line is turned on')
    await goTo(page, 'Chat')
    await fakes.control({ target: 'openai', script: [{ text: ['Here is a table:\n\n', '| a | b |\n', '|---|---|\n', '| 1 | 2 |\n\n', '```js\n', 'const x = 1\n', '```\n', ...words(30)], chunkDelayMs: 40, usage: { inputTokens: 20, outputTokens: 60 } }] })
    await pickModel('gpt-4o-mini', /gpt-4o-mini/)
    await sendMessage('Show me a table and some code')
    await messages().getByText('word3').waitFor()
    await shoot(page, 'chat-streaming')
    await messages().getByText(/word29/).waitFor()
    await messages().getByText(/20 in · 60 out/).waitFor()
    assert.equal(await messages().getByRole('table').count(), 1)
    await shoot(page, 'chat-reply')
  })

  test('stops mid-reply: the request is cancelled at the provider and the partial text stays', async () => {
    const before = (await fakes.stats()).openai!.aborted
    await fakes.control({ target: 'openai', script: [{ text: words(200), chunkDelayMs: 50 }] })
    await sendMessage('Write a very long answer')
    await messages().getByText('word5').waitFor()
    await page.getByRole('button', { name: 'Stop' }).click()
    await page.getByRole('button', { name: 'Send' }).waitFor()
    await messages().getByText('Stopped', { exact: true }).waitFor()
    await eventually(async () => (await fakes.stats()).openai!.aborted > before, 'the fake saw the client close the stream')
    const text = await messages().innerText()
    assert.match(text, /word5/)
    assert.doesNotMatch(text, /word199/)
  })

  test('falls back to the local Ollama when OpenAI fails, and says which provider answered', async () => {
    await fakes.control({ target: 'openai', fault: { kind: 'status', status: 500 } })
    await fakes.control({ target: 'ollama', script: [{ text: ['The local model ', 'answered.'] }] })
    await sendMessage('Are you there?')
    await messages().getByText('The local model answered.').waitFor()
    await messages().getByText(/Answered by ollama/).waitFor()
    await shoot(page, 'chat-fallback')
  })

  test('the dashboard shows the circuit open after repeated failures', async () => {
    // Another failing turn pushes OpenAI past the breaker threshold (5 failures by default).
    await sendMessage('Once more')
    await messages().getByText('The local model answered.').nth(1).waitFor()
    await goTo(page, 'Providers & Health')
    const card = page.getByRole('article', { name: 'OpenAI health' })
    await card.getByRole('table', { name: 'OpenAI circuit breakers' }).getByText('open', { exact: false }).first().waitFor()
    await shoot(page, 'providers-health')
  })

  test('builds a fallback chain in the routing editor and saves it', async () => {
    const routing = page.getByRole('region', { name: 'Routing, retries and budget' }).or(page.locator('section[aria-labelledby="routing-title"]'))
    const add = page.getByLabel('Add to the chain')
    await add.selectOption({ label: 'OpenAI · gpt-4o-mini' })
    await page.getByRole('button', { name: 'Add to chain' }).click()
    await add.selectOption({ label: 'Ollama (this computer) · llama3.2:latest' })
    await page.getByRole('button', { name: 'Add to chain' }).click()
    await page.getByRole('button', { name: /Move .*llama3\.2:latest up/ }).click()
    await page.getByRole('button', { name: 'Save routing' }).click()
    await page.getByRole('button', { name: 'Save routing' }).and(page.locator('[disabled]')).waitFor()
    await routing.first().scrollIntoViewIfNeeded()
    await shoot(routing.first(), 'providers-routing')
    // The saved order survives a reload.
    await page.reload()
    await page.getByRole('heading', { level: 1, name: 'Providers & Health' }).waitFor()
    const items = page.locator('ol').filter({ hasText: 'gpt-4o-mini' }).getByRole('listitem')
    await items.first().waitFor()
    assert.match(await items.nth(0).innerText(), /llama3\.2:latest/)
    assert.match(await items.nth(1).innerText(), /gpt-4o-mini/)
  })
})
