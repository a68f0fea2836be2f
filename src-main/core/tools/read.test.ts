import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { removeTempDirs } from '../../../test/support/tmp'
import { runBuiltinTool } from './run-tool'
import { makeWorkspace } from './tools.fixture'

afterEach(removeTempDirs)

describe('Read', () => {
  it('returns numbered lines like cat -n', async () => {
    const { ctx, write } = makeWorkspace()
    write('src/a.ts', 'first\nsecond\r\nthird\n')
    const result = await runBuiltinTool('Read', { file_path: 'src/a.ts' }, ctx)
    expect(result).toEqual({ ok: true, output: '     1\tfirst\n     2\tsecond\n     3\tthird' })
  })

  it('honours offset and limit and says where it stopped', async () => {
    const { ctx, write } = makeWorkspace()
    write('big.txt', Array.from({ length: 3000 }, (_, i) => `line ${i + 1}`).join('\n'))
    const all = await runBuiltinTool('Read', { file_path: 'big.txt' }, ctx)
    const lines = all.output.split('\n')
    expect(lines).toHaveLength(2001)
    expect(lines[1999]).toBe('  2000\tline 2000')
    expect(lines[2000]).toBe('[Showing lines 1-2000 of 3000; use offset and limit to read more.]')
    const window = await runBuiltinTool('Read', { file_path: 'big.txt', offset: 2999, limit: 5 }, ctx)
    expect(window.output).toBe('  2999\tline 2999\n  3000\tline 3000\n[No newline at end of file]')
    const past = await runBuiltinTool('Read', { file_path: 'big.txt', offset: 4000 }, ctx)
    expect(past).toMatchObject({ ok: false, output: 'big.txt has 3000 lines; offset 4000 is past the end.' })
  })

  it('cuts very long lines', async () => {
    const { ctx, write } = makeWorkspace()
    write('long.txt', `${'x'.repeat(5000)}\n`)
    const { output } = await runBuiltinTool('Read', { file_path: 'long.txt' }, ctx)
    expect(output).toBe(`     1\t${'x'.repeat(2000)}… [line cut at 2000 characters]`)
  })

  it('refuses binary files, folders and missing files with clear messages', async () => {
    const { ctx, write } = makeWorkspace()
    write('img.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01, 0x02]))
    fs.mkdirSync(path.join(ctx.cwd, 'dir'))
    expect(await runBuiltinTool('Read', { file_path: 'img.png' }, ctx)).toMatchObject({ ok: false, output: 'img.png is a binary file; Read and Edit only handle text.' })
    expect(await runBuiltinTool('Read', { file_path: 'dir' }, ctx)).toMatchObject({ ok: false, output: expect.stringContaining('is a folder') })
    const missing = await runBuiltinTool('Read', { file_path: 'nope.txt' }, ctx)
    expect(missing).toMatchObject({ ok: false, output: 'File does not exist: nope.txt' })
    expect(missing.error?.code).toBe('E_NOT_FOUND')
  })

  it('says when a file is empty', async () => {
    const { ctx, write } = makeWorkspace()
    write('empty.txt', '')
    expect(await runBuiltinTool('Read', { file_path: 'empty.txt' }, ctx)).toEqual({ ok: true, output: 'empty.txt is empty.' })
  })

  it('will not read outside the workspace: .., absolute paths and symlinks', async () => {
    const { ctx, root, outside } = makeWorkspace()
    fs.symlinkSync(path.join(outside, 'secret.txt'), path.join(root, 'innocent.txt'))
    for (const file_path of ['../outside/secret.txt', path.join(outside, 'secret.txt'), 'innocent.txt']) {
      const result = await runBuiltinTool('Read', { file_path }, ctx)
      expect(result.ok).toBe(false)
      expect(result.output).toContain('outside the workspace')
      expect(result.output).not.toContain('TOP SECRET')
      expect(result.error?.code).toBe('E_FORBIDDEN')
    }
  })

  it('rejects bad input with the field named', async () => {
    const { ctx } = makeWorkspace()
    const result = await runBuiltinTool('Read', { file_path: 'a', offset: 0 }, ctx)
    expect(result.ok).toBe(false)
    expect(result.error?.code).toBe('E_VALIDATION')
    expect(result.output).toMatch(/^Invalid Read input at "offset": /)
    expect((await runBuiltinTool('Read', {}, ctx)).output).toMatch(/^Invalid Read input at "file_path": /)
  })
})
