import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { makeTempDir, removeTempDirs } from '../../../test/support/tmp'
import { readUserFile, readUserFileSync } from './user-files'

afterEach(() => {
  vi.restoreAllMocks()
  removeTempDirs()
})

function fifo(): string {
  const file = path.join(makeTempDir(), 'import.json')
  execFileSync('mkfifo', [file])
  return file
}

const LIMITS = { maxBytes: 1024, what: 'The import file' }

describe('reading a path the user names', () => {
  it('reads a regular file, and one behind a symlink', async () => {
    const dir = makeTempDir()
    fs.writeFileSync(path.join(dir, 'a.json'), '{"ok":true}')
    fs.symlinkSync(path.join(dir, 'a.json'), path.join(dir, 'link.json'))
    expect((await readUserFile(path.join(dir, 'link.json'), LIMITS)).toString()).toBe('{"ok":true}')
    expect(readUserFileSync(path.join(dir, 'a.json'), LIMITS).toString()).toBe('{"ok":true}')
  })

  it('refuses a named pipe at once instead of waiting for a writer (sync and async, also behind a symlink)', async () => {
    const pipe = fifo()
    const link = `${pipe}.link`
    fs.symlinkSync(pipe, link)
    for (const file of [pipe, link]) {
      await expect(readUserFile(file, LIMITS)).rejects.toMatchObject({ code: 'E_VALIDATION', message: expect.stringMatching(/is a named pipe; only regular files/) })
      expect(() => readUserFileSync(file, LIMITS)).toThrow(expect.objectContaining({ code: 'E_VALIDATION', message: expect.stringMatching(/named pipe/) }))
    }
  })

  it('refuses devices, folders and missing files with what they are', async () => {
    await expect(readUserFile('/dev/zero', LIMITS)).rejects.toMatchObject({ code: 'E_VALIDATION', message: 'The import file /dev/zero is a device; only regular files can be read.' })
    expect(() => readUserFileSync('/dev/zero', LIMITS)).toThrow(/is a device/)
    const dir = makeTempDir()
    await expect(readUserFile(dir, LIMITS)).rejects.toMatchObject({ message: expect.stringMatching(/is a folder/) })
    await expect(readUserFile(path.join(dir, 'nope.json'), LIMITS)).rejects.toMatchObject({ code: 'E_NOT_FOUND' })
    expect(() => readUserFileSync(path.join(dir, 'nope.json'), LIMITS)).toThrow(expect.objectContaining({ code: 'E_NOT_FOUND' }))
  })

  it('stops at the limit counted while reading, not at what stat claims', async () => {
    const file = path.join(makeTempDir(), 'big.json')
    fs.writeFileSync(file, 'x'.repeat(1025))
    await expect(readUserFile(file, LIMITS)).rejects.toMatchObject({ code: 'E_PAYLOAD_TOO_LARGE', message: expect.stringMatching(/larger than the 1 KB limit/) })
    expect(() => readUserFileSync(file, LIMITS)).toThrow(expect.objectContaining({ code: 'E_PAYLOAD_TOO_LARGE' }))
    fs.writeFileSync(file, 'x'.repeat(1024))
    expect((await readUserFile(file, LIMITS)).length).toBe(1024)
  })

  it('gives up on a read that never returns (a stalled network drive) and says so', async () => {
    const file = path.join(makeTempDir(), 'stalled.json')
    fs.writeFileSync(file, '{}')
    const real = fs.promises.open
    let closed = false
    vi.spyOn(fs.promises, 'open').mockImplementation(async (...args: Parameters<typeof real>) => {
      const handle = await real(...args)
      // The stand-in for a hung file system: this read never settles.
      vi.spyOn(handle, 'read').mockReturnValue(new Promise(() => undefined) as never)
      const close = handle.close.bind(handle)
      vi.spyOn(handle, 'close').mockImplementation(async () => {
        closed = true
        await close()
      })
      return handle
    })
    await expect(readUserFile(file, { ...LIMITS, timeoutMs: 20 })).rejects.toMatchObject({ code: 'E_IO', message: expect.stringMatching(/took longer than 0.02 s/) })
    // The descriptor stays with the read that never settled rather than being closed under it.
    expect(closed).toBe(false)
  })
})
