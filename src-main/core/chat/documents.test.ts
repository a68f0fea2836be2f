import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { AttachmentUploadInput, ChatEvent, ChatSendInput, RouteInput, RouteName, RouteOutput, StagedDocument } from '../../../src-shared/contract'
import { createLocalClient } from '../rpc'
import type { TestCore } from '../../../test/support/core'
import { startFakeOllamaChat, type FakeOllamaChatServer } from '../../../test/support/fakes/ollama-chat-server'
import { createRecordingCore } from '../../../test/support/recording-core'
import { docxWithParagraphs, passwordProtectedPdf, pdfWithText } from '../documents/testdata/fixtures'

/** Documents on a chat message through the contract: real store, real readers, the Ollama wire fake. */

let t: TestCore
let ollama: FakeOllamaChatServer
const target = { providerId: 'ollama', model: 'llama3.2:latest' } as const

beforeEach(async () => {
  ollama = await startFakeOllamaChat({ models: ['llama3.2:latest'] })
  ;({ t } = createRecordingCore())
  await t.core.settings.update({ ollama: { host: ollama.url } })
})

afterEach(async () => {
  await t.core.close()
  await ollama.close()
})

const api = () => createLocalClient(t.core.dispatcher, 'test')
let uploads = 0

async function call<K extends RouteName>(route: K, input: RouteInput<K>) {
  return api().call(route, input)
}

async function value<K extends RouteName>(route: K, input: RouteInput<K>): Promise<RouteOutput<K>> {
  const result = await call(route, input)
  if (!result.ok) throw new Error(`${route}: ${result.error.message}`)
  return result.value
}

/** Uploads a file in chunks of `chunk` bytes, as the composer does. */
async function upload(name: string, mime: string, bytes: Uint8Array, chunk = 1024 * 384): Promise<StagedDocument> {
  const id = `upload-${++uploads}`
  for (let offset = 0; ; offset += chunk) {
    const part = bytes.subarray(offset, offset + chunk)
    const last = offset + chunk >= bytes.byteLength
    const out = await value('attachments.upload', { upload: id, name, mime, size: bytes.byteLength, offset, data: Buffer.from(part).toString('base64'), last })
    if (out.done) return out.document
    if (last) throw new Error('the last chunk did not finish the upload')
  }
}

async function send(input: ChatSendInput) {
  const events: ChatEvent[] = []
  return api().stream('chat.send', input, (event) => void events.push(event)).done
}

const sentMessages = (i = -1) => (ollama.requests.filter((r) => r.path === '/api/chat').at(i)!.body as { messages: { role: string; content: string }[] }).messages

describe('attachments.upload', () => {
  it('reads a PDF sent in several chunks and reports its size, characters and tokens', async () => {
    const pdf = pdfWithText(['Quarterly revenue grew 12 percent'])
    const staged = await upload('report.pdf', 'application/pdf', pdf, 100)
    expect(staged).toMatchObject({ name: 'report.pdf', kind: 'pdf', size: pdf.byteLength })
    expect(staged.chars).toBeGreaterThanOrEqual('Quarterly revenue grew 12 percent'.length)
    expect(staged.tokens).toBe(Math.ceil(staged.chars / 4))
    expect(staged.sha256).toMatch(/^[0-9a-f]{64}$/)
  })

  it('refuses bad files with their specific message', async () => {
    const locked = passwordProtectedPdf()
    const result = await call('attachments.upload', { upload: 'locked-0001', name: 'locked.pdf', mime: 'application/pdf', size: locked.byteLength, offset: 0, data: Buffer.from(locked).toString('base64'), last: true })
    expect(result).toMatchObject({ ok: false, error: { code: 'E_UNSUPPORTED', message: 'locked.pdf: this PDF is password-protected, so its text cannot be read.' } })
    const huge = await call('attachments.upload', { upload: 'huge-00001', name: 'big.csv', mime: 'text/csv', size: 60 * 1024 * 1024, offset: 0, data: '', last: false })
    expect(huge).toMatchObject({ ok: false, error: { code: 'E_PAYLOAD_TOO_LARGE', message: 'big.csv is 60.0 MB; attachments are limited to 50 MB.' } })
  })

  const good: AttachmentUploadInput = { upload: 'valid-0001', name: 'a.txt', mime: 'text/plain', size: 2, offset: 0, data: 'aGk=', last: true }
  const badInputs: [string, Partial<Record<keyof AttachmentUploadInput, unknown>> & Record<string, unknown>, RegExp][] = [
    ['a short upload id', { upload: 'x' }, /an upload id is 8 to 64/],
    ['no name', { name: '  ' }, /the file needs a name/],
    ['a negative size', { size: -1 }, /the size cannot be negative/],
    ['a fractional offset', { offset: 1.5 }, /the offset is a whole number/],
    ['a chunk that is not base64', { data: 'not base64!' }, /the chunk is not base64/],
    ['a chunk over the limit', { data: 'A'.repeat(524_292) }, /a chunk is at most 524288 base64 characters/],
    ['an unknown field', { extra: 1 }, /extra/],
  ]
  for (const [what, patch, message] of badInputs) {
    it(`rejects ${what}`, async () => {
      const result = await call('attachments.upload', { ...good, ...patch } as AttachmentUploadInput)
      expect(result.ok).toBe(false)
      if (!result.ok) {
        expect(result.error.code).toBe('E_VALIDATION')
        expect(JSON.stringify(result.error)).toMatch(message)
      }
    })
  }

  it('rejects chunks out of order, more bytes than declared, and a file that ends short', async () => {
    await value('attachments.upload', { ...good, upload: 'order-0001', size: 6, data: 'aGk=', last: false })
    expect(await call('attachments.upload', { ...good, upload: 'order-0001', size: 6, offset: 4, data: 'aGk=', last: true })).toMatchObject({ ok: false, error: { message: /out of order \(at byte 4, expected 2\)/ } })
    expect(await call('attachments.upload', { ...good, upload: 'over-00001', size: 1, data: 'aGk=' })).toMatchObject({ ok: false, error: { message: /more bytes than its declared size/ } })
    expect(await call('attachments.upload', { ...good, upload: 'short-0001', size: 3, data: 'aGk=' })).toMatchObject({ ok: false, error: { message: /ended after 2 of its 3 bytes/ } })
    expect(await call('attachments.upload', { ...good, upload: 'never-0001', offset: 2 })).toMatchObject({ ok: false, error: { message: /was not started/ } })
  })
})

describe('chat.send with documents', () => {
  it('sends each document fenced under its file name, stores the files with the message, and sends them again with later turns', async () => {
    const pdf = await upload('report.pdf', 'application/pdf', pdfWithText(['Revenue grew 12 percent']))
    const docx = await upload('minutes.docx', '', docxWithParagraphs(['Decision: ship on Friday']))
    const csv = await upload('sales.csv', 'text/csv', new TextEncoder().encode('region,total\nnorth,12\n'))
    ollama.script({ text: ['Read them.'] }, { text: ['Still there.'] })
    const docs = [pdf, docx, csv].map(({ sha256, name, mime }) => ({ sha256, name, mime }))
    const first = await send({ text: 'Summarise these', documents: docs, target })
    if (!first.ok) throw new Error(first.error.message)
    const user = sentMessages().at(-1)!
    expect(user.role).toBe('user')
    expect(user.content).toMatch(/^Summarise these\n\nFile: report\.pdf\n```\n[^`]*Revenue grew 12 percent[^`]*\n```\n\nFile: minutes\.docx\n```\nDecision: ship on Friday\n```\n\nFile: sales\.csv\n```csv\nregion,total\nnorth,12\n\n```$/)

    const store = await t.core.sessions()
    const stored = (await store.getMessages(first.value.sessionId, { limit: 10 })).messages[0]!
    expect(stored.text).toBe('Summarise these')
    expect(stored.attachments.map((a) => [a.name, a.mime, a.sha256])).toEqual([
      ['report.pdf', 'application/pdf', pdf.sha256],
      ['minutes.docx', 'application/octet-stream', docx.sha256],
      ['sales.csv', 'text/csv', csv.sha256],
    ])

    const second = await send({ sessionId: first.value.sessionId, text: 'And the total?', target })
    expect(second.ok).toBe(true)
    const history = sentMessages()
    expect(history.map((m) => m.role)).toEqual(['user', 'assistant', 'user'])
    expect(history[0]!.content).toBe(user.content)
  })

  it('a message of documents alone is titled after the first file', async () => {
    const csv = await upload('budget.csv', 'text/csv', new TextEncoder().encode('a,b\n1,2\n'))
    ollama.script({ text: ['ok'] })
    const result = await send({ text: '', documents: [{ sha256: csv.sha256, name: csv.name, mime: csv.mime }], target })
    if (!result.ok) throw new Error(result.error.message)
    expect((await (await t.core.sessions()).getSession(result.value.sessionId)).title).toBe('budget.csv')
  })

  it('refuses a document that was never staged, sending and saving nothing', async () => {
    const result = await send({ text: 'hi', documents: [{ sha256: 'a'.repeat(64), name: 'gone.pdf', mime: 'application/pdf' }], target })
    expect(result).toMatchObject({ ok: false, error: { code: 'E_VALIDATION', message: 'gone.pdf is no longer ready to send; attach it again.' } })
    expect(ollama.requests.filter((r) => r.path === '/api/chat')).toHaveLength(0)
    expect((await value('sessions.list', {})).sessions).toHaveLength(0)
  })

  it('rejects a document reference that is not a hash, and more than ten documents', async () => {
    const notHash = await send({ text: 'hi', documents: [{ sha256: 'nope', name: 'x.txt', mime: '' }], target })
    expect(notHash).toMatchObject({ ok: false, error: { code: 'E_VALIDATION' } })
    expect(JSON.stringify(notHash)).toMatch(/64 lower-case hex digits/)
    const many = await send({ text: 'hi', documents: Array.from({ length: 11 }, () => ({ sha256: 'a'.repeat(64), name: 'x.txt', mime: '' })), target })
    expect(JSON.stringify(many)).toMatch(/at most 10 documents per message/)
  })
})

describe('attachments.image', () => {
  it('returns a stored picture for its thumbnail and refuses a document', async () => {
    const pixel = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=='
    const store = await t.core.sessions()
    const session = await store.createSession({ title: 'pics' })
    const message = await store.appendMessage(session.id, { role: 'user', text: 'look', attachments: [{ name: 'p.png', mime: 'image/png', data: Buffer.from(pixel, 'base64') }, { name: 'n.txt', mime: 'text/plain', data: new TextEncoder().encode('words') }] })
    const [picture, text] = message.attachments
    expect(await value('attachments.image', { sha256: picture!.sha256 })).toEqual({ mime: 'image/png', data: pixel })
    expect(await call('attachments.image', { sha256: text!.sha256 })).toMatchObject({ ok: false, error: { code: 'E_UNSUPPORTED' } })
    expect(await call('attachments.image', { sha256: 'b'.repeat(64) })).toMatchObject({ ok: false, error: { code: 'E_NOT_FOUND' } })
  })
})
