import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { makeTempDir, removeTempDirs } from '../../../test/support/tmp'
import { makePrivateDir, makePrivateFile, tightenDataFolder } from './private-files'

const modeOf = (file: string): number => fs.lstatSync(file).mode & 0o777

afterEach(() => removeTempDirs())

/** A data folder as earlier versions left it: everything readable by other users of the machine. */
function olderInstall() {
  const root = path.join(makeTempDir(), 'data')
  fs.mkdirSync(path.join(root, 'backups'), { recursive: true, mode: 0o755 })
  fs.mkdirSync(path.join(root, 'attachments', 'ab'), { recursive: true, mode: 0o755 })
  for (const dir of [root, path.join(root, 'backups'), path.join(root, 'attachments'), path.join(root, 'attachments', 'ab')]) fs.chmodSync(dir, 0o755)
  const files = ['sessions.db', 'sessions.db-wal', 'backups/sessions-2026-12-01.db', 'attachments/ab/cdef']
  for (const file of files) fs.writeFileSync(path.join(root, file), 'history', { mode: 0o644 })
  for (const file of files) fs.chmodSync(path.join(root, file), 0o644)
  return { root, files }
}

describe('private data folder', () => {
  it('tightens an older install: folders 0700, files 0600, counted once', () => {
    const { root, files } = olderInstall()
    const outside = path.join(makeTempDir(), 'shared-notes.txt')
    fs.writeFileSync(outside, 'not ours to change')
    fs.chmodSync(outside, 0o644)
    fs.symlinkSync(outside, path.join(root, 'notes-link'))

    expect(tightenDataFolder(root)).toBe(3 + files.length)
    expect(modeOf(root)).toBe(0o700)
    for (const dir of ['backups', 'attachments', 'attachments/ab']) expect(modeOf(path.join(root, dir))).toBe(0o700)
    for (const file of files) expect(modeOf(path.join(root, file))).toBe(0o600)
    // A link the user made is not followed: the file it points at keeps its mode.
    expect(modeOf(outside)).toBe(0o644)
    expect(tightenDataFolder(root)).toBe(0)
  })

  it('creates missing folders private and leaves private files and missing files alone', () => {
    const nested = path.join(makeTempDir(), 'a', 'b')
    makePrivateDir(nested)
    expect(modeOf(nested)).toBe(0o700)
    expect(modeOf(path.dirname(nested))).toBe(0o700)
    expect(() => makePrivateFile(path.join(nested, 'missing'))).not.toThrow()
    const file = path.join(nested, 'f')
    fs.writeFileSync(file, 'x', { mode: 0o640 })
    makePrivateFile(file)
    expect(modeOf(file)).toBe(0o600)
  })

  it('changes nothing on Windows, where chmod only toggles read-only', () => {
    const { root, files } = olderInstall()
    expect(tightenDataFolder(root, { platform: 'win32' })).toBe(0)
    makePrivateFile(path.join(root, files[0]!), { platform: 'win32' })
    expect(modeOf(root)).toBe(0o755)
    expect(modeOf(path.join(root, files[0]!))).toBe(0o644)
  })
})
