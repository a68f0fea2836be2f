import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { useEngines, useTempDirs } from './testdata/helpers'

const modeOf = (file: string): number => fs.statSync(file).mode & 0o777

/** Chat history is as private as the secrets and logs beside it (issue 19.6: it was 0644 in a 0755 folder). */
describe('session files are readable by the user only', () => {
  const tempDir = useTempDirs()
  const openEngine = useEngines(tempDir)

  it('the database, its WAL and shared memory, attachments, backups, snapshots and exports', () => {
    const dataDir = path.join(tempDir(), 'data')
    const engine = openEngine({ dataDir })
    const session = engine.createSession({ title: 'Private' })
    engine.appendMessage(session.id, { role: 'user', text: 'my diagnosis', attachments: [{ name: 'scan.png', mime: 'image/png', data: new Uint8Array([1, 2, 3]) }] })
    expect(modeOf(dataDir)).toBe(0o700)
    for (const suffix of ['', '-wal', '-shm']) expect(modeOf(path.join(dataDir, `sessions.db${suffix}`))).toBe(0o600)
    const attachment = engine.getMessages(session.id).messages[0]!.attachments[0]!
    const stored = path.join(dataDir, 'attachments', attachment.sha256.slice(0, 2), attachment.sha256.slice(2))
    expect(modeOf(stored)).toBe(0o600)
    expect(modeOf(path.dirname(stored))).toBe(0o700)
    const backup = engine.backup(path.join(tempDir(), 'copy.db'))
    expect(modeOf(backup.path)).toBe(0o600)
    const zip = engine.exportAll(path.join(tempDir(), 'all.zip'))
    expect(modeOf(zip.path)).toBe(0o600)
  })
})
