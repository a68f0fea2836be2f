import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { Page } from 'playwright-core'
import { startFakeOllamaApi, type FakeOllamaApi } from './fake-ollama-api.ts'
import { goTo, openApp, shoot, type OpenApp } from './harness.ts'

const GB = 1024 ** 3
let app: OpenApp
let ollama: FakeOllamaApi
let page: Page

const shot = (name: string) => shoot(page, name, { fullPage: true })

before(async () => {
  ollama = await startFakeOllamaApi({
    models: [
      { name: 'llama3.2:3b', size: 2_019_393_189, modifiedAt: '2025-09-20T10:00:00Z' },
      { name: 'qwen3:8b', size: 5_225_387_923, family: 'qwen3', parameterSize: '8.2B', modifiedAt: '2025-10-02T08:30:00Z' },
      { name: 'nomic-embed-text', size: 274_302_450, family: 'nomic-bert', parameterSize: '137M', quantization: 'F16', modifiedAt: '2025-08-11T08:30:00Z' },
    ],
    running: ['qwen3:8b'],
    registry: [
      { name: 'gemma3:4b', layers: [Math.round(3.1 * GB), 8_500, 358, 77], steps: 25, stepMs: 40 },
      { name: 'gpt-oss:20b', layers: [13 * GB, 7_200], steps: 400, stepMs: 50 },
    ],
  })
  app = await openApp({ ollamaHost: ollama.host })
  page = app.page
  await goTo(page, 'Models')
  await page.getByRole('heading', { level: 1, name: 'Models' }).waitFor()
})

after(async () => {
  await app?.close()
  await ollama?.close()
})

describe('models screen against a fake Ollama', () => {
  test('lists the installed models and what is loaded', async () => {
    const table = page.getByRole('table')
    await table.getByRole('button', { name: 'qwen3:8b', exact: true }).waitFor()
    assert.equal(await table.getByRole('row').count(), 4)
    await page.getByRole('region', { name: 'Running models' }).getByText('qwen3:8b').waitFor()
    await page.getByRole('region', { name: 'Recommended models' }).getByText('GPU not detected').waitFor()
    await shot('models')
  })

  test('pulls a model with visible per-layer progress, and cancels a second pull', async () => {
    await page.getByRole('textbox', { name: 'Pull a model' }).fill('gemma3:4b')
    await page.getByRole('button', { name: 'Pull', exact: true }).click()
    await page.getByRole('textbox', { name: 'Pull a model' }).fill('gpt-oss:20b')
    await page.getByRole('button', { name: 'Pull', exact: true }).click()
    const first = page.getByRole('listitem', { name: 'Pull gemma3:4b' })
    const second = page.getByRole('listitem', { name: 'Pull gpt-oss:20b' })
    await first.getByRole('progressbar', { name: /^layer / }).first().waitFor()
    await page.waitForFunction(() => {
      const bar = document.querySelector('[aria-label="gemma3:4b overall"]')
      return Number(bar?.getAttribute('aria-valuenow')) >= 30
    })
    await shot('models-pull')
    await second.getByRole('button', { name: 'Cancel' }).click()
    await second.getByText('Cancelled; pull again to resume').waitFor()
    await first.getByText('Pulled').waitFor()
    await page.getByRole('table').getByRole('button', { name: 'gemma3:4b', exact: true }).waitFor()
    assert.ok(ollama.models.has('gemma3:4b'))
    assert.ok(!ollama.models.has('gpt-oss:20b'))
  })

  test('shows details in a drawer', async () => {
    await page.getByRole('table').getByRole('button', { name: 'llama3.2:3b', exact: true }).click()
    const drawer = page.getByRole('dialog', { name: 'Details of llama3.2:3b' })
    await drawer.getByText('LLAMA 3.2 COMMUNITY LICENSE AGREEMENT').waitFor()
    await shot('models-details')
    await drawer.getByRole('button', { name: 'Close' }).click()
  })

  test('deletes a model after an inline confirmation', async () => {
    await page.getByRole('button', { name: 'Delete nomic-embed-text:latest' }).click()
    const confirm = page.getByRole('group', { name: 'Confirm deleting nomic-embed-text:latest' })
    await confirm.getByRole('button', { name: 'Delete' }).click()
    await page.getByRole('table').getByRole('button', { name: 'nomic-embed-text:latest', exact: true }).waitFor({ state: 'detached' })
    assert.ok(!ollama.models.has('nomic-embed-text:latest'))
  })

  test('unloads a running model', async () => {
    const running = page.getByRole('region', { name: 'Running models' })
    await running.getByRole('button', { name: 'Unload' }).click()
    await running.getByText('No model is loaded').waitFor()
    assert.equal(ollama.running.size, 0)
  })
})
