import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { Locator, Page } from 'playwright-core'
import { eventually, openAppWithFakes, shootLooks, type OpenAppWithFakes, type ProviderFakes } from './harness.ts'

/**
 * Branches in Chromium against the real web companion and core, with the loopback Ollama fake:
 * regenerate makes a second version (‹2/2›), switching back shows the first, a reload keeps the
 * branch; an edit is a version of the prompt; a stopped reply is a neutral "Stopped" that Continue
 * writes on; one message can be deleted.
 */
let app: OpenAppWithFakes
let fakes: ProviderFakes
let page: Page

const messages = () => page.getByRole('log', { name: 'Messages' })
const replies = () => messages().getByRole('article', { name: /^Assistant/ })
const prompts = () => messages().getByRole('article', { name: /^You/ })

async function settled(): Promise<void> {
  await page.getByRole('button', { name: 'Send' }).waitFor()
  await eventually(async () => (await messages().locator('article[aria-busy="true"]').count()) === 0, 'no reply is being written')
}

async function send(text: string, reply: string[]): Promise<void> {
  await fakes.control({ target: 'ollama', script: [{ text: reply }] })
  await page.getByRole('textbox', { name: 'Message' }).fill(text)
  await page.getByRole('button', { name: 'Send' }).click()
  await messages().getByText(reply.join('').trim(), { exact: false }).waitFor()
  await settled()
}

/** 1280×800 and 1024×700, light and dark. */
const shootAll = (target: Locator, name: string): Promise<void> => shootLooks(page, name, { scrollTo: target })

before(async () => {
  app = await openAppWithFakes({ page: { viewport: { width: 1280, height: 800 } } })
  ;({ fakes, page } = app)
})

after(() => app?.close())

describe('branches', () => {
  test('regenerate makes a second version; switching back shows the first; a reload keeps the branch', async () => {
    await send('Name a colour', ['Blue is a colour.'])
    const reply = replies().last()
    await fakes.control({ target: 'ollama', script: [{ text: ['Green is a colour too.'] }] })
    await reply.getByRole('button', { name: 'Regenerate', exact: true }).click()
    await messages().getByText('Green is a colour too.').waitFor()
    await settled()
    const versions = replies().last().getByRole('group', { name: 'Versions' })
    await eventually(async () => (await versions.innerText()).includes('2/2'), 'the switcher says 2/2')
    assert.equal(await messages().getByText('Blue is a colour.').count(), 0)
    await shootAll(replies().last(), 'chat-branches-switcher')

    await versions.getByRole('button', { name: 'Previous version' }).click()
    await messages().getByText('Blue is a colour.').waitFor()
    await eventually(async () => (await replies().last().getByRole('group', { name: 'Versions' }).innerText()).includes('1/2'), 'the switcher says 1/2')
    assert.equal(await messages().getByText('Green is a colour too.').count(), 0)

    await page.reload()
    await messages().getByText('Blue is a colour.').waitFor()
    assert.match(await replies().last().getByRole('group', { name: 'Versions' }).innerText(), /1\/2/)
    assert.equal(await messages().getByText('Green is a colour too.').count(), 0)
  })

  test('an edited prompt is a version of the prompt, with its own reply', async () => {
    const prompt = prompts().last()
    await prompt.getByRole('button', { name: 'Edit' }).click()
    await prompt.getByRole('textbox', { name: 'Edited message' }).fill('Name a fruit')
    await fakes.control({ target: 'ollama', script: [{ text: ['An apple.'] }] })
    await prompt.getByRole('button', { name: 'Send edit' }).click()
    await messages().getByText('An apple.').waitFor()
    await settled()
    await eventually(async () => (await prompts().last().getByRole('group', { name: 'Versions' }).innerText()).includes('2/2'), 'the prompt says 2/2')
    assert.equal(await messages().getByText('Name a colour').count(), 0)
    // Back to the first prompt: its newest branch (the regenerated reply) is read.
    await prompts().last().getByRole('button', { name: 'Previous version' }).click()
    await messages().getByText('Name a colour').waitFor()
    await messages().getByText('Green is a colour too.').waitFor()
    await prompts().last().getByRole('button', { name: 'Next version' }).click()
    await messages().getByText('An apple.').waitFor()
  })

  test('a stopped reply is a neutral "Stopped" with Continue, which writes on in the same message', async () => {
    await fakes.control({ target: 'ollama', script: [{ text: Array.from({ length: 200 }, (_, i) => `part${i} `), chunkDelayMs: 50 }] })
    await page.getByRole('textbox', { name: 'Message' }).fill('Write a long story')
    await page.getByRole('button', { name: 'Send' }).click()
    await messages().getByText('part3', { exact: false }).waitFor()
    await page.getByRole('button', { name: 'Stop' }).click()
    await settled()
    const stopped = replies().last()
    await stopped.getByText('Stopped', { exact: true }).waitFor()
    assert.equal(await stopped.getByRole('alert').count(), 0, 'no error box for a stopped reply')
    const before = await stopped.innerText()
    assert.doesNotMatch(before, /part199/)
    await shootAll(stopped, 'chat-branches-stopped')

    await fakes.control({ target: 'ollama', script: [{ text: [' and they lived happily ever after.'] }] })
    await stopped.getByRole('button', { name: 'Continue' }).click()
    await messages().getByText('lived happily ever after', { exact: false }).waitFor()
    await settled()
    const continued = replies().last()
    assert.match(await continued.innerText(), /part3[\s\S]*lived happily ever after/)
    assert.equal(await continued.getByText('Stopped', { exact: true }).count(), 0)
    assert.equal(await replies().count(), 2, 'still one reply to this prompt (and the one before)')
  })

  test('deletes one message; the conversation goes on without it', async () => {
    const count = await prompts().count()
    const last = prompts().last()
    await last.getByRole('button', { name: 'Delete' }).click()
    await last.getByRole('button', { name: 'Delete message' }).click()
    await eventually(async () => (await messages().getByText('Write a long story').count()) === 0, 'the prompt is gone')
    // Its reply stays, now answering the message before it.
    await messages().getByText('lived happily ever after', { exact: false }).waitFor()
    assert.equal(await prompts().count(), count - 1)
    await page.reload()
    await messages().getByText('lived happily ever after', { exact: false }).waitFor()
    assert.equal(await messages().getByText('Write a long story').count(), 0)
  })
})
