import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { SessionMessage } from '../../src-shared/contract'
import { RELIABILITY_SCALE } from '../support/reliability'
import { makeTempDir, removeTempDirs } from '../support/tmp'
import { mountSmallDisk, type SmallDisk } from '../support/tmpfs'
import { startCompanionProcess, type CompanionProcess } from './support/companion-process'
import { MODEL, startStreamingOllama, type StreamingOllama } from './support/fake-ollama-stream'

/**
 * A full disk for real: the web companion (its own process) with its data folder on an 8 MB
 * tmpfs, filled to the last byte. Then `chat.send` answers the typed E_DISK_FULL (not E_INTERNAL),
 * the companion stays up and reading keeps working (app.info, sessions.list, search, the
 * messages); once space is freed, chatting works again, and after a restart every message saved
 * before is still there. Mounting needs root (CI and these machines run as root): where `mount`
 * is refused the test is skipped and says why. Only `npm run reliability` runs it; `npm test` has
 * the seam version (src-main/core/sessions/disk-full.test.ts and the log writer's tests).
 */

const heavy = RELIABILITY_SCALE > 1
let disk: SmallDisk | undefined
let ollama: StreamingOllama | undefined
let companion: CompanionProcess | undefined

afterAll(async () => {
  await companion?.stop()
  await ollama?.close()
  disk?.unmount()
  removeTempDirs()
})

describe.runIf(heavy)('a full disk, for real (tmpfs)', () => {
  it('answers E_DISK_FULL, keeps serving reads, loses nothing, and chats again once space is freed', async (ctx) => {
    const root = makeTempDir('ollama-desk-diskfull-')
    const mounted = mountSmallDisk(8)
    if (typeof mounted === 'string') {
      console.log(`disk-full on tmpfs: skipped (${mounted})`)
      ctx.skip()
      return
    }
    disk = mounted
    const dataDir = path.join(disk.dir, 'data')
    ollama = await startStreamingOllama(50)
    companion = await startCompanionProcess({ dataDir, home: path.join(root, 'home'), ollamaHost: ollama.host })
    const { api } = await companion.client()
    const send = (text: string, sessionId?: string) =>
      api.stream('chat.send', { text, target: { providerId: 'ollama', model: MODEL }, ...(sessionId ? { sessionId } : {}) }, () => undefined).done

    const first = await send('saved before the disk filled: tmpfsbefore')
    if (!first.ok) throw new Error(`chat before filling failed: ${JSON.stringify(first.error)}`)
    const sessionId = first.value.sessionId
    const messagesNow = async (): Promise<SessionMessage[]> => {
      const { body } = await companion!.call('sessions.messages', { sessionId, limit: 1000 })
      if (!body.ok) throw new Error(`sessions.messages failed: ${JSON.stringify(body.error)}`)
      return (body.value as { messages: SessionMessage[] }).messages
    }
    const saved = (await messagesNow()).map((m) => ({ id: m.id, text: m.text }))

    disk.fill()
    const free = fs.statfsSync(disk.dir).bavail
    // A message far larger than any room the database files kept: it has to grow them.
    const full = await send(`written on a full disk ${'z'.repeat(150_000)}`, sessionId)
    const fullCode = full.ok ? 'ok' : full.error.code
    const fullMessage = full.ok ? '' : full.error.message

    // Still up, and reading works on the full disk.
    const info = await companion.call('app.info')
    const listed = await companion.call('sessions.list', {})
    const found = await companion.call('sessions.search', { query: 'tmpfsbefore' })
    const whileFull = await messagesNow()
    const upWhileFull = companion.alive()

    disk.free()
    const after = await send('written after space was freed: tmpfsafter', sessionId)
    await companion.stop()
    companion = await startCompanionProcess({ dataDir, home: path.join(root, 'home'), ollamaHost: ollama.host })
    const restarted = await messagesNow()
    console.log(
      `disk-full on tmpfs: ${free} blocks free after filling; chat.send on the full disk answered ${fullCode} (${fullMessage}); ` +
        `while full: app.info ${info.status}, sessions.list ${listed.status}, search ${found.status}; after freeing: chat.send ${after.ok ? 'ok' : after.error.code}; ` +
        `after a restart ${restarted.length} messages (${saved.length} saved before the disk filled, all there: ${saved.every((m) => restarted.some((r) => r.id === m.id && r.text === m.text))})`,
    )
    expect(fullCode).toBe('E_DISK_FULL')
    expect(fullMessage).toMatch(/^The disk holding your data is full/)
    expect(upWhileFull).toBe(true)
    expect(info).toMatchObject({ status: 200, body: { ok: true } })
    expect(listed).toMatchObject({ status: 200, body: { ok: true, value: { total: 1 } } })
    expect(JSON.stringify(found.body)).toContain(sessionId)
    expect(whileFull.map((m) => m.id)).toEqual(expect.arrayContaining(saved.map((m) => m.id)))
    expect(after.ok).toBe(true)
    for (const message of saved) expect(restarted).toContainEqual(expect.objectContaining(message))
    expect(restarted.some((m) => m.text === 'written after space was freed: tmpfsafter')).toBe(true)
  }, 300_000)
})
