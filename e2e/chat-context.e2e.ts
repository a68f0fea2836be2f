import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'
import type { Page } from 'playwright-core'
import { eventually, openAppWithFakes, root, shoot, shootLooks, type OpenAppWithFakes, type ProviderFakes } from './harness.ts'

/**
 * The context meter, Compact now with its marker, automatic compaction before a send, a PreCompact
 * hook that blocks, and export from the chat header: Chromium against the real web companion, with
 * the Ollama wire-protocol fake answering as llama3.2 with a 4,096-token window.
 */
const WINDOW = 4096
let app: OpenAppWithFakes
let fakes: ProviderFakes
let page: Page
let blockFlag: string
let hookPayload: string
const chats: Record<string, string> = {}

/** Seeds chats into the data folder before the companion opens it (bench/seed-chat.ts). */
function seed(dataDir: string, title: string, tokens: number): string {
  const run = spawnSync(process.execPath, [path.join(root, 'scripts', 'run-tool.js'), 'bench/seed-chat.ts', '--data-dir', dataDir, '--title', title, '--messages', '12', '--tokens', String(tokens)], { cwd: root, encoding: 'utf8' })
  assert.equal(run.status, 0, `seeding failed:\n${run.stdout}\n${run.stderr}`)
  const ids = (JSON.parse(/^SEEDED (.+)$/m.exec(run.stdout)?.[1] ?? '{}') as { ids: string[] }).ids
  return ids[0]!
}

const meter = () => page.getByRole('meter', { name: 'Context window used' })
const marker = () => page.getByRole('region', { name: 'Earlier messages summarised' })
const messages = () => page.getByRole('log', { name: 'Messages' })

/** The thread is virtualised: the marker and the oldest messages are rendered once scrolled to. */
async function scrollThreadToTop(): Promise<void> {
  await messages().evaluate((element) => element.scrollTo({ top: 0 }))
}

async function openChat(id: string): Promise<void> {
  await page.goto(`${app.companion.origin}/#/chat/${id}`)
  await meter().waitFor()
}

/** The same state at both window sizes, light and dark. */
const shootAll = (name: string): Promise<void> => shootLooks(page, name)

before(async () => {
  process.env.FAKES_OLLAMA_CONTEXT_LENGTH = String(WINDOW)
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ollama-desk-e2e-context-'))
  chats.roomy = seed(dataDir, 'Roomy chat', 1000)
  chats.nearlyFull = seed(dataDir, 'Nearly full chat', 3400)
  chats.full = seed(dataDir, 'Full chat', 3600)
  chats.blocked = seed(dataDir, 'Guarded chat', 3600)
  chats.ownWindow = seed(dataDir, 'Own window chat', 1000)
  chats.twoThirds = seed(dataDir, 'Two thirds chat', 2600)
  blockFlag = path.join(dataDir, 'block-compaction')
  hookPayload = path.join(dataDir, 'precompact-payload.json')
  // A PreCompact hook, in Claude Code's format, that keeps what it was told and refuses while a flag file exists.
  const hook = `cat > ${JSON.stringify(hookPayload)}; test -f ${JSON.stringify(blockFlag)} && { echo "Keep every word of this chat" >&2; exit 2; }; exit 0`
  fs.writeFileSync(path.join(dataDir, 'agent-settings.json'), JSON.stringify({ hooks: { PreCompact: [{ hooks: [{ type: 'command', command: hook }] }] } }))
  app = await openAppWithFakes({ dataDir, page: { viewport: { width: 1280, height: 800 }, acceptDownloads: true } })
  ;({ fakes, page } = app)
})

after(async () => {
  await app?.close()
  delete process.env.FAKES_OLLAMA_CONTEXT_LENGTH
})

describe('context meter, compaction and export', () => {
  test('the meter shows tokens used of the model’s window, and warns from 80 %', async () => {
    await openChat(chats.roomy!)
    assert.equal(await meter().getAttribute('aria-valuemax'), String(WINDOW))
    assert.equal(await meter().getAttribute('aria-valuenow'), '1000')
    await page.getByText('1k / 4.1k', { exact: true }).waitFor()
    assert.equal(await page.locator('.context-meter.warn').count(), 0)
    await shootAll('context-meter')

    await openChat(chats.nearlyFull!)
    await page.locator('.context-meter.warn').waitFor()
    assert.match((await meter().getAttribute('aria-valuetext')) ?? '', /3\.4k \/ 4\.1k tokens \(83 %\), nearly full/)
    await shootAll('context-meter-warning')
  })

  test('Compact now summarises the older messages behind a marker that expands to show the originals', async () => {
    await openChat(chats.roomy!)
    await messages().getByText('Message 11:', { exact: false }).waitFor()
    await fakes.control({ target: 'ollama', script: [{ text: ['The user and the assistant discussed context windows.'] }] })
    await page.getByRole('button', { name: 'Compact now' }).click()
    // Asked first what the summary should focus on: the instructions reach the PreCompact hook and the model.
    const dialog = page.getByRole('dialog', { name: 'Compact this chat' })
    await dialog.getByRole('textbox', { name: 'Focus the summary on (optional)' }).fill('x'.repeat(2001))
    await dialog.getByRole('alert').filter({ hasText: 'Keep the instructions under 2,000 characters (now 2,001).' }).waitFor()
    assert.equal(await dialog.getByRole('button', { name: 'Compact', exact: true }).isDisabled(), true)
    await dialog.getByRole('textbox', { name: 'Focus the summary on (optional)' }).fill('Keep the numbers of every message')
    await shootAll('context-compact-dialog')
    await dialog.getByRole('button', { name: 'Compact', exact: true }).click()
    await page.getByText(/Summarised 4 earlier messages/).waitFor()
    assert.equal(await dialog.count(), 0)
    const payload = JSON.parse(fs.readFileSync(hookPayload, 'utf8')) as { trigger: string; custom_instructions: string }
    assert.deepEqual([payload.trigger, payload.custom_instructions], ['manual', 'Keep the numbers of every message'])
    const summaryRequest = (await fakes.bodies('ollama')).at(-1) as { messages: { role: string; content: string }[] }
    assert.match(summaryRequest.messages[0]!.content, /The user asked the summary to: Keep the numbers of every message/)
    await scrollThreadToTop()
    await marker().waitFor()
    // Collapsed: the four summarised messages are out of the thread, the eight kept ones stay.
    await eventually(async () => (await messages().getByText('Message 0:', { exact: false }).count()) === 0, 'the summarised messages are hidden')
    await messages().getByText('Message 4:', { exact: false }).waitFor()
    await marker().getByText('4 messages hidden', { exact: false }).waitFor()
    await shootAll('context-marker-collapsed')

    await scrollThreadToTop()
    await marker().getByRole('button', { name: 'Show originals' }).click()
    await scrollThreadToTop()
    await messages().getByText('Message 0:', { exact: false }).waitFor()
    await messages().getByText('Message 3:', { exact: false }).waitFor()
    await marker().scrollIntoViewIfNeeded()
    await marker().getByText('What the model is sent instead').click()
    await marker().getByText('The user and the assistant discussed context windows.').waitFor()
    await shootAll('context-marker-expanded')
    assert.equal(await marker().getByRole('button', { name: 'Hide originals' }).getAttribute('aria-expanded'), 'true')
  })

  test('sending in a chat past 85 % of the window compacts it first', async () => {
    await openChat(chats.full!)
    assert.equal(await marker().count(), 0)
    await fakes.control({ target: 'ollama', script: [{ text: ['Summary written before the reply.'] }, { text: ['Here is the answer.'] }] })
    await page.getByRole('textbox', { name: 'Message' }).fill('One more question')
    // Enter sends (the notice of the last test may still cover the Send button).
    await page.getByRole('textbox', { name: 'Message' }).press('Enter')
    await messages().getByText('Here is the answer.').waitFor()
    await page.getByText(/Earlier messages were summarised to fit llama3\.2:latest’s context window/).waitFor()
    await shoot(page, 'context-auto-compacted')
    await scrollThreadToTop()
    await marker().waitFor()
    // The meter now counts the summary and what came after it, not the whole history.
    await eventually(async () => Number(await meter().getAttribute('aria-valuenow')) < 3600, 'the meter drops after compaction')
  })

  test('a blocking PreCompact hook stops compaction and says why; the message is still sent', async () => {
    fs.writeFileSync(blockFlag, '')
    await openChat(chats.blocked!)
    await fakes.control({ target: 'ollama', script: [{ text: ['Answered without compacting.'] }] })
    await page.getByRole('textbox', { name: 'Message' }).fill('Keep going')
    await page.getByRole('textbox', { name: 'Message' }).press('Enter')
    await messages().getByText('Answered without compacting.').waitFor()
    await page.getByRole('alert').filter({ hasText: 'Keep every word of this chat' }).first().waitFor()
    assert.equal(await marker().count(), 0)

    // Compact now is refused the same way, with the hook's reason.
    await page.getByRole('button', { name: 'Compact now' }).click()
    await page.getByRole('dialog', { name: 'Compact this chat' }).getByRole('button', { name: 'Compact', exact: true }).click()
    await page.getByText(/A PreCompact hook stopped the compaction: Keep every word of this chat/).first().waitFor()
    assert.equal(await marker().count(), 0)
    await shoot(page, 'context-compaction-blocked')
  })

  test('the chat header exports Markdown, HTML with print styles, and JSON', async () => {
    await openChat(chats.nearlyFull!)
    const exported = async (label: string): Promise<{ name: string; text: string }> => {
      await page.getByRole('button', { name: 'Export ▾' }).click()
      const menu = page.getByRole('menu', { name: 'Export this chat' })
      if (label === 'Markdown') await shootAll('context-export-menu')
      const [download] = await Promise.all([page.waitForEvent('download'), menu.getByRole('menuitem', { name: new RegExp(`^${label}`) }).click()])
      return { name: download.suggestedFilename(), text: fs.readFileSync(await download.path(), 'utf8') }
    }
    const markdown = await exported('Markdown')
    assert.equal(markdown.name, 'Nearly full chat.md')
    assert.match(markdown.text, /^# Nearly full chat/)
    assert.match(markdown.text, /Message 11:/)
    const html = await exported('HTML')
    assert.equal(html.name, 'Nearly full chat.html')
    assert.match(html.text, /@media print/)
    assert.match(html.text, /Message 0:/)
    assert.doesNotMatch(html.text, /<script/i)
    const json = await exported('JSON')
    assert.equal(json.name, 'Nearly full chat.json')
    const parsed = JSON.parse(json.text) as unknown
    assert.match(JSON.stringify(parsed), /Message 5:/)
  })

  test('the meter measures against the chat’s own context length (num_ctx) once it sets one', async () => {
    await openChat(chats.ownWindow!)
    assert.equal(await meter().getAttribute('aria-valuemax'), String(WINDOW))
    await page.getByRole('button', { name: 'Chat settings' }).click()
    const panel = page.getByRole('dialog', { name: 'Chat settings' })
    await panel.getByLabel(/^Context length/).fill('2048')
    await panel.getByRole('button', { name: 'Save' }).click()
    await panel.getByText(/Saved/).waitFor()
    await panel.getByRole('button', { name: 'Close chat settings' }).click()
    await eventually(async () => (await meter().getAttribute('aria-valuemax')) === '2048', 'the meter uses the chat’s num_ctx')
    await page.getByText('1k / 2k', { exact: true }).waitFor()
    assert.match((await page.locator('.context-meter').getAttribute('title')) ?? '', /this chat’s own context length/)
    await shootAll('context-meter-own-window')
  })

  test('Settings → Chat sets the automatic compaction threshold, refusing values out of range', async () => {
    await page.goto(`${app.companion.origin}/#/settings`)
    const section = page.getByRole('region', { name: 'New chats' })
    const field = section.getByRole('textbox', { name: 'Compact from (% of the context window)' })
    assert.equal(await field.inputValue(), '85')
    await field.fill('30')
    await field.press('Enter')
    await section.getByRole('alert').filter({ hasText: 'The compaction threshold must be at least 50 % of the window. It stays at 85 %.' }).waitFor()
    await shootLooks(page, 'settings-compaction-invalid', { scrollTo: field })
    await field.fill('60')
    await field.press('Enter')
    await eventually(async () => (await section.getByRole('alert').count()) === 0, 'the error goes away')
    await shootLooks(page, 'settings-compaction', { scrollTo: field })

    // 2,600 of 4,096 tokens is 63 %: below the default 85 %, past the new 60 %. (No PreCompact hook blocks now.)
    fs.rmSync(blockFlag, { force: true })
    await openChat(chats.twoThirds!)
    assert.match((await page.locator('.context-meter').getAttribute('title')) ?? '', /summarised automatically from 60 %/)
    await fakes.control({ target: 'ollama', script: [{ text: ['Summary at sixty percent.'] }, { text: ['Answered after compacting.'] }] })
    await page.getByRole('textbox', { name: 'Message' }).fill('And one more')
    await page.getByRole('textbox', { name: 'Message' }).press('Enter')
    await messages().getByText('Answered after compacting.').waitFor()
    await page.getByText(/Earlier messages were summarised to fit llama3\.2:latest’s context window/).first().waitFor()

    // Off: the meter says so.
    await page.goto(`${app.companion.origin}/#/settings`)
    // The box follows the saved setting, so it changes once the core has it.
    await section.getByRole('checkbox', { name: /Summarise older messages when a chat nears its context window/ }).click()
    await eventually(async () => await field.isDisabled(), 'the threshold is disabled while compaction is off')
    await openChat(chats.ownWindow!)
    assert.match((await page.locator('.context-meter').getAttribute('title')) ?? '', /automatic compaction is off/)
  })
})
