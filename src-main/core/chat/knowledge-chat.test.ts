import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { startChatCore, type ChatCore } from '../../../test/support/chat-core'
import { makeTempDir, removeTempDirs } from '../../../test/support/tmp'

let chat: ChatCore | undefined
afterEach(async () => {
  await chat?.close()
  chat = undefined
  removeTempDirs()
})

/** The system messages of the last chat request the fake OpenAI server received. */
function systemTexts(c: ChatCore): string[] {
  const body = c.openai.requests.filter((r) => r.path.endsWith('/chat/completions')).at(-1)!.body as { messages: { role: string; content: unknown }[] }
  return body.messages.filter((m) => m.role === 'system' || m.role === 'developer').map((m) => (typeof m.content === 'string' ? m.content : JSON.stringify(m.content)))
}

describe('a chat with knowledge bases attached', () => {
  it('sends the best passages, numbered with their file and lines, and only once a base is attached', async () => {
    chat = await startChatCore()
    const c = chat
    const folder = makeTempDir()
    fs.writeFileSync(path.join(folder, 'boat.md'), '# Boat\n\nThe sailing boat is moored at pier seven in the marina.\n')
    fs.writeFileSync(path.join(folder, 'car.txt'), 'The car is parked on level three of the garage.\n')
    const { base } = await c.call('knowledge.create', { name: 'Where things are' })
    await c.call('knowledge.addSource', { id: base.id, path: folder })
    await c.call('knowledge.sync', { id: base.id })
    await expect.poll(async () => (await c.call('knowledge.list', {})).bases[0]!.job.status, { timeout: 30_000 }).toBe('done')

    const first = await c.send({ text: 'Where is the sailing boat moored?', target: c.target })
    if (!first.result.ok) throw new Error(first.result.error.message)
    expect(systemTexts(c).join('\n')).not.toMatch(/pier seven/)

    const { sessionId } = first.result.value
    const { settings } = await c.call('chat.settings.get', { sessionId })
    await c.call('chat.settings.set', { sessionId, settings: { ...settings, knowledge: [base.id] } })
    const second = await c.send({ sessionId, text: 'Where is the sailing boat moored?', target: c.target })
    expect(second.result.ok).toBe(true)
    const block = systemTexts(c).find((text) => text.includes('knowledge bases'))!
    expect(block).toMatch(/\[1\] boat\.md, line 3\nBoat\nThe sailing boat is moored at pier seven/)
    expect(block).toMatch(/Cite the ones you use by their number/)
    // The other file may follow (it shares common words), never before the best one.
    expect(block).not.toMatch(/\[1\] car\.txt/)

    // A base removed after it was attached is skipped; the chat goes on without passages.
    await c.call('knowledge.remove', { id: base.id })
    const third = await c.send({ sessionId, text: 'Where is the sailing boat moored?', target: c.target })
    expect(third.result.ok).toBe(true)
    expect(systemTexts(c).join('\n')).not.toMatch(/pier seven/)
  })

  it('refuses a chat setting that names a bad knowledge base id', async () => {
    chat = await startChatCore()
    const first = await chat.send({ text: 'hello', target: chat.target })
    if (!first.result.ok) throw new Error(first.result.error.message)
    const { settings } = await chat.call('chat.settings.get', { sessionId: first.result.value.sessionId })
    await expect(chat.call('chat.settings.set', { sessionId: first.result.value.sessionId, settings: { ...settings, knowledge: ['../x'] } })).rejects.toThrow(/not a knowledge base id/)
  })
})
