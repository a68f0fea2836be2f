import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'
import type { Page } from 'playwright-core'
import assert from 'node:assert/strict'
import { expectAccessible } from './a11y.ts'
import { goTo, openAppWithFakes, shootLooks, type OpenAppWithFakes, type ProviderFakes } from './harness.ts'

/**
 * Issue 21's accessibility check: axe-core on every screen, in the light and the dark theme, also
 * with the dialogs, menus and popovers open. No rule is disabled and nothing is excluded; a serious
 * or critical violation fails the test and names the element. The app runs against the loopback
 * provider fakes with a cloud provider, a chat with a reply (a table and code) and a tool approval
 * waiting, so the screens show what a user sees, not only their empty states.
 */
let app: OpenAppWithFakes
let fakes: ProviderFakes
let page: Page
let workspace: string

const messages = () => page.getByRole('log', { name: 'Messages' })

async function send(text: string): Promise<void> {
  await page.getByRole('textbox', { name: 'Message' }).fill(text)
  await page.getByRole('button', { name: 'Send' }).click()
}

/** expectAccessible with `html` added to the page for the time of the check. */
async function expectAccessibleWith(target: Page, html: string): Promise<void> {
  await target.evaluate((markup) => {
    const probe = document.createElement('div')
    probe.id = 'axe-probe'
    probe.innerHTML = markup
    document.querySelector('main')?.append(probe)
  }, html)
  try {
    await expectAccessible(target, 'a probe')
  } finally {
    await target.evaluate(() => document.getElementById('axe-probe')?.remove())
  }
}

async function screen(label: string, heading = label): Promise<void> {
  await goTo(page, label)
  await page.getByRole('heading', { level: 1, name: heading }).waitFor()
}

before(async () => {
  workspace = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'ollama-desk-e2e-ws-')))
  app = await openAppWithFakes({ page: { viewport: { width: 1280, height: 800 } } })
  ;({ fakes, page } = app)
})

after(async () => {
  await app?.close()
  fs.rmSync(workspace, { recursive: true, force: true })
})

describe('every screen passes axe-core in light and dark, dialogs and popovers open', () => {
  test('the check fails on real violations: grey text too faint to read, a button with no name', async () => {
    await assert.rejects(expectAccessibleWith(page, '<p style="color:#bbbbbb;background:#ffffff">faint words</p>'), /\[light\] color-contrast \(serious\)/)
    await assert.rejects(expectAccessibleWith(page, '<button type="button"></button>'), /button-name \(critical\) at #axe-probe > button/)
    assert.equal(await page.locator('#axe-probe').count(), 0)
  })

  test('Chat, new', async () => {
    await expectAccessible(page, 'Chat (new)')
  })

  test('Chat with a reply: a table, code and the reply actions', async () => {
    await fakes.control({ target: 'ollama', script: [{ text: ['Here is a table:\n\n', '| a | b |\n|---|---|\n| 1 | 2 |\n\n', 'And `inline` code:\n\n```js\nconst x = 1\n```\n', 'Done.'], usage: { inputTokens: 12, outputTokens: 30 } }] })
    await send('Show me a table and some code')
    await messages().getByText('Done.').waitFor()
    await shootLooks(page, 'a11y-chat-reply')
    await expectAccessible(page, 'Chat with a reply')
    // One border around a code block: its box's, not a second one on the code inside.
    const borders = await messages().locator('.code-block pre').first().evaluate((pre) => getComputedStyle(pre).borderTopWidth)
    assert.equal(borders, '0px')
    // The Ctrl+K badge sits inside the search button.
    const [trigger, badge] = await Promise.all([page.locator('.palette-trigger').boundingBox(), page.locator('.palette-trigger kbd').boundingBox()])
    assert.ok(trigger && badge && badge.x + badge.width <= trigger.x + trigger.width - 4, `badge ${JSON.stringify(badge)} in ${JSON.stringify(trigger)}`)
  })

  test('Chat: the model picker', async () => {
    await page.getByRole('button', { name: /^Model: / }).click()
    await page.getByRole('listbox', { name: 'Models' }).waitFor()
    // The provider's logo (simple-icons) beside its name.
    await page.getByRole('group', { name: 'Ollama (this computer)' }).or(page.getByRole('group', { name: /Ollama/ })).first().waitFor()
    assert.ok((await page.locator('.model-group-label svg.provider-logo[data-logo="ollama"]').count()) >= 1)
    await expectAccessible(page, 'the model picker')
    await page.keyboard.press('Escape')
  })

  test('Chat: chat settings', async () => {
    await page.getByRole('button', { name: 'Chat settings' }).click()
    await page.getByRole('dialog', { name: 'Chat settings' }).waitFor()
    await expectAccessible(page, 'chat settings')
    await page.getByRole('button', { name: 'Close chat settings' }).click()
  })

  test('Chat: the export menu', async () => {
    await page.getByRole('button', { name: 'Export ▾' }).click()
    await page.getByRole('menu', { name: 'Export this chat' }).waitFor()
    await expectAccessible(page, 'the export menu')
    await page.keyboard.press('Escape')
  })

  test('the Ollama status popover', async () => {
    await page.getByRole('button', { name: /^Ollama .*: running$/ }).click()
    await page.getByRole('dialog', { name: 'Ollama status' }).waitFor()
    await expectAccessible(page, 'the Ollama status popover')
    await page.getByRole('button', { name: /^Ollama .*: running$/ }).click()
  })

  test('the command palette', async () => {
    await page.keyboard.press('Control+K')
    await page.getByRole('dialog').getByRole('combobox').waitFor()
    await expectAccessible(page, 'the command palette')
    await page.keyboard.press('Escape')
  })

  test('Agents, with a workspace folder; the hook editor', async () => {
    await screen('Agents')
    const form = page.getByRole('form', { name: 'Workspace' })
    await form.getByLabel('Workspace folder').fill(workspace)
    await form.getByRole('button', { name: 'Use folder' }).click()
    await expectAccessible(page, 'Agents')
    await page.getByRole('button', { name: 'Edit user hooks' }).click()
    await expectAccessible(page, 'the hook editor')
  })

  test('Chat: a tool call waiting for approval, then its result', async () => {
    await screen('Chat')
    await fakes.control({ target: 'ollama', script: [{ text: [], toolCall: { id: 'call_1', name: 'Bash', arguments: { command: 'echo hello' } } }, { text: ['It said hello.'] }] })
    await send('run something')
    const dialog = page.getByRole('dialog', { name: 'Allow Bash?' })
    await dialog.waitFor()
    // Its four answers in two rows of two: no button alone on a row.
    const tops = await dialog.locator('.approval-actions button').evaluateAll((buttons) => buttons.map((b) => Math.round(b.getBoundingClientRect().top)))
    const perRow = new Map<number, number>()
    for (const top of tops) perRow.set(top, (perRow.get(top) ?? 0) + 1)
    assert.deepEqual([...perRow.values()], [2, 2])
    await shootLooks(page, 'a11y-approval')
    await expectAccessible(page, 'the approval dialog')
    await dialog.getByRole('button', { name: 'Allow once' }).click()
    await messages().getByText('It said hello.').waitFor()
    await expectAccessible(page, 'a tool result in the chat')
  })

  test('Sessions, with a chat previewed', async () => {
    await screen('Sessions')
    await page.getByRole('listbox', { name: 'Sessions' }).getByRole('option').first().click()
    await page.getByRole('complementary', { name: 'Preview' }).getByRole('article').first().waitFor()
    await expectAccessible(page, 'Sessions')
  })

  test('Models', async () => {
    await screen('Models')
    await page.getByRole('table').getByRole('button', { name: 'llama3.2:latest', exact: true }).waitFor()
    await expectAccessible(page, 'Models')
  })

  test('Providers & Health, with a provider being added', async () => {
    await screen('Providers & Health')
    await page.locator('.provider-row .provider-logo[data-logo="ollama"]').first().waitFor()
    await shootLooks(page, 'a11y-providers')
    await expectAccessible(page, 'Providers & Health')
    await page.getByLabel('Add a provider').selectOption({ label: 'OpenAI' })
    await page.getByRole('button', { name: 'Add provider' }).click()
    await page.getByLabel('Base URL').waitFor()
    await expectAccessible(page, 'the provider form')
  })

  test('Tools & MCP, with the server form open', async () => {
    await screen('Tools & MCP')
    await expectAccessible(page, 'Tools & MCP')
    await page.getByRole('button', { name: 'Add a server' }).click()
    await expectAccessible(page, 'the MCP server form')
  })

  test('Cluster', async () => {
    await screen('Cluster')
    await expectAccessible(page, 'Cluster')
  })

  test('Settings', async () => {
    await screen('Settings')
    await expectAccessible(page, 'Settings')
  })

  test('the setup wizard, run again from the palette', async () => {
    await page.keyboard.press('Control+K')
    await page.getByRole('dialog').getByRole('combobox').fill('Run setup again')
    await page.keyboard.press('Enter')
    await page.getByRole('heading', { level: 1, name: 'Welcome to Ollama Desk' }).waitFor()
    await expectAccessible(page, 'the wizard')
  })
})
