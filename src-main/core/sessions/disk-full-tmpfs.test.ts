import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mountSmallDisk } from '../../../test/support/tmpfs'
import { toAppError } from '../errors'
import { SessionEngine } from './engine'
import { SessionStore } from './store'

/**
 * Start-up on a real full disk: a 2 MB tmpfs, where the machine lets us mount one (root on
 * Linux); skipped with the reason elsewhere. disk-full-startup.test.ts covers the same through
 * seams and runs everywhere.
 */
const disk = mountSmallDisk(2)
if (typeof disk === 'string') console.warn(`[disk-full-tmpfs] skipped: ${disk}`)

describe.runIf(typeof disk !== 'string')('starting on a real full disk (tmpfs, issue 19.1)', () => {
  const small = disk as Exclude<typeof disk, string>
  const dataDir = path.join(small.dir, 'data')
  let id = ''

  beforeAll(() => {
    const engine = SessionEngine.open({ dataDir })
    id = engine.createSession({ title: 'Written before the disk filled' }).id
    engine.appendMessage(id, { role: 'user', text: 'a needle in the history' })
    engine.close()
    small.fill()
  })
  afterAll(() => small.unmount())

  it('opens read-only with the message, reads and searches, refuses writes typed, and saves again once space is freed', async () => {
    const store = await SessionStore.open({ dataDir })
    try {
      expect(store.info.readOnly?.message).toMatch(/^The disk holding your data is full: 0 MB free\./)
      expect((await store.listSessions()).sessions.map((s) => s.id)).toEqual([id])
      expect((await store.search('needle')).map((hit) => hit.sessionId)).toEqual([id])
      const failed = await store.appendMessage(id, { role: 'user', text: 'z'.repeat(256 * 1024) }).catch((error: unknown) => error)
      expect(toAppError(failed)).toMatchObject({ code: 'E_DISK_FULL', retryable: true })
      small.free()
      expect(await store.readOnly()).toBeNull()
      await store.appendMessage(id, { role: 'assistant', text: 'saved after space was freed' })
      expect((await store.getMessages(id)).messages.map((m) => m.text)).toEqual(['a needle in the history', 'saved after space was freed'])
    } finally {
      await store.close()
    }
  })
})
