import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'
import type { Page } from 'playwright-core'
import { goTo, openAppWithFakes, shoot, type OpenAppWithFakes, type ProviderFakes } from './harness.ts'

/**
 * Hooks and tool approvals in Chromium against the real web companion: a model (the fake Ollama)
 * asks to run a shell command; the user denies, then allows; a UserPromptSubmit hook blocks a prompt.
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

before(async () => {
  workspace = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'ollama-desk-e2e-ws-')))
  app = await openAppWithFakes({
    // A user-level hook, as a user would write it in Claude Code's format.
    beforeBrowser: ({ dataDir }) => {
      const block = 'grep -q secret && { echo "Prompts must not contain secrets" >&2; exit 2; }; exit 0'
      fs.writeFileSync(path.join(dataDir, 'agent-settings.json'), JSON.stringify({ hooks: { UserPromptSubmit: [{ hooks: [{ type: 'command', command: block }] }] } }))
    },
  })
  ;({ fakes, page } = app)
})

after(async () => {
  await app?.close()
  fs.rmSync(workspace, { recursive: true, force: true })
})

describe('hooks and tool approvals', () => {
  test('the Agents screen lists the hook and scopes to a workspace folder', async () => {
    await goTo(page, 'Agents')
    await page.getByRole('heading', { level: 1, name: 'Agents' }).waitFor()
    await page.getByText('Prompts must not contain secrets', { exact: false }).first().waitFor()
    const form = page.getByRole('form', { name: 'Workspace' })
    await form.getByLabel('Workspace folder').fill(workspace)
    await form.getByRole('button', { name: 'Use folder' }).click()
    await shoot(page, 'agents-hooks')
  })

  test('a UserPromptSubmit hook blocks a prompt and says why', async () => {
    await goTo(page, 'Chat')
    await send('here is my secret key')
    await page.getByText(/A hook blocked this prompt: Prompts must not contain secrets/).waitFor()
    await shoot(page, 'chat-hook-blocked')
  })

  test('a shell command the model asks for waits for approval; denied, nothing runs', async () => {
    await fakes.control({ target: 'ollama', script: [{ text: [], toolCall: { id: 'call_1', name: 'Bash', arguments: { command: 'echo hello > e2e.txt' } } }, { text: ['All right, I did not run it.'] }] })
    await send('create a file please')
    const dialog = page.getByRole('dialog', { name: 'Allow Bash?' })
    await dialog.getByLabel('Command').getByText('echo hello > e2e.txt').waitFor()
    await shoot(page, 'chat-approval')
    await dialog.getByRole('button', { name: 'Deny' }).click()
    await messages().getByText('All right, I did not run it.').waitFor()
    assert.equal(fs.existsSync(path.join(workspace, 'e2e.txt')), false)
  })

  test('allowed once, the command runs in the workspace and its output is shown', async () => {
    await fakes.control({ target: 'ollama', script: [{ text: [], toolCall: { id: 'call_2', name: 'Bash', arguments: { command: 'echo hello > e2e.txt && cat e2e.txt' } } }, { text: ['Created e2e.txt.'] }] })
    await send('now really create it')
    const dialog = page.getByRole('dialog', { name: 'Allow Bash?' })
    await dialog.getByRole('button', { name: 'Allow once' }).click()
    await messages().getByText('Created e2e.txt.').waitFor()
    assert.equal(fs.readFileSync(path.join(workspace, 'e2e.txt'), 'utf8'), 'hello\n')
    await page.getByText('allowed once by you').first().waitFor()
    await shoot(page, 'chat-tool-result')
  })
})
