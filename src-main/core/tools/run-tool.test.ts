import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { BUILTIN_TOOLS } from '../../../src-shared/contract/agent'
import { ValidationError } from '../errors'
import { removeTempDirs } from '../../../test/support/tmp'
import { parseToolInput, previewFor, runBuiltinTool } from './run-tool'
import { builtinToolSpecs } from './specs'
import { makeWorkspace } from './tools.fixture'

afterEach(removeTempDirs)

describe('builtinToolSpecs', () => {
  it('describes every built-in tool with Claude Code’s field names as a JSON Schema', () => {
    const specs = builtinToolSpecs()
    expect(specs.map((spec) => spec.name)).toEqual([...BUILTIN_TOOLS])
    const shape = Object.fromEntries(specs.map((spec) => [spec.name, { props: Object.keys(spec.parameters.properties as object), required: spec.parameters.required }]))
    expect(shape).toEqual({
      Read: { props: ['file_path', 'offset', 'limit'], required: ['file_path'] },
      Write: { props: ['file_path', 'content'], required: ['file_path', 'content'] },
      Edit: { props: ['file_path', 'old_string', 'new_string', 'replace_all'], required: ['file_path', 'old_string', 'new_string'] },
      Glob: { props: ['pattern', 'path'], required: ['pattern'] },
      Grep: { props: ['pattern', 'path', 'glob', '-i'], required: ['pattern'] },
      Bash: { props: ['command', 'timeout', 'description'], required: ['command'] },
      WebFetch: { props: ['url', 'prompt'], required: ['url', 'prompt'] },
    })
    for (const spec of specs) {
      expect(spec.parameters.type).toBe('object')
      expect(spec.parameters).not.toHaveProperty('$schema')
      expect(spec.description.length).toBeGreaterThan(40)
    }
    const bash = specs.find((spec) => spec.name === 'Bash')?.parameters.properties as Record<string, { type: string; maximum: number }>
    expect(bash.timeout).toMatchObject({ type: 'integer', maximum: 600_000 })
  })
})

describe('runBuiltinTool', () => {
  it('answers an unknown tool with the list of tools', async () => {
    const { ctx } = makeWorkspace()
    const result = await runBuiltinTool('Delete', {}, ctx)
    expect(result).toMatchObject({ ok: false, output: 'There is no built-in tool named "Delete". The tools are Read, Write, Edit, Glob, Grep, Bash, WebFetch.' })
    expect(result.error).toBeInstanceOf(ValidationError)
  })

  it('parseToolInput throws a ValidationError naming the field', () => {
    expect(() => parseToolInput('Edit', { file_path: 'a', old_string: 1, new_string: 'b' })).toThrow(ValidationError)
    expect(() => parseToolInput('Edit', { file_path: 'a', old_string: 1, new_string: 'b' })).toThrow(/^Invalid Edit input at "old_string": /)
    expect(() => parseToolInput('Write', 'not an object')).toThrow(/^Invalid Write input: /)
  })

  it('reports a missing workspace root instead of throwing', async () => {
    const { ctx, base } = makeWorkspace()
    const result = await runBuiltinTool('Read', { file_path: 'a' }, { ...ctx, roots: [path.join(base, 'gone')] })
    expect(result).toMatchObject({ ok: false, output: expect.stringContaining('does not exist or cannot be read') })
    expect(result.error?.code).toBe('E_CONFIG')
  })
})

describe('previewFor', () => {
  it('summarises Bash, Read, Glob, Grep and WebFetch in one line', async () => {
    const { ctx } = makeWorkspace()
    expect(await previewFor('Bash', { command: 'git status' }, ctx)).toEqual({ summary: 'Bash: git status' })
    expect(await previewFor('Read', { file_path: path.join(ctx.cwd, 'src', 'a.ts') }, ctx)).toEqual({ summary: `Read ${path.normalize('src/a.ts')}` })
    expect(await previewFor('Glob', { pattern: '**/*.ts', path: 'src' }, ctx)).toEqual({ summary: 'Glob **/*.ts in src' })
    expect(await previewFor('Grep', { pattern: 'TODO', glob: '*.ts' }, ctx)).toEqual({ summary: 'Grep /TODO/ (*.ts)' })
    expect(await previewFor('WebFetch', { url: 'https://example.com/a b', prompt: 'p' }, ctx)).toEqual({ summary: 'WebFetch https://example.com/a%20b' })
  })

  it('shows a new file as a diff against nothing', async () => {
    const { ctx, root } = makeWorkspace()
    const preview = await previewFor('Write', { file_path: 'src/new.ts', content: 'a\nb\n' }, ctx)
    const shown = path.normalize('src/new.ts')
    expect(preview).toEqual({ summary: `Write ${shown} (2 lines, new file)`, diff: `--- /dev/null\n+++ b/${shown}\n@@ -0,0 +1,2 @@\n+a\n+b\n` })
    expect(fs.existsSync(path.join(root, 'src'))).toBe(false)
  })

  it('shows a replaced file and an edit as diffs without changing the file', async () => {
    const { ctx, write } = makeWorkspace()
    const file = write('a.txt', 'one\ntwo\nthree\n')
    const replaced = await previewFor('Write', { file_path: 'a.txt', content: 'one\n2\nthree\nfour\n' }, ctx)
    expect(replaced.summary).toBe('Write a.txt (4 lines, replaces 3 lines)')
    expect(replaced.diff).toBe('--- a/a.txt\n+++ b/a.txt\n@@ -1,3 +1,4 @@\n one\n-two\n+2\n three\n+four\n')
    const edit = await previewFor('Edit', { file_path: 'a.txt', old_string: 'two', new_string: 'TWO' }, ctx)
    expect(edit).toEqual({ summary: 'Edit a.txt', diff: '--- a/a.txt\n+++ b/a.txt\n@@ -1,3 +1,3 @@\n one\n-two\n+TWO\n three\n' })
    expect(fs.readFileSync(file, 'utf8')).toBe('one\ntwo\nthree\n')
  })

  it('says why a call would fail instead of throwing: outside the workspace, ambiguous edit, bad input', async () => {
    const { ctx, outside, write } = makeWorkspace()
    write('dup.txt', 'x x')
    const escape = await previewFor('Write', { file_path: path.join(outside, 'x.txt'), content: 'x' }, ctx)
    expect(escape.summary).toMatch(/^Write .*x\.txt \(will fail: ".*x\.txt" is outside the workspace; /)
    expect(escape.diff).toBeUndefined()
    expect((await previewFor('Edit', { file_path: 'dup.txt', old_string: 'x', new_string: 'y' }, ctx)).summary).toMatch(/^Edit dup\.txt \(will fail: old_string appears 2 times/)
    expect((await previewFor('Bash', { command: 42 }, ctx)).summary).toMatch(/^Bash \(will fail: Invalid Bash input at "command": /)
    expect((await previewFor('WebFetch', { url: 'file:///etc/passwd', prompt: '' }, ctx)).summary).toBe('WebFetch (will fail: Only http and https URLs can be fetched, not file: ones.)')
    expect(fs.readdirSync(outside)).toEqual(['secret.txt'])
  })
})
