import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'
import type { Page } from 'playwright-core'
import { eventually, goTo, openAppWithFakes, shoot, shootLooks, type OpenAppWithFakes, type ProviderFakes } from './harness.ts'

/**
 * The agent library in Chromium against the real web companion: starters, a clash and a broken
 * file shown; a new agent written with live, line-numbered validation; duplicate; then a chat
 * started with the agent sends its system prompt to the model (the fake Ollama).
 */
let app: OpenAppWithFakes
let fakes: ProviderFakes
let page: Page
let dataDir: string

const library = () => page.getByRole('region', { name: 'Agent library' })
const row = (name: string) => library().getByRole('list', { name: 'Agents' }).getByRole('listitem', { name, exact: true })

before(async () => {
  app = await openAppWithFakes({
    beforeBrowser: (companion) => {
      dataDir = companion.dataDir
      const agents = path.join(companion.dataDir, 'agents')
      fs.mkdirSync(agents, { recursive: true })
      // Same name as a starter: the user's wins and the clash is shown.
      fs.writeFileSync(path.join(agents, 'translator.md'), '---\nname: translator\ndescription: My own translator, always into French.\ntools: []\n---\nTranslate into French.\n')
      fs.writeFileSync(path.join(agents, 'broken.md'), '---\nname: broken\ndescription: d\nmaxTurns: many\n---\nx\n')
    },
  })
  ;({ fakes, page } = app)
})

after(async () => {
  await app?.close()
})

describe('the agent library', () => {
  test('lists the starters, shows a clash and a broken file with its line', async () => {
    await goTo(page, 'Agents')
    await row('code-reviewer').waitFor()
    await row('translator').getByText('Also defined in starter').waitFor()
    await library().getByRole('group', { name: 'Agent files that could not be read' }).getByText('Line 4: "maxTurns" must be a whole number from 1 to 10000; found string "many"').waitFor()
    await shootLooks(page, 'agents-library', { scrollTo: row('code-reviewer') })
  })

  test('a new agent is checked as it is typed, line by line, and saved once valid', async () => {
    await library().getByRole('button', { name: 'New agent' }).click()
    const editor = page.getByRole('region', { name: 'New agent' })
    const file = editor.getByRole('textbox', { name: 'Agent file' })
    await file.fill('---\nname: pirate\ndescription: Talks like a pirate.\npermissionMode: yolo\n---\nYou talk like a pirate.\n')
    await editor.getByRole('list', { name: 'Problems' }).getByText('Line 4: "permissionMode" must be one of default, acceptEdits, dontAsk, bypassPermissions, plan; found string "yolo"').waitFor()
    assert.equal(await editor.getByRole('button', { name: 'Save agent' }).isDisabled(), true)
    await shootLooks(page, 'agent-editor-invalid', { scrollTo: editor })
    await file.fill('---\nname: pirate\ndescription: Talks like a pirate.\ntools: Read\n---\nYou talk like a pirate.\n')
    await editor.getByText('No problems found.').waitFor()
    await editor.getByRole('button', { name: 'Save agent' }).click()
    await row('pirate').waitFor()
    assert.equal(fs.readFileSync(path.join(dataDir, 'agents', 'pirate.md'), 'utf8'), '---\nname: pirate\ndescription: Talks like a pirate.\ntools: Read\n---\nYou talk like a pirate.\n')
  })

  test('a starter is duplicated into an agent of your own', async () => {
    await row('code-reviewer').getByRole('button', { name: 'Duplicate code-reviewer' }).click()
    await row('code-reviewer').getByRole('textbox', { name: 'Name of the copy' }).fill('my-reviewer')
    await row('code-reviewer').getByRole('button', { name: 'Create copy' }).click()
    await row('my-reviewer').getByRole('button', { name: 'Edit my-reviewer' }).waitFor()
    await eventually(() => fs.existsSync(path.join(dataDir, 'agents', 'my-reviewer.md')), 'the copy written')
  })

  test('a chat started with the agent sends its system prompt to the model', async () => {
    await fakes.control({ target: 'ollama', script: [{ text: ['Arr, ahoy there!'] }] })
    await row('pirate').getByRole('button', { name: 'Start chat with pirate' }).click()
    await page.getByRole('heading', { level: 1, name: 'Chat' }).waitFor()
    const composer = page.getByRole('textbox', { name: 'Message' })
    await composer.fill('hello')
    // Enter sends (the default send key); the toasts of the saves above may still sit over the Send button.
    await composer.press('Enter')
    await page.getByRole('log', { name: 'Messages' }).getByText('Arr, ahoy there!').waitFor()
    const bodies = (await fakes.bodies('ollama')) as { messages: { role: string; content: string }[]; tools?: { function: { name: string } }[] }[]
    const last = bodies.at(-1)
    assert.deepEqual(last?.messages[0], { role: 'system', content: 'You talk like a pirate.' })
    await shoot(page, 'agent-chat')
  })
})
