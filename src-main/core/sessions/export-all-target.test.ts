import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { useEngines, useTempDirs } from './testdata/helpers'

/**
 * `sessions.exportAll` writes wherever it is told, so the target is checked like any user-supplied
 * path: absolute only, never a folder, never an existing file unless asked, never new parent folders.
 */
describe('exportAll target checks', () => {
  const tempDir = useTempDirs()
  const openEngine = useEngines(tempDir)
  afterEach(() => vi.restoreAllMocks())

  function engineWithOneChat() {
    const engine = openEngine({ now: () => Date.UTC(2024, 6, 4, 10, 30) })
    const session = engine.createSession({ title: 'Trip planning' })
    engine.appendMessage(session.id, { role: 'user', text: 'Where to in May?' })
    return engine
  }

  it('refuses a relative path instead of resolving it against the server’s working folder', () => {
    const engine = engineWithOneChat()
    const dir = tempDir()
    // Relative to the test's working folder, but landing in a temp folder if it were resolved.
    const relative = path.relative(process.cwd(), path.join(dir, 'all.zip'))
    expect(path.isAbsolute(relative)).toBe(false)
    expect(() => engine.exportAll(relative)).toThrow(expect.objectContaining({ code: 'E_VALIDATION', message: expect.stringMatching(/absolute/) }))
    expect(fs.readdirSync(dir)).toEqual([])
  })

  it('refuses a folder with a clear error, closing the file it opened exactly once', () => {
    const engine = engineWithOneChat()
    const dir = tempDir()
    fs.mkdirSync(path.join(dir, 'all.zip'))
    const closed: number[] = []
    const realClose = fs.closeSync
    vi.spyOn(fs, 'closeSync').mockImplementation((fd) => {
      closed.push(fd)
      realClose(fd)
    })
    expect(() => engine.exportAll(path.join(dir, 'all.zip'))).toThrow(
      expect.objectContaining({ code: 'E_VALIDATION', message: expect.stringMatching(/is a folder/) }),
    )
    expect(new Set(closed).size).toBe(closed.length)
    expect(fs.readdirSync(dir)).toEqual(['all.zip'])
    expect(fs.readdirSync(path.join(dir, 'all.zip'))).toEqual([])
  })

  it('keeps an existing file unless overwrite is asked for', () => {
    const engine = engineWithOneChat()
    const target = path.join(tempDir(), 'all.zip')
    fs.writeFileSync(target, 'my tax return')
    expect(() => engine.exportAll(target)).toThrow(expect.objectContaining({ code: 'E_VALIDATION', message: expect.stringMatching(/already exists/) }))
    expect(fs.readFileSync(target, 'utf8')).toBe('my tax return')
    expect(engine.exportAll(target, { overwrite: true })).toMatchObject({ path: target, sessions: 1 })
    expect(fs.readFileSync(target).subarray(0, 2).toString()).toBe('PK')
  })

  // Found by the route fuzz (test/reliability/route-fuzz.test.ts): /proc/self/status is a
  // "regular file" to lstat, but its folder takes no new files, and that came back as E_INTERNAL
  // (then as a 5xx E_IO: the path the user picked is the problem, so it is a 4xx E_NOT_FOUND).
  it.runIf(process.platform === 'linux')('answers a folder that takes no files with a typed E_NOT_FOUND naming the target, leaving nothing behind', () => {
    const engine = engineWithOneChat()
    expect(() => engine.exportAll('/proc/self/status', { overwrite: true })).toThrow(
      expect.objectContaining({ code: 'E_NOT_FOUND', message: 'Could not write the export to /proc/self/status: /proc/self does not exist or does not take new files.' }),
    )
    expect(fs.readdirSync('/proc/self').filter((name) => name.endsWith('.tmp'))).toEqual([])
  })

  it('never creates missing parent folders', () => {
    const engine = engineWithOneChat()
    const dir = tempDir()
    const target = path.join(dir, 'nested', 'deeper', 'all.zip')
    expect(() => engine.exportAll(target)).toThrow(expect.objectContaining({ code: 'E_VALIDATION', message: expect.stringMatching(/folder .* does not exist/) }))
    expect(fs.readdirSync(dir)).toEqual([])
  })
})
