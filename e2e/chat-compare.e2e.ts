import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { Page } from 'playwright-core'
import { eventually, openAppWithFakes, shootLooks, type OpenAppWithFakes, type ProviderFakes } from './harness.ts'

/**
 * Compare models side by side, in Chromium against the real web companion and core, with the
 * loopback Ollama fake listing two models: one prompt goes to both, each column streams with its
 * own tokens/s, time to first token and cost; "Use this reply" on the second continues the chat on
 * it (‹2/2›, the first stays a version), and a reload keeps it.
 */
const FIRST = 'llama3.2:latest'
const SECOND = 'qwen3:latest'
/** Listed too, and the only one that can see pictures. */
const SEEING = 'llava:latest'
const PIXEL = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64')
let app: OpenAppWithFakes
let fakes: ProviderFakes
let page: Page

const messages = () => page.getByRole('log', { name: 'Messages' })
const replies = () => messages().getByRole('article', { name: /^Assistant/ })
const compareView = () => page.getByRole('region', { name: 'Compare models' })
const column = (model: string) => compareView().getByRole('article', { name: `Reply from ${model}` })

/** Turns Compare on, ticks both models and sends `prompt`. */
async function compareBoth(prompt: string): Promise<void> {
  const compare = page.getByRole('button', { name: 'Compare models' })
  if ((await compare.getAttribute('aria-pressed')) !== 'true') await compare.click()
  assert.equal(await compare.getAttribute('aria-pressed'), 'true')
  for (const model of [FIRST, SECOND]) await page.getByRole('checkbox', { name: new RegExp(`^${model.replace('.', '\\.')}`) }).check()
  await page.getByRole('textbox', { name: 'Message' }).fill(prompt)
  await page.getByRole('button', { name: 'Send' }).click()
}

before(async () => {
  process.env.FAKES_OLLAMA_MODELS = `${SECOND},${SEEING}`
  process.env.FAKES_OLLAMA_VISION = SEEING
  app = await openAppWithFakes({ page: { viewport: { width: 1280, height: 800 } } })
  ;({ fakes, page } = app)
})

after(async () => {
  delete process.env.FAKES_OLLAMA_MODELS
  delete process.env.FAKES_OLLAMA_VISION
  await app?.close()
})

describe('compare models', () => {
  test('two models answer side by side with speed and first-token time; the second one continues the chat', async () => {
    const words = (text: string) => text.split(/(?<= )/)
    await fakes.control({
      target: 'ollama',
      script: [
        { text: words('Llama says: the sky is blue because of Rayleigh scattering. '), chunkDelayMs: 30 },
        { text: words('Qwen says: sunlight scatters off air molecules, blue the most. '), chunkDelayMs: 30 },
      ],
    })
    await compareBoth('Why is the sky blue?')

    await column(FIRST).getByText('Rayleigh scattering', { exact: false }).waitFor()
    await column(SECOND).getByText('air molecules', { exact: false }).waitFor()
    await eventually(async () => (await compareView().locator('article[aria-busy="true"]').count()) === 0, 'both columns finished')
    for (const model of [FIRST, SECOND]) {
      const stats = await column(model).getByLabel('Speed and cost').innerText()
      assert.match(stats, /\d+(\.\d)? tok\/s/, `${model} shows its speed: ${stats}`)
      assert.match(stats, /first token \d+(\.\d)? (ms|s)/, `${model} shows its time to first token: ${stats}`)
      assert.match(stats, /free/, `${model} is local, so free: ${stats}`)
    }
    const requests = (await fakes.bodies('ollama')) as { model?: string }[]
    assert.deepEqual(requests.slice(-2).map((body) => body.model).sort(), [FIRST, SECOND].sort(), 'each model was asked once')

    await shootLooks(page, 'chat-compare')

    await column(SECOND).getByRole('button', { name: 'Use this reply' }).click()
    await compareView().waitFor({ state: 'detached' })
    await messages().getByText('air molecules', { exact: false }).waitFor()
    assert.equal(await messages().getByText('Rayleigh scattering', { exact: false }).count(), 0, 'the other reply is a version, not shown')
    await eventually(async () => (await replies().last().getByRole('group', { name: 'Versions' }).innerText()).includes('2/2'), 'the switcher says 2/2')

    await page.reload()
    await messages().getByText('air molecules', { exact: false }).waitFor()
    assert.match(await replies().last().getByRole('group', { name: 'Versions' }).innerText(), /2\/2/)
    assert.equal(await messages().getByText('Rayleigh scattering', { exact: false }).count(), 0)

    // The first model's reply is still there, one step back.
    await replies().last().getByRole('button', { name: 'Previous version' }).click()
    await messages().getByText('Rayleigh scattering', { exact: false }).waitFor()
  })

  test('the columns show their speed while they stream, and Esc stops every one', async () => {
    const many = (who: string) => Array.from({ length: 200 }, (_, i) => `${who}${i} `)
    await fakes.control({ target: 'ollama', script: [{ text: many('alpha'), chunkDelayMs: 50 }, { text: many('beta'), chunkDelayMs: 50 }] })
    await compareBoth('Count for me')
    const live = async (model: string): Promise<boolean> =>
      (await column(model).getAttribute('aria-busy')) === 'true' && /\d+(\.\d)? tok\/s[\s\S]*first token \d/.test(await column(model).getByLabel('Speed and cost').innerText())
    await eventually(async () => (await live(FIRST)) && (await live(SECOND)), 'both columns stream with a live speed and first-token time')
    await page.keyboard.press('Escape')
    for (const model of [FIRST, SECOND]) await column(model).getByText('Stopped', { exact: true }).waitFor()
    for (const model of [FIRST, SECOND]) assert.equal(await column(model).getByRole('alert').count(), 0, `${model}: a stop is not an error`)
    assert.doesNotMatch(await column(FIRST).innerText(), /alpha199/)
    assert.doesNotMatch(await column(SECOND).innerText(), /beta199/)
  })

  test('a picture goes to no model when some ticked models cannot see it: the note names them and nothing is sent', async () => {
    const compare = page.getByRole('button', { name: 'Compare models' })
    if ((await compare.getAttribute('aria-pressed')) !== 'true') await compare.click()
    for (const model of [FIRST, SECOND, SEEING]) await page.getByRole('checkbox', { name: new RegExp(`^${model.replace('.', '\\.')}`) }).check()
    const before = (await fakes.bodies('ollama')).length
    await page.locator('input[type="file"][aria-label="Files to attach"]').setInputFiles([{ name: 'pixel.png', mimeType: 'image/png', buffer: PIXEL }])
    await page.getByRole('list', { name: 'Pictures to send' }).getByRole('img').waitFor()
    await page.getByRole('textbox', { name: 'Message' }).fill('What is in this picture?')
    await page.getByRole('button', { name: 'Send' }).click()
    const note = page.locator('.composer-note')
    await eventually(async () => /cannot see pictures, so nothing was sent\. Untick them/.test((await note.textContent()) ?? ''), 'the no-vision note for the compared models')
    const said = (await note.textContent()) ?? ''
    assert.match(said, /llama3\.2.* and qwen3/, said)
    assert.doesNotMatch(said, /llava/, said)
    assert.equal((await fakes.bodies('ollama')).length, before, 'nothing reached the fake Ollama')
    assert.equal(await page.getByRole('textbox', { name: 'Message' }).inputValue(), 'What is in this picture?', 'the draft is kept')
    await shootLooks(page, 'chat-compare-no-vision')
  })
})
