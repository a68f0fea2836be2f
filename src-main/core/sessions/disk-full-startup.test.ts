import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { toAppError } from '../errors'
import { openDatabase, type OpenOptions } from './database'
import { SessionEngine } from './engine'
import { testClock, useTempDirs } from './testdata/helpers'

/** What SQLite says when its shared-memory file cannot grow on a full disk (SQLITE_IOERR_SHMSIZE). */
const shmCannotGrow = (): Error => Object.assign(new Error('disk I/O error'), { errcode: 4874, errstr: 'disk I/O error' })
const sqliteFull = (): Error => Object.assign(new Error('database or disk is full'), { errcode: 13 })

/**
 * The database seam: the normal open fails as it does on a full disk; the fallback (no shared
 * memory) opens the real file, and may not grow past its pages, as on a full disk.
 */
function fullDiskOpener(failure: () => Error, free: { mb: number } = { mb: 0 }) {
  const calls: OpenOptions[] = []
  const open: typeof openDatabase = (file, options = {}) => {
    calls.push(options)
    if (!options.withoutSharedMemory) throw failure()
    const opened = openDatabase(file, options)
    const { page_count: pages } = opened.db.raw.prepare('PRAGMA page_count').get() as { page_count: number }
    if (free.mb === 0) opened.db.raw.exec(`PRAGMA max_page_count = ${pages}`)
    return opened
  }
  return { open, calls, free }
}

describe('starting on a full disk (issue 19.1)', () => {
  const tempDir = useTempDirs()

  // One clock for every open of a test, so messages keep the order they were written in.
  const clock = testClock()

  function seed(dataDir: string): string {
    const engine = SessionEngine.open({ dataDir, now: clock.now })
    const session = engine.createSession({ title: 'Written before the disk filled' })
    engine.appendMessage(session.id, { role: 'user', text: 'a needle in the history' })
    engine.close()
    return session.id
  }

  it.each([
    ['the shared-memory file cannot grow', shmCannotGrow],
    ['SQLite says the disk is full', sqliteFull],
  ])('opens the history read-only when %s: reading and search work, writing is a typed E_DISK_FULL, nothing is lost', (_, failure) => {
    const dataDir = tempDir()
    const id = seed(dataDir)
    const seam = fullDiskOpener(failure)
    const engine = SessionEngine.open({ dataDir, now: clock.now, openDatabase: seam.open, freeMegabytes: () => 0 })
    try {
      expect(engine.info()).toMatchObject({ sessions: 1, messages: 1, readOnly: { reason: 'disk-full', message: expect.stringMatching(/^The disk holding your data is full/) } })
      expect(engine.getMessages(id).messages.map((m) => m.text)).toEqual(['a needle in the history'])
      expect(engine.search('needle').map((hit) => hit.sessionId)).toEqual([id])
      let thrown: unknown
      try {
        for (let i = 0; i < 100; i++) engine.appendMessage(id, { role: 'user', text: 'y'.repeat(4000) })
      } catch (error) {
        thrown = error
      }
      expect(toAppError(thrown)).toMatchObject({ code: 'E_DISK_FULL', retryable: true })
      expect(engine.getMessages(id).messages.map((m) => m.text)).toEqual(['a needle in the history'])
    } finally {
      engine.close()
    }
    // Opened normally once there is room again: everything is still there.
    const reopened = SessionEngine.open({ dataDir, now: clock.now })
    expect(reopened.info()).toMatchObject({ sessions: 1, messages: 1, readOnly: null })
    reopened.close()
  })

  it('saves again once space is freed, without a restart', () => {
    const dataDir = tempDir()
    const id = seed(dataDir)
    const seam = fullDiskOpener(shmCannotGrow, { mb: 50 })
    const free = { mb: 0 }
    const engine = SessionEngine.open({ dataDir, now: clock.now, openDatabase: seam.open, freeMegabytes: () => free.mb })
    try {
      expect(engine.info().readOnly).not.toBeNull()
      free.mb = 50
      engine.appendMessage(id, { role: 'assistant', text: 'saved after space was freed' })
      expect(engine.info().readOnly).toBeNull()
    } finally {
      engine.close()
    }
    const reopened = SessionEngine.open({ dataDir, now: clock.now })
    expect(reopened.getMessages(id).messages.map((m) => m.text)).toEqual(['a needle in the history', 'saved after space was freed'])
    reopened.close()
  })

  it('once there is room, lets go of the history so the command line can use it alongside', () => {
    const dataDir = tempDir()
    const id = seed(dataDir)
    const disk = { full: true }
    const open: typeof openDatabase = (file, options = {}) => {
      if (disk.full && !options.withoutSharedMemory) throw shmCannotGrow()
      return openDatabase(file, { ...options, busyTimeoutMs: 0 })
    }
    const app = SessionEngine.open({ dataDir, now: clock.now, openDatabase: open, freeMegabytes: () => (disk.full ? 0 : 50) })
    try {
      // While full, the app holds the history for itself: another process cannot get in.
      expect(() => openDatabase(path.join(dataDir, 'sessions.db'), { busyTimeoutMs: 0 }).db.close()).toThrow(/locked/)
      disk.full = false
      expect(app.readOnly()).toBeNull()
      const cli = SessionEngine.open({ dataDir, now: clock.now, openDatabase: open })
      cli.appendMessage(id, { role: 'user', text: 'from the command line' })
      cli.close()
      app.appendMessage(id, { role: 'assistant', text: 'from the app' })
      expect(app.getMessages(id).messages.map((m) => m.text)).toEqual(['a needle in the history', 'from the command line', 'from the app'])
    } finally {
      app.close()
    }
  })

  it('still refuses a damaged database or another I/O failure on a disk with room: only a full disk opens read-only', () => {
    const dataDir = tempDir()
    seed(dataDir)
    const seam = fullDiskOpener(shmCannotGrow)
    expect(() => SessionEngine.open({ dataDir, now: clock.now, openDatabase: seam.open, freeMegabytes: () => 500 })).toThrow(/disk I\/O error/)
    expect(seam.calls.some((options) => options.withoutSharedMemory)).toBe(false)
  })

  it('a full disk that also stops the fallback is a typed E_DISK_FULL, not an internal error', () => {
    const dataDir = tempDir()
    seed(dataDir)
    const open: typeof openDatabase = () => {
      throw sqliteFull()
    }
    let thrown: unknown
    try {
      SessionEngine.open({ dataDir, now: clock.now, openDatabase: open, freeMegabytes: () => 0 })
    } catch (error) {
      thrown = error
    }
    expect(toAppError(thrown)).toMatchObject({ code: 'E_DISK_FULL', message: expect.stringMatching(/^The disk holding your data is full/) })
  })
})
