import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { removeTempDirs } from '../../../test/support/tmp'
import { runBuiltinTool } from './run-tool'
import { GLOB_MAX_RESULTS } from './search'
import { makeWorkspace } from './tools.fixture'

afterEach(removeTempDirs)

function touch(file: string, secondsAgo: number): void {
  const when = new Date(Date.now() - secondsAgo * 1000)
  fs.utimesSync(file, when, when)
}

describe('Glob', () => {
  it('lists matching files newest first, skipping node_modules and .git', async () => {
    const { ctx, write } = makeWorkspace()
    touch(write('src/old.ts', ''), 300)
    touch(write('src/new.ts', ''), 10)
    touch(write('src/deep/mid.ts', ''), 100)
    write('src/readme.md', '')
    write('node_modules/pkg/index.ts', '')
    write('.git/hooks/x.ts', '')
    const result = await runBuiltinTool('Glob', { pattern: '**/*.ts' }, ctx)
    expect(result).toEqual({ ok: true, output: ['src/new.ts', 'src/deep/mid.ts', 'src/old.ts'].map((p) => path.normalize(p)).join('\n') })
    const scoped = await runBuiltinTool('Glob', { pattern: '*.md', path: 'src' }, ctx)
    expect(scoped.output).toBe(path.normalize('src/readme.md'))
    const named = await runBuiltinTool('Glob', { pattern: 'node_modules/**/*.ts' }, ctx)
    expect(named.output).toBe(path.normalize('node_modules/pkg/index.ts'))
  })

  it('caps the list and says how many matched', async () => {
    const { ctx, write } = makeWorkspace()
    for (let i = 0; i < GLOB_MAX_RESULTS + 5; i++) write(`f${i}.txt`, '')
    const lines = (await runBuiltinTool('Glob', { pattern: '*.txt' }, ctx)).output.split('\n')
    expect(lines).toHaveLength(GLOB_MAX_RESULTS + 1)
    expect(lines.at(-1)).toBe(`[${GLOB_MAX_RESULTS + 5} files match; showing the ${GLOB_MAX_RESULTS} newest. Use a narrower pattern or path.]`)
  })

  it('says when nothing matches', async () => {
    const { ctx } = makeWorkspace()
    expect((await runBuiltinTool('Glob', { pattern: '*.rs' }, ctx)).output).toMatch(/^No files match "\*\.rs"/)
  })

  it('does not list files outside: .. patterns, absolute patterns, a path outside, links out', async () => {
    const { ctx, root, outside } = makeWorkspace()
    fs.symlinkSync(outside, path.join(root, 'linked'))
    fs.symlinkSync(path.join(outside, 'secret.txt'), path.join(root, 'secret-link.txt'))
    const dotdot = await runBuiltinTool('Glob', { pattern: '../outside/*' }, ctx)
    expect(dotdot).toMatchObject({ ok: false, output: expect.stringContaining('contains "..".') })
    const absolute = await runBuiltinTool('Glob', { pattern: `${outside}/*.txt` }, ctx)
    expect(absolute).toMatchObject({ ok: false, output: expect.stringContaining('outside the workspace') })
    const elsewhere = await runBuiltinTool('Glob', { pattern: '*', path: outside }, ctx)
    expect(elsewhere).toMatchObject({ ok: false, output: expect.stringContaining('outside the workspace') })
    const all = await runBuiltinTool('Glob', { pattern: '**/*' }, ctx)
    expect(all.output).not.toContain('secret')
  })
})

describe('Grep', () => {
  it('returns file:line:text for matching lines, skipping binaries, node_modules and .git', async () => {
    const { ctx, write } = makeWorkspace()
    write('src/a.ts', 'const alpha = 1\nconst beta = 2\nalphabet\n')
    write('src/b.js', 'no match here\nALPHA upper\n')
    write('bin.dat', Buffer.concat([Buffer.from('alpha'), Buffer.from([0, 1])]))
    write('node_modules/x/alpha.js', 'alpha\n')
    write('.git/alpha', 'alpha\n')
    const result = await runBuiltinTool('Grep', { pattern: 'alph\\w+' }, ctx)
    expect(result).toEqual({ ok: true, output: [`${path.normalize('src/a.ts')}:1:const alpha = 1`, `${path.normalize('src/a.ts')}:3:alphabet`].join('\n') })
    const insensitive = await runBuiltinTool('Grep', { pattern: '^alpha', '-i': true, path: 'src' }, ctx)
    expect(insensitive.output).toBe([`${path.normalize('src/a.ts')}:3:alphabet`, `${path.normalize('src/b.js')}:2:ALPHA upper`].join('\n'))
  })

  it('filters by glob (by name, or by path when it has a slash) and searches a single file', async () => {
    const { ctx, write } = makeWorkspace()
    write('src/a.ts', 'hit\n')
    write('src/b.js', 'hit\n')
    write('lib/c.ts', 'hit\n')
    expect((await runBuiltinTool('Grep', { pattern: 'hit', glob: '*.ts' }, ctx)).output.split('\n')).toEqual([path.normalize('lib/c.ts:1:hit'), path.normalize('src/a.ts:1:hit')])
    expect((await runBuiltinTool('Grep', { pattern: 'hit', glob: 'src/*.{js,ts}' }, ctx)).output.split('\n')).toEqual([path.normalize('src/a.ts:1:hit'), path.normalize('src/b.js:1:hit')])
    expect((await runBuiltinTool('Grep', { pattern: 'hit', path: 'src/b.js' }, ctx)).output).toBe(path.normalize('src/b.js:1:hit'))
  })

  it('caps the output and says so', async () => {
    const { ctx, write } = makeWorkspace({ outputCap: 200 })
    write('many.txt', Array.from({ length: 100 }, (_, i) => `match ${i}`).join('\n'))
    const { output } = await runBuiltinTool('Grep', { pattern: 'match' }, { ...ctx, outputCap: 200 })
    const lines = output.split('\n')
    expect(output.length).toBeLessThan(320)
    expect(lines[0]).toBe('many.txt:1:match 0')
    expect(lines.at(-1)).toMatch(/^\[Showing the first \d+ matches; narrow/)
  })

  it('reports an invalid regular expression and a missing path', async () => {
    const { ctx } = makeWorkspace()
    const bad = await runBuiltinTool('Grep', { pattern: 'a(' }, ctx)
    expect(bad).toMatchObject({ ok: false, output: expect.stringMatching(/^Invalid regular expression "a\(": /) })
    expect(bad.error?.code).toBe('E_VALIDATION')
    expect((await runBuiltinTool('Grep', { pattern: 'a', path: 'nowhere' }, ctx)).output).toBe('Path does not exist: nowhere')
    expect((await runBuiltinTool('Grep', { pattern: 'zzz' }, ctx)).output).toBe('No matches for /zzz/.')
  })

  it('stops when the call is cancelled', async () => {
    const { ctx, write } = makeWorkspace()
    write('a.txt', 'hit\n')
    const controller = new AbortController()
    controller.abort()
    const result = await runBuiltinTool('Grep', { pattern: 'hit' }, { ...ctx, signal: controller.signal })
    expect(result).toMatchObject({ ok: false, output: 'Cancelled.' })
    expect(result.error?.code).toBe('E_CANCELLED')
    expect((await runBuiltinTool('Glob', { pattern: '*' }, { ...ctx, signal: controller.signal })).output).toBe('Cancelled.')
  })

  it('never reads outside the workspace, even through a symlink inside it', async () => {
    const { ctx, root, outside } = makeWorkspace()
    fs.symlinkSync(path.join(outside, 'secret.txt'), path.join(root, 'link.txt'))
    fs.symlinkSync(outside, path.join(root, 'linkdir'))
    const inside = await runBuiltinTool('Grep', { pattern: 'SECRET' }, ctx)
    expect(inside.output).toBe('No matches for /SECRET/.')
    const direct = await runBuiltinTool('Grep', { pattern: 'SECRET', path: '../outside' }, ctx)
    expect(direct).toMatchObject({ ok: false, output: expect.stringContaining('outside the workspace') })
  })
})
