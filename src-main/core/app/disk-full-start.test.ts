import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createTestCore } from '../../../test/support/core'
import { mountSmallDisk } from '../../../test/support/tmpfs'

/**
 * The whole core started on a real full disk (a 2 MB tmpfs; skipped with the reason where
 * mounting is not allowed): it comes up, says why nothing is saved, and keeps answering.
 */
const disk = mountSmallDisk(2)
if (typeof disk === 'string') console.warn(`[disk-full-start] skipped: ${disk}`)
const ctx = () => ({ signal: new AbortController().signal, clientId: 'test' })

describe.runIf(typeof disk !== 'string')('the app started on a full disk (issue 19.1)', () => {
  const small = disk as Exclude<typeof disk, string>
  afterAll(() => small.unmount())

  it('starts, reads the history, says it is read-only and why, and answers writes with E_DISK_FULL', async () => {
    const dataDir = path.join(small.dir, 'data')
    const first = createTestCore({ dataDir, ownsHistory: true })
    const created = await first.core.dispatcher.call('sessions.create', { title: 'Before the disk filled' }, ctx())
    expect(created.ok).toBe(true)
    await first.core.close()
    small.fill()

    const { core } = createTestCore({ dataDir, ownsHistory: true })
    try {
      expect(await core.dispatcher.call('app.info', {}, ctx())).toMatchObject({ ok: true })
      expect(await core.dispatcher.call('sessions.list', {}, ctx())).toMatchObject({ ok: true, value: { total: 1 } })
      expect(await core.dispatcher.call('sessions.storage', {}, ctx())).toMatchObject({
        ok: true,
        value: { readOnly: { reason: 'disk-full', message: expect.stringMatching(/^The disk holding your data is full: 0 MB free\. Your chats can be read and searched/), hint: expect.stringMatching(/move the data folder/) } },
      })
      expect(await core.dispatcher.call('sessions.create', { title: 'After' }, ctx())).toMatchObject({ ok: false, error: { code: 'E_DISK_FULL' } })
      small.free()
      expect(await core.dispatcher.call('sessions.storage', {}, ctx())).toMatchObject({ ok: true, value: { readOnly: null } })
      expect(await core.dispatcher.call('sessions.create', { title: 'After' }, ctx())).toMatchObject({ ok: true })
    } finally {
      await core.close()
    }
  })
})
