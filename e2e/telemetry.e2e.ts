import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { Page } from 'playwright-core'
import { startOtlpReceiver, type OtlpReceiver } from '../test/telemetry/otlp-receiver.ts'
import { goTo, openAppWithFakes, sectionTitled, shoot, type OpenAppWithFakes, type ProviderFakes } from './harness.ts'

/**
 * Tracing in Chromium against the real web companion: point it at a loopback OTLP receiver,
 * send a test span, turn tracing on and see a chat's span arrive.
 */
let app: OpenAppWithFakes
let fakes: ProviderFakes
let receiver: OtlpReceiver
let page: Page

before(async () => {
  receiver = await startOtlpReceiver()
  app = await openAppWithFakes()
  ;({ fakes, page } = app)
})

after(async () => {
  await app?.close()
  await receiver?.close()
})

describe('Settings → Tracing', () => {
  test('off by default; a test span reaches the collector', async () => {
    await goTo(page, 'Settings')
    const section = sectionTitled(page, 'Tracing (OpenTelemetry)')
    const toggle = section.getByRole('switch', { name: 'Send traces to an OpenTelemetry collector' })
    assert.equal(await toggle.isChecked(), false)
    await section.getByRole('textbox', { name: 'Collector endpoint (OTLP/HTTP)' }).fill(receiver.url)
    await section.getByRole('button', { name: 'Save endpoint' }).click()
    await section.getByRole('button', { name: 'Send test span' }).click()
    await section.getByLabel('Test span result').filter({ hasText: 'The collector accepted the test span' }).waitFor()
    assert.ok(receiver.spans.some((span) => span.name === 'ollama_desk.test'))
  })

  test('turned on, a chat’s span is exported and counted', async () => {
    const section = sectionTitled(page, 'Tracing (OpenTelemetry)')
    // The switch shows the saved setting, so it flips once the core has saved it: wait for that.
    await section.getByRole('switch', { name: 'Send traces to an OpenTelemetry collector' }).click()
    await section.getByLabel('Tracing status').filter({ hasText: /^On/ }).waitFor()
    assert.equal(await section.getByRole('switch', { name: 'Send traces to an OpenTelemetry collector' }).isChecked(), true)
    await fakes.control({ target: 'ollama', script: [{ text: ['Traced ', 'hello.'] }] })
    await goTo(page, 'Chat')
    await page.getByRole('textbox', { name: 'Message' }).fill('hello')
    await page.getByRole('button', { name: 'Send' }).click()
    await page.getByText('Traced hello.').waitFor()
    await goTo(page, 'Settings')
    // Spans leave in batches every 2 s; the counts refresh every 5 s.
    await section.getByLabel('Tracing status').filter({ hasText: /On · [1-9]\d* spans? exported · 0 failed/ }).waitFor()
    const chat = receiver.spans.find((span) => span.name.startsWith('chat '))
    assert.ok(chat, `spans: ${receiver.spans.map((span) => span.name).join(', ')}`)
    assert.equal(chat.attributes['gen_ai.provider.name'], 'ollama')
    assert.ok(!JSON.stringify(receiver.requests.map((r) => r.body)).includes('Traced hello.'))
    await section.getByRole('button', { name: 'Send test span' }).click()
    await section.getByLabel('Test span result').filter({ hasText: 'The collector accepted the test span' }).waitFor()
    await section.scrollIntoViewIfNeeded()
    await shoot(page, 'settings-telemetry')
  })
})
