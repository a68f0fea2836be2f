import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'
import type { Page } from 'playwright-core'
import { docxWithParagraphs, passwordProtectedPdf, pdfWithText } from '../src-main/core/documents/testdata/fixtures.ts'
import { eventually, goTo, openAppWithFakes, shootLooks, type OpenAppWithFakes, type ProviderFakes } from './harness.ts'

/**
 * Chat attachments in Chromium against the real web companion and core, with the loopback Ollama
 * fake: documents through the file picker and a synthetic drop, their chips, what reaches the
 * model, bad files, the context warning, pictures for a model without vision, drops outside.
 */
let app: OpenAppWithFakes
let fakes: ProviderFakes
let page: Page

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'
const PIXEL = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64')
const files = () => page.locator('input[type="file"][aria-label="Files to attach"]')
const chips = () => page.getByRole('list', { name: 'Files to send' })
const note = () => page.locator('.composer-note')
const box = () => page.getByRole('textbox', { name: 'Message' })

type ChatBody = { messages: { role: string; content: string }[] }
const lastUserContent = async (): Promise<string> => ((await fakes.bodies('ollama')).at(-1) as ChatBody).messages.filter((m) => m.role === 'user').at(-1)!.content

/** Screenshots at 1280×800 and 1024×700, light and dark. */
const shootAll = (name: string, prepare?: () => Promise<void>): Promise<void> => shootLooks(page, `chat-attach-${name}`, { prepare })

/** A DataTransfer holding these files, made in the page (as a real drag would carry them). */
function dataTransfer(items: { name: string; type: string; base64: string }[]) {
  return page.evaluateHandle((list) => {
    const transfer = new DataTransfer()
    for (const item of list) transfer.items.add(new File([Uint8Array.from(atob(item.base64), (c) => c.charCodeAt(0))], item.name, { type: item.type }))
    return transfer
  }, items)
}

async function pickModel(search: string, option: RegExp): Promise<void> {
  await page.getByRole('button', { name: /^Model: / }).click()
  await page.getByRole('combobox', { name: 'Search models' }).or(page.getByRole('textbox', { name: 'Search models' })).fill(search)
  await page.getByRole('listbox', { name: 'Models' }).getByRole('option', { name: option }).first().click()
}

async function removeAllChips(): Promise<void> {
  while ((await chips().count()) > 0) await chips().getByRole('button', { name: /^Remove / }).first().click()
}

before(async () => {
  app = await openAppWithFakes({ page: { viewport: { width: 1280, height: 800 } } })
  ;({ fakes, page } = app)
  await pickModel('llama3.2', /llama3\.2/)
})

after(() => app?.close())

describe('chat attachments', () => {
  test('a PDF, a DOCX and a CSV from the file picker show size and tokens, and reach the model fenced under their names', async () => {
    await files().setInputFiles([
      { name: 'report.pdf', mimeType: 'application/pdf', buffer: Buffer.from(pdfWithText(['Revenue grew 12 percent in the third quarter'])) },
      { name: 'minutes.docx', mimeType: DOCX, buffer: Buffer.from(docxWithParagraphs(['Decision: ship on Friday'])) },
      { name: 'sales.csv', mimeType: 'text/csv', buffer: Buffer.from('region,total\nnorth,12\nsouth,7\n') },
    ])
    await eventually(async () => (await chips().getByRole('listitem').filter({ hasText: /tokens/ }).count()) === 3, 'three read chips')
    const texts = await chips().getByRole('listitem').allTextContents()
    assert.match(texts[0]!, /report\.pdf.*\d+(\.\d+)? (B|KB) · ~\d+ tokens/)
    assert.match(texts[1]!, /minutes\.docx.*\d B · ~\d+ tokens/)
    assert.match(texts[2]!, /sales\.csv.*30 B · ~8 tokens/)
    await shootAll('chips')

    await fakes.control({ target: 'ollama', script: [{ text: ['Revenue is up and the ship date is Friday.'] }] })
    await box().fill('Summarise these')
    await page.getByRole('button', { name: 'Send' }).click()
    await page.getByRole('log', { name: 'Messages' }).getByText('Revenue is up and the ship date is Friday.').waitFor()
    const sent = await lastUserContent()
    assert.match(sent, /^Summarise these\n\nFile: report\.pdf\n```\n[^`]*Revenue grew 12 percent in the third quarter[^`]*\n```\n\nFile: minutes\.docx\n```\nDecision: ship on Friday\n```\n\nFile: sales\.csv\n```csv\nregion,total\nnorth,12\nsouth,7\n\n```$/)
    assert.equal(await chips().count(), 0, 'the composer is cleared after sending')

    // Reopening the chat shows the files on the message.
    await page.reload()
    const stored = page.getByRole('log', { name: 'Messages' }).getByRole('list', { name: 'Attachments' })
    await stored.waitFor()
    assert.deepEqual(await stored.locator('.doc-chip-name').allTextContents(), ['report.pdf', 'minutes.docx', 'sales.csv'])
  })

  test('files dropped anywhere in the window: the overlay shows while dragging, the drop attaches them', async () => {
    await goTo(page, 'Chat')
    const transfer = await dataTransfer([{ name: 'notes.md', type: 'text/markdown', base64: Buffer.from('# Plan\n\n- write the tests').toString('base64') }])
    await page.dispatchEvent('main', 'dragenter', { dataTransfer: transfer })
    await page.getByText('Drop files to attach').waitFor()
    await shootAll('drop-overlay')
    await page.dispatchEvent('main', 'drop', { dataTransfer: transfer })
    await eventually(async () => (await page.getByText('Drop files to attach').count()) === 0, 'the overlay closes on drop')
    await chips().getByRole('listitem').filter({ hasText: /notes\.md.*~\d+ tokens/ }).waitFor()
    await removeAllChips()
  })

  test('bad files get a specific message, and the draft keeps its text and its other files', async () => {
    await box().fill('keep these words')
    await files().setInputFiles([{ name: 'good.json', mimeType: 'application/json', buffer: Buffer.from('{"ok": true}') }])
    await chips().getByRole('listitem').filter({ hasText: /good\.json.*tokens/ }).waitFor()
    const cases: [string, string, Buffer | string, RegExp][] = [
      ['locked.pdf', 'application/pdf', Buffer.from(passwordProtectedPdf()), /^locked\.pdf: this PDF is password-protected/],
      ['broken.docx', DOCX, Buffer.from('PK this is not a zip at all'), /^broken\.docx is damaged or not a Word document/],
      ['photo.txt', 'text/plain', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x0d, 0x0a, 0x1a]), /^photo\.txt is not a text file/],
      ['empty.csv', 'text/csv', Buffer.alloc(0), /^empty\.csv is empty \(0 bytes\)/],
    ]
    // Playwright passes buffers only up to 50 MB: the file over the limit goes from disk.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chat-attach-'))
    after(() => fs.rmSync(dir, { recursive: true, force: true }))
    const huge = path.join(dir, 'huge.log')
    fs.writeFileSync(huge, Buffer.alloc(51 * 1024 * 1024, 0x61))
    cases.push(['huge.log', 'text/plain', huge, /^huge\.log is 51\.0 MB; attachments are limited to 50 MB\.$/])
    for (const [name, mimeType, buffer, message] of cases) {
      await files().setInputFiles(typeof buffer === 'string' ? [buffer] : [{ name, mimeType, buffer }])
      await eventually(async () => message.test((await note().textContent()) ?? ''), () => `the message for ${name}`)
      if (name === 'locked.pdf') await shootAll('bad-file')
      assert.equal(await box().inputValue(), 'keep these words')
      assert.deepEqual(await chips().locator('.doc-chip-name').allTextContents(), ['good.json'])
    }
    await removeAllChips()
    await box().fill('')
  })

  test('a message that would not fit the model context window is flagged before sending', async () => {
    // 640 000 characters ≈ 160 000 tokens; the fake llama3.2 reads 131 072.
    const rows = Array.from({ length: 40_000 }, (_, i) => `row${String(i).padStart(6, '0')},12345`).join('\n')
    await files().setInputFiles([{ name: 'big.csv', mimeType: 'text/csv', buffer: Buffer.from(rows) }])
    const warning = page.getByRole('alert').filter({ hasText: 'would not see all of it' })
    await warning.waitFor()
    assert.match((await warning.textContent()) ?? '', /about 1\d\d,\d{3} tokens, but llama3\.2.* reads at most 131,072/)
    await shootAll('context-warning')
    await removeAllChips()
    await eventually(async () => (await warning.count()) === 0, 'the warning goes with the file')
  })

  test('a picture for a model without vision: Send explains and sends nothing to the model', async () => {
    const before = (await fakes.bodies('ollama')).length
    await files().setInputFiles([{ name: 'pixel.png', mimeType: 'image/png', buffer: PIXEL }])
    await page.getByRole('list', { name: 'Pictures to send' }).getByRole('img').waitFor()
    await box().fill('What is in this picture?')
    await page.getByRole('button', { name: 'Send' }).click()
    await eventually(async () => /cannot see pictures, so nothing was sent/.test((await note().textContent()) ?? ''), 'the no-vision message')
    await shootAll('no-vision')
    assert.equal((await fakes.bodies('ollama')).length, before, 'nothing reached the fake Ollama')
    assert.equal(await box().inputValue(), 'What is in this picture?')
    await page.getByRole('list', { name: 'Pictures to send' }).getByRole('button', { name: /^Remove / }).click()
    await box().fill('')
  })

  test('a picture sent to a vision model shows as a thumbnail in the thread that opens in a lightbox; Esc closes it', async () => {
    await goTo(page, 'Providers & Health')
    await page.getByLabel('Add a provider').selectOption({ label: 'OpenAI' })
    await page.getByRole('button', { name: 'Add provider' }).click()
    await page.getByLabel('Base URL').fill(fakes.openai)
    await page.getByLabel('Base URL').blur()
    await page.getByLabel('API key').fill('sk-e2e-attach-key-0123456789wxyz')
    await page.getByRole('button', { name: 'Save', exact: true }).click()
    await page.getByText('Key set · …wxyz').waitFor()
    await goTo(page, 'Chat')
    await pickModel('gpt-4o-mini', /gpt-4o-mini/)
    await fakes.control({ target: 'openai', script: [{ text: ['A single white pixel.'] }] })
    await files().setInputFiles([{ name: 'pixel.png', mimeType: 'image/png', buffer: PIXEL }])
    await page.getByRole('list', { name: 'Pictures to send' }).getByRole('img').waitFor()
    await box().fill('What is this?')
    await page.getByRole('button', { name: 'Send' }).click()
    const log = page.getByRole('log', { name: 'Messages' })
    await log.getByText('A single white pixel.').waitFor()
    const body = JSON.stringify((await fakes.bodies('openai')).at(-1))
    assert.match(body, /data:image\/jpeg;base64,/)
    const thumb = log.getByRole('button', { name: 'Enlarge pixel.jpg' })
    await eventually(() => thumb.isEnabled(), 'the thumbnail loaded')
    await thumb.click()
    const lightbox = page.getByRole('dialog', { name: 'Picture: pixel.jpg' })
    await lightbox.waitFor()
    await shootAll('lightbox')
    await page.keyboard.press('Escape')
    await eventually(async () => (await lightbox.count()) === 0, 'Esc closes the lightbox')
    await pickModel('llama3.2', /llama3\.2/)
  })

  test('a file dropped outside any target never navigates the app away', async () => {
    for (const screen of ['Chat', 'Settings']) {
      await goTo(page, screen)
      const url = page.url()
      const transfer = await dataTransfer([{ name: 'stray.txt', type: 'text/plain', base64: Buffer.from('stray').toString('base64') }])
      const prevented = await page.evaluate((dt) => {
        const sidebar = document.querySelector('nav[aria-label="Main"]')!
        const over = new DragEvent('dragover', { bubbles: true, cancelable: true, dataTransfer: dt })
        const drop = new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: dt })
        sidebar.dispatchEvent(over)
        sidebar.dispatchEvent(drop)
        return [over.defaultPrevented, drop.defaultPrevented]
      }, transfer)
      assert.deepEqual(prevented, [true, true], `the window took the drop on ${screen}`)
      assert.equal(page.url(), url)
    }
    await goTo(page, 'Chat')
    await removeAllChips()
  })
})
