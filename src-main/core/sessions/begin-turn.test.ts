import { afterEach, describe, expect, it } from 'vitest'
import { ValidationError } from '../errors/app-error'
import { SessionStore } from './store'
import { useTempDirs } from './testdata/helpers'

/** beginTurn: what a chat turn saves before its first token, in one call and one transaction. */
describe('SessionStore.beginTurn', () => {
  const tempDir = useTempDirs()
  const stores: SessionStore[] = []
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close()
  })
  const open = async () => {
    const store = await SessionStore.open({ dataDir: tempDir() })
    stores.push(store)
    return store
  }

  it('creates the session, saves the prompt and opens the reply under it', async () => {
    const store = await open()
    const { session, userMessage, writer } = await store.beginTurn({
      session: { title: 'New chat', workspace: '/w' },
      user: { role: 'user', text: 'hello', attachments: [{ name: 'a.txt', mime: 'text/plain', data: new Uint8Array([1, 2]) }] },
      reply: { provider: 'p', model: 'm' },
    })
    expect(session).toMatchObject({ title: 'New chat', workspace: '/w' })
    expect(userMessage).toMatchObject({ sessionId: session.id, role: 'user', text: 'hello', parentId: null })
    expect(writer.message).toMatchObject({ sessionId: session.id, role: 'assistant', status: 'streaming', provider: 'p', model: 'm', parentId: userMessage!.id })
    writer.append('hi there')
    await writer.complete()
    const page = await store.getMessages(session.id)
    expect(page.messages.map((m) => [m.role, m.text, m.attachments.length])).toEqual([['user', 'hello', 1], ['assistant', 'hi there', 0]])
    expect((await store.getBranch(session.id)).leafId).toBe(writer.id)
  })

  it('continues an existing session from the branch being read', async () => {
    const store = await open()
    const first = await store.beginTurn({ session: { title: 'Chat' }, user: { role: 'user', text: 'one' }, reply: {} })
    await first.writer.complete()
    const second = await store.beginTurn({ sessionId: first.session.id, user: { role: 'user', text: 'two' }, reply: {} })
    expect(second.session.id).toBe(first.session.id)
    expect(second.userMessage!.parentId).toBe(first.writer.id)
    expect(second.writer.message.parentId).toBe(second.userMessage!.id)
    await second.writer.complete()
    expect((await store.listSessions()).total).toBe(1)
  })

  it('asks again for a saved prompt without saving it twice', async () => {
    const store = await open()
    const first = await store.beginTurn({ session: {}, user: { role: 'user', text: 'again?' }, reply: {} })
    await first.writer.complete()
    const again = await store.beginTurn({ sessionId: first.session.id, user: null, reply: { parentId: first.userMessage!.id } })
    expect(again.userMessage).toBeNull()
    expect(again.writer.message.parentId).toBe(first.userMessage!.id)
    await again.writer.complete()
    expect((await store.getMessages(first.session.id)).messages.filter((m) => m.role === 'user')).toHaveLength(1)
  })

  it('saves nothing when any part is refused', async () => {
    const store = await open()
    const refused = store.beginTurn({ session: { title: 'Never' }, user: { role: 'user', text: 'x', parentId: '01890000-0000-7000-8000-000000000000' }, reply: {} })
    await expect(refused).rejects.toBeInstanceOf(ValidationError)
    await expect(refused).rejects.toThrow('The parent message is not in this session.')
    expect((await store.listSessions()).total).toBe(0)
    await expect(store.beginTurn({ sessionId: '01890000-0000-7000-8000-000000000001', user: { role: 'user', text: 'x' }, reply: {} })).rejects.toMatchObject({ code: 'E_NOT_FOUND' })
    expect((await store.storeInfo()).messages).toBe(0)
  })
})
