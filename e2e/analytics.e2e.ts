import assert from 'node:assert/strict'
import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'
import type { Page } from 'playwright-core'
import { listenOnLoopback, type Listening } from '../test/support/loopback-server.ts'
import { goTo, openAppWithFakes, sectionTitled, shoot, type Companion, type OpenAppWithFakes, type ProviderFakes } from './harness.ts'

/**
 * Opt-in analytics in Chromium against the real web companion: the one-time question after
 * onboarding, consent given with a loopback collector as the endpoint, a chat, and the events that
 * reached the collector listed in Settings.
 */
let app: OpenAppWithFakes
let companion: Companion
let fakes: ProviderFakes
let page: Page
let collector: Listening
let collectorUrl: string
const bodies: string[] = []

const PROMPT = 'my private question about /home/alice/taxes.pdf'
const events = () => bodies.flatMap((body) => (JSON.parse(body) as { events: { type: string; fields: Record<string, unknown> }[] }).events)

before(async () => {
  collector = await listenOnLoopback(
    http.createServer((req, res) => {
      let body = ''
      req.on('data', (part: Buffer) => (body += part.toString()))
      req.on('end', () => {
        bodies.push(body)
        res.writeHead(204).end()
      })
    }),
  )
  collectorUrl = `http://127.0.0.1:${collector.port}/events`
  // Setup is done and a self-hosted collector address is set; the user has not been asked yet.
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ollama-desk-e2e-'))
  fs.writeFileSync(path.join(dataDir, 'settings.json'), JSON.stringify({ version: 1, onboarding: { completed: true }, analytics: { endpoint: collectorUrl } }))
  app = await openAppWithFakes({ dataDir })
  ;({ companion, fakes, page } = app)
})

after(async () => {
  await app?.close()
  await collector?.close()
})

describe('Usage analytics', () => {
  test('asked once after onboarding, in plain words; nothing is sent before the answer', async () => {
    const question = page.getByRole('complementary', { name: 'Help improve Ollama Desk?' })
    await question.waitFor()
    const text = await question.textContent()
    assert.ok(text?.includes(`never your prompts, replies, files or keys — to ${collectorUrl}`), text ?? '')
    await shoot(page, 'analytics-consent')
    assert.deepEqual(bodies, [])
    await question.getByRole('button', { name: 'Yes, share' }).click()
    await question.waitFor({ state: 'detached' })
  })

  test('granted: a chat is counted, the collector gets only allow-listed fields, and Settings lists what was sent', async () => {
    await fakes.control({ target: 'ollama', script: [{ text: ['Counted ', 'reply.'] }] })
    await page.getByRole('textbox', { name: 'Message' }).fill(PROMPT)
    await page.getByRole('button', { name: 'Send' }).click()
    await page.getByText('Counted reply.').waitFor()
    await goTo(page, 'Settings')
    const section = sectionTitled(page, 'Usage analytics')
    assert.equal(await section.getByRole('switch', { name: 'Share anonymous usage counts' }).isChecked(), true)
    const table = section.getByRole('table', { name: 'Sent events' })
    // Events leave in batches a few seconds apart; the table follows analytics.changed.
    await table.getByRole('cell', { name: 'chat_completed' }).waitFor()
    await table.getByRole('cell', { name: 'app_started' }).waitFor()
    assert.deepEqual(
      events().map((event) => event.type),
      ['app_started', 'chat_completed'],
    )
    assert.deepEqual(Object.keys(events()[1]!.fields).sort(), ['duration_ms_bucket', 'fell_back', 'provider_kind', 'tokens_bucket', 'tool_calls'])
    assert.equal(events()[1]!.fields.provider_kind, 'ollama')
    const raw = bodies.join('\n')
    for (const secret of [PROMPT, 'taxes', 'Counted reply', companion.dataDir]) assert.ok(!raw.includes(secret), `the collector saw ${secret}`)
    await section.getByLabel('Analytics status').filter({ hasText: /On · 2 events sent · 0 failed/ }).waitFor()
    await section.scrollIntoViewIfNeeded()
    await shoot(page, 'settings-analytics')
  })

  test('turned off: the install id is gone and later chats send nothing', async () => {
    const section = sectionTitled(page, 'Usage analytics')
    await section.getByRole('switch', { name: 'Share anonymous usage counts' }).click()
    await section.getByLabel('Analytics status').filter({ hasText: 'Off: nothing is recorded or sent.' }).waitFor()
    assert.equal(await section.getByRole('button', { name: 'Reset id' }).count(), 0)
    assert.equal(fs.existsSync(path.join(companion.dataDir, 'analytics-id.json')), false)
    const before = bodies.length
    await fakes.control({ target: 'ollama', script: [{ text: ['Not counted.'] }] })
    await goTo(page, 'Chat')
    await page.getByRole('textbox', { name: 'Message' }).fill('again')
    await page.getByRole('button', { name: 'Send' }).click()
    await page.getByText('Not counted.').waitFor()
    await page.waitForTimeout(4_000)
    assert.equal(bodies.length, before)
  })
})
