import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { removeTempDirs } from '../../../test/support/tmp'
import { runBuiltinTool } from './run-tool'
import { listFiles, makeWorkspace } from './tools.fixture'

afterEach(removeTempDirs)

describe('Write', () => {
  it('creates parent folders and the file, leaving no temp file behind', async () => {
    const { ctx, root } = makeWorkspace()
    const result = await runBuiltinTool('Write', { file_path: 'a/b/c.txt', content: 'one\ntwo\n' }, ctx)
    expect(result).toEqual({ ok: true, output: 'Created a/b/c.txt (2 lines).' })
    expect(fs.readFileSync(path.join(root, 'a/b/c.txt'), 'utf8')).toBe('one\ntwo\n')
    expect(listFiles(root)).toEqual(['a', path.join('a', 'b'), path.join('a', 'b', 'c.txt')])
  })

  it('replaces an existing file and keeps its mode', async () => {
    const { ctx, write } = makeWorkspace()
    const file = write('run.sh', 'old\n')
    fs.chmodSync(file, 0o755)
    const result = await runBuiltinTool('Write', { file_path: file, content: 'new\nlines\nhere\n' }, ctx)
    expect(result.output).toBe('Wrote run.sh (3 lines, replacing 1).')
    expect(fs.readFileSync(file, 'utf8')).toBe('new\nlines\nhere\n')
    expect(fs.statSync(file).mode & 0o777).toBe(0o755)
  })

  it('may replace a binary file', async () => {
    const { ctx, write } = makeWorkspace()
    const file = write('blob.bin', Buffer.from([0, 1, 2]))
    expect(await runBuiltinTool('Write', { file_path: 'blob.bin', content: 'text\n' }, ctx)).toEqual({ ok: true, output: 'Wrote blob.bin (1 line, replacing a binary file).' })
    expect(fs.readFileSync(file, 'utf8')).toBe('text\n')
  })

  it('refuses to write onto a folder', async () => {
    const { ctx, root } = makeWorkspace()
    fs.mkdirSync(path.join(root, 'dir'))
    const result = await runBuiltinTool('Write', { file_path: 'dir', content: 'x' }, ctx)
    expect(result).toMatchObject({ ok: false, output: expect.stringContaining('is a folder') })
    expect(fs.statSync(path.join(root, 'dir')).isDirectory()).toBe(true)
  })

  it('writes nothing outside the workspace: .., absolute, a symlinked folder, a dangling link', async () => {
    const { ctx, root, outside } = makeWorkspace()
    fs.symlinkSync(outside, path.join(root, 'linked'))
    fs.symlinkSync(path.join(outside, 'planted.txt'), path.join(root, 'dangling.txt'))
    const attempts = ['../outside/new.txt', path.join(outside, 'abs.txt'), 'linked/new.txt', 'linked/deep/er/new.txt', 'dangling.txt']
    for (const file_path of attempts) {
      const result = await runBuiltinTool('Write', { file_path, content: 'pwned' }, ctx)
      expect(result.ok, file_path).toBe(false)
      expect(result.output).toContain('outside the workspace')
    }
    expect(listFiles(outside)).toEqual(['secret.txt'])
    expect(fs.readFileSync(path.join(outside, 'secret.txt'), 'utf8')).toBe('TOP SECRET\n')
  })
})

describe('Edit', () => {
  it('replaces one exact occurrence, keeping $ sequences literal', async () => {
    const { ctx, write } = makeWorkspace()
    const file = write('a.ts', 'const a = 1\nconst b = 2\n')
    const result = await runBuiltinTool('Edit', { file_path: 'a.ts', old_string: 'const b = 2', new_string: "const b = '$&$1'" }, ctx)
    expect(result).toEqual({ ok: true, output: 'Edited a.ts: replaced 1 occurrence.' })
    expect(fs.readFileSync(file, 'utf8')).toBe("const a = 1\nconst b = '$&$1'\n")
  })

  it('fails when old_string is absent, and leaves the file alone', async () => {
    const { ctx, write } = makeWorkspace()
    const file = write('a.ts', 'hello\n')
    const result = await runBuiltinTool('Edit', { file_path: 'a.ts', old_string: 'bye', new_string: 'x' }, ctx)
    expect(result).toMatchObject({ ok: false, output: expect.stringMatching(/^old_string was not found in a\.ts\./) })
    expect(fs.readFileSync(file, 'utf8')).toBe('hello\n')
  })

  it('fails on two matches without replace_all, saying how many; replaces both with it', async () => {
    const { ctx, write } = makeWorkspace()
    const file = write('a.ts', 'x = 1\ny = 2\nx = 1\n')
    const ambiguous = await runBuiltinTool('Edit', { file_path: 'a.ts', old_string: 'x = 1', new_string: 'x = 3' }, ctx)
    expect(ambiguous.ok).toBe(false)
    expect(ambiguous.output).toMatch(/^old_string appears 2 times in a\.ts; .*replace_all/)
    expect(fs.readFileSync(file, 'utf8')).toBe('x = 1\ny = 2\nx = 1\n')
    const all = await runBuiltinTool('Edit', { file_path: 'a.ts', old_string: 'x = 1', new_string: 'x = 3', replace_all: true }, ctx)
    expect(all).toEqual({ ok: true, output: 'Edited a.ts: replaced 2 occurrences.' })
    expect(fs.readFileSync(file, 'utf8')).toBe('x = 3\ny = 2\nx = 3\n')
  })

  it('refuses empty or unchanged strings, missing and binary files', async () => {
    const { ctx, write } = makeWorkspace()
    write('a.ts', 'abc')
    write('b.bin', Buffer.from([1, 0, 2]))
    expect((await runBuiltinTool('Edit', { file_path: 'a.ts', old_string: '', new_string: 'x' }, ctx)).output).toMatch(/^old_string is empty/)
    expect((await runBuiltinTool('Edit', { file_path: 'a.ts', old_string: 'a', new_string: 'a' }, ctx)).output).toMatch(/are the same/)
    expect((await runBuiltinTool('Edit', { file_path: 'no.ts', old_string: 'a', new_string: 'b' }, ctx)).output).toBe('File does not exist: no.ts')
    expect((await runBuiltinTool('Edit', { file_path: 'b.bin', old_string: 'a', new_string: 'b' }, ctx)).output).toMatch(/binary file/)
  })

  it('will not edit a file outside through a symlink', async () => {
    const { ctx, root, outside } = makeWorkspace()
    fs.symlinkSync(path.join(outside, 'secret.txt'), path.join(root, 'link.txt'))
    const result = await runBuiltinTool('Edit', { file_path: 'link.txt', old_string: 'TOP', new_string: 'NO' }, ctx)
    expect(result.output).toContain('outside the workspace')
    expect(fs.readFileSync(path.join(outside, 'secret.txt'), 'utf8')).toBe('TOP SECRET\n')
  })
})
