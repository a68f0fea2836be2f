import fs from 'node:fs'
import path from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { MessageChannel } from 'node:worker_threads'
import { afterEach, describe, expect, it } from 'vitest'
import { AppError, ValidationError } from '../errors/app-error'
import type { HostMessage } from './protocol'
import { LATEST_VERSION } from './schema'
import { SessionStore } from './store'
import { useTempDirs } from './testdata/helpers'
import { serveSessionEngine } from './worker-host'

const bootstrap = new URL('./testdata/worker-bootstrap.mjs', import.meta.url)
const workerEntry = new URL('./worker-entry.ts', import.meta.url).href

describe('SessionStore', () => {
  const tempDir = useTempDirs()
  const stores: SessionStore[] = []
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close()
  })
  const open = async (options: Parameters<typeof SessionStore.open>[0]) => {
    const store = await SessionStore.open(options)
    stores.push(store)
    return store
  }
  const inWorker = (dataDir: string) => open({ dataDir, worker: { entry: bootstrap, workerData: { tsEntry: workerEntry } } })

  it('offers the whole engine as async calls on the caller thread', async () => {
    const store = await open({ dataDir: tempDir() })
    expect(store.info).toMatchObject({ schemaVersion: LATEST_VERSION, sessions: 0 })
    const session = await store.createSession({ title: 'Async' })
    await store.appendMessage(session.id, { role: 'user', text: 'ping', attachments: [{ name: 'a', mime: 'text/plain', data: new Uint8Array([7]) }] })
    const page = await store.getMessages(session.id)
    expect(page.messages.map((m) => m.text)).toEqual(['ping'])
    expect(Array.from(await store.readAttachment(page.messages[0]!.attachments[0]!.sha256))).toEqual([7])
    expect((await store.search('ping')).map((h) => h.sessionId)).toEqual([session.id])
    expect((await store.listSessions()).total).toBe(1)
    expect((await store.storeInfo()).messages).toBe(1)
  })

  it('reaches every engine method through the async API', async () => {
    const dataDir = tempDir()
    const store = await open({ dataDir })
    const s = await store.createSession({ title: 'All' })
    expect((await store.getSession(s.id)).title).toBe('All')
    expect((await store.renameSession(s.id, 'Everything')).title).toBe('Everything')
    expect((await store.setPinned(s.id, true)).pinned).toBe(true)
    expect((await store.setArchived(s.id, true)).archived).toBe(true)
    expect((await store.setWorkspace(s.id, '/w')).workspace).toBe('/w')
    expect((await store.tagSession(s.id, ['a', 'b'])).tags).toEqual(['a', 'b'])
    expect((await store.untagSession(s.id, ['a'])).tags).toEqual(['b'])
    expect(await store.listTags()).toEqual([{ tag: 'b', count: 1 }])
    const m = await store.appendMessage(s.id, { role: 'user', text: 'hello' })
    expect((await store.getThread(m.id)).map((x) => x.id)).toEqual([m.id])
    const writer = await store.beginStreamingMessage(s.id)
    writer.append('cut')
    await writer.flush()
    expect(await store.recoverInterruptedMessages()).toBe(1)
    expect(await store.exportSession(s.id, 'markdown')).toContain('# Everything')
    expect(await store.findImportableFiles(tempDir())).toEqual([])
    const json = path.join(tempDir(), 's.json')
    fs.writeFileSync(json, await store.exportSession(s.id, 'json'))
    expect(await store.importFiles([json])).toEqual({ imported: 0, skipped: 1, errors: [] })
    const backup = path.join(tempDir(), 'b.db')
    expect((await store.backup(backup)).path).toBe(backup)
    expect(await store.maybeDailyBackup(Date.UTC(2024, 0, 1))).toBe(path.join(dataDir, 'backups', 'sessions-2024-01-01.db'))
    expect(await store.maybeDailyBackup()).toEqual(expect.stringContaining('sessions-'))
    expect(await store.restore(backup)).toMatchObject({ mode: 'merge', sessionsAdded: 0 })
    expect((await store.softDeleteSession(s.id)).deletedAt).not.toBeNull()
    expect((await store.restoreSession(s.id)).deletedAt).toBeNull()
    await store.softDeleteSession(s.id)
    await store.purgeSession(s.id)
    expect(await store.purgeDeleted()).toBe(0)
  })

  it('turns engine errors into AppErrors with their code and hint', async () => {
    const store = await open({ dataDir: tempDir() })
    const session = await store.createSession()
    await store.softDeleteSession(session.id)
    const trash = await store.appendMessage(session.id, { role: 'user', text: 'x' }).catch((e: unknown) => e)
    expect(trash).toBeInstanceOf(ValidationError)
    expect(trash).toMatchObject({ code: 'E_VALIDATION', hint: 'Restore it first.' })
    await expect(store.getSession('018f2c1e-0000-7000-8000-000000000000')).rejects.toMatchObject({ code: 'E_NOT_FOUND' })
    await expect(store.exportAll(path.join(tempDir(), 'f', '..', 'f'))).resolves.toMatchObject({ sessions: 0 })
  })

  it('streams a reply through a writer and keeps it', async () => {
    const store = await open({ dataDir: tempDir(), streaming: { flushIntervalMs: 5 } })
    const session = await store.createSession()
    const writer = await store.beginStreamingMessage(session.id, { model: 'llama3.2' })
    for (const word of ['Once ', 'upon ', 'a ', 'time']) writer.append(word)
    await writer.flush()
    expect((await store.getMessage(writer.id)).text).toBe('Once upon a time')
    writer.append('.')
    const done = await writer.complete({ usage: { inputTokens: 5, outputTokens: 4 } })
    expect(done).toMatchObject({ status: 'complete', text: 'Once upon a time.', model: 'llama3.2' })
    expect(await store.contextWindowUsage(session.id)).toEqual({ tokens: 9, estimated: false, messages: 1 })
  })

  it('takes the daily backup only once no reply is streaming', async () => {
    const dataDir = tempDir()
    const store = await open({ dataDir })
    const s = await store.createSession({ title: 'Busy' })
    const first = await store.beginStreamingMessage(s.id)
    const second = await store.beginStreamingMessage(s.id, { parentId: null })
    let taken: string | null | undefined
    const backup = store.dailyBackupWhenIdle(Date.UTC(2024, 0, 2)).then((file) => (taken = file))
    first.append('one')
    await first.complete()
    await store.listSessions() // a round trip: the backup has had every chance to run by now
    expect(taken).toBeUndefined()
    expect(fs.existsSync(path.join(dataDir, 'backups'))).toBe(false)
    await second.fail('stopped')
    await backup
    expect(taken).toBe(path.join(dataDir, 'backups', 'sessions-2024-01-02.db'))
    // Idle from the start: at once.
    expect(await store.dailyBackupWhenIdle(Date.UTC(2024, 0, 3))).toBe(path.join(dataDir, 'backups', 'sessions-2024-01-03.db'))
  })

  it('rejects calls after close, and close twice is fine', async () => {
    const store = await SessionStore.open({ dataDir: tempDir() })
    await store.close()
    await store.close()
    await expect(store.listSessions()).rejects.toMatchObject({ code: 'E_INTERNAL', message: 'The session store is closed.' })
  })

  it('fails to open with the engine error, e.g. a store from a newer version', async () => {
    const dataDir = tempDir()
    const raw = new DatabaseSync(path.join(dataDir, 'sessions.db'))
    raw.exec('PRAGMA application_id = 1329875795; PRAGMA user_version = 99; CREATE TABLE sessions (x)')
    raw.close()
    await expect(SessionStore.open({ dataDir })).rejects.toMatchObject({ code: 'E_UNSUPPORTED' })
  })

  it('runs the engine in a real worker thread', async () => {
    const dataDir = tempDir()
    const store = await inWorker(dataDir)
    const session = await store.createSession({ title: 'From the worker' })
    const writer = await store.beginStreamingMessage(session.id, {}, { flushIntervalMs: 1 })
    writer.append('threaded ')
    writer.append('text')
    await writer.complete()
    expect((await store.search('threaded'))[0]).toMatchObject({ sessionId: session.id })
    await expect(store.renameSession(session.id, 7 as unknown as string)).rejects.toBeInstanceOf(ValidationError)
    expect(fs.existsSync(path.join(dataDir, 'sessions.db'))).toBe(true)
  })

  it('reports a worker that stops, and one that cannot start', async () => {
    const store = await inWorker(tempDir())
    await (store as unknown as { stop: () => Promise<void> }).stop() // simulate the thread dying
    await expect(store.listSessions()).rejects.toBeInstanceOf(AppError)
    await expect(store.listSessions()).rejects.toMatchObject({ code: 'E_INTERNAL' })

    const blocked = tempDir()
    fs.mkdirSync(path.join(blocked, 'sessions.db'))
    await expect(inWorker(blocked)).rejects.toMatchObject({ code: 'E_IO' })
    await expect(
      SessionStore.open({ dataDir: tempDir(), worker: { entry: bootstrap, workerData: { tsEntry: new URL('./testdata/missing.ts', import.meta.url).href } } }),
    ).rejects.toMatchObject({ message: 'The session store could not start.' })
  })
})

describe('serveSessionEngine', () => {
  const tempDir = useTempDirs()

  it('answers only allowlisted methods and ignores stray messages', async () => {
    const { port1, port2 } = new MessageChannel()
    const replies: HostMessage[] = []
    port2.on('message', (message: HostMessage) => replies.push(message))
    serveSessionEngine(port1, { dataDir: tempDir() })
    port2.postMessage('hello')
    port2.postMessage({ id: 1, method: 'constructor', args: [] })
    port2.postMessage({ id: 2, method: 'listTags', args: [] })
    port2.postMessage({ id: 3, method: 'close', args: [] })
    await new Promise((resolve) => port2.once('close', resolve))
    expect(replies[0]).toMatchObject({ type: 'ready' })
    expect(replies[1]).toMatchObject({ type: 'result', id: 1, ok: false, error: { code: 'E_INTERNAL' }, detail: 'unknown store method constructor' })
    expect(replies.slice(2)).toEqual([
      { type: 'result', id: 2, ok: true, value: [] },
      { type: 'result', id: 3, ok: true, value: undefined },
    ])
  })
})
