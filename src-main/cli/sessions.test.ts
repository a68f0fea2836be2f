import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createTestCore } from '../../test/support/core'
import { testIo } from '../../test/support/io'
import { makeTempDir, removeTempDirs } from '../../test/support/tmp'
import { formatHits } from './sessions'
import { runCli } from './run'

afterEach(() => removeTempDirs())

/** A data dir with two sessions written through the real core, as the app would. */
async function seeded(): Promise<{ dir: string; ids: string[] }> {
  const t = createTestCore()
  const store = await t.core.sessions()
  const a = await store.createSession({ title: 'Sourdough schedule', tags: ['cooking'] })
  await store.appendMessage(a.id, { role: 'user', text: 'When should I feed the levain?' })
  await store.appendMessage(a.id, { role: 'assistant', text: 'Feed the levain twelve hours before mixing.', model: 'llama3.2' })
  const b = await store.createSession({ title: 'Rust lifetimes' })
  await store.setPinned(b.id, true)
  await t.core.close()
  return { dir: t.dir, ids: [a.id, b.id] }
}

const run = async (args: string[], env: Record<string, string> = { HOME: makeTempDir() }) => {
  const io = testIo(env)
  const code = await runCli(args, io)
  return { code, out: io.stdout(), err: io.stderr() }
}

describe('ollama-desk sessions', () => {
  it('lists sessions, pinned first, and filters by tag', async () => {
    const { dir, ids } = await seeded()
    const all = await run(['sessions', 'list', '--data-dir', dir])
    expect(all.code).toBe(0)
    const lines = all.out.trim().split('\n')
    expect(lines[0]).toMatch(new RegExp(`^\\* ${ids[1]} .* Rust lifetimes$`))
    expect(lines[1]).toContain('Sourdough schedule  [cooking]')
    const tagged = await run(['sessions', 'list', '--tag', 'cooking', '--json', '--data-dir', dir])
    expect(JSON.parse(tagged.out).sessions.map((s: { id: string }) => s.id)).toEqual([ids[0]])
  })

  it('searches with highlighted matches and shows a session', async () => {
    const { dir, ids } = await seeded()
    const found = await run(['sessions', 'search', 'levain', '--data-dir', dir])
    expect(found.code).toBe(0)
    expect(found.out).toContain('[levain]')
    const shown = await run(['sessions', 'show', ids[0]!, '--data-dir', dir])
    expect(shown.out).toContain('# Sourdough schedule')
    expect(shown.out).toContain('[assistant · llama3.2]')
    const missing = await run(['sessions', 'show', 'nope', '--data-dir', dir])
    expect(missing.code).toBe(1)
    expect(missing.err).toMatch(/^error: /)
  })

  it('search shows one row per session however many of its messages (and its title) match', async () => {
    const { dir, ids } = await seeded()
    const found = await run(['sessions', 'search', 'levain', '--data-dir', dir])
    expect(found.code).toBe(0)
    const rows = found.out.trim().split('\n').filter((line) => !line.startsWith(' '))
    expect(rows).toEqual([`${ids[0]}  Sourdough schedule  (2 messages match)`])
    // The best hit's snippet under it, highlighted.
    expect(found.out.trim().split('\n')[1]).toMatch(/^ {4}.*\[levain\]/)
    const titleToo = await run(['sessions', 'search', 'sourdough', '--data-dir', dir])
    expect(titleToo.out.trim().split('\n').filter((line) => !line.startsWith(' '))).toHaveLength(1)
  })

  it('exports to a file and imports it into another data dir', async () => {
    const { dir, ids } = await seeded()
    const out = path.join(makeTempDir(), 'session.json')
    expect((await run(['sessions', 'export', ids[0]!, '--format', 'json', '--out', out, '--data-dir', dir])).code).toBe(0)
    const md = await run(['sessions', 'export', ids[0]!, '--data-dir', dir])
    expect(md.out).toContain('Feed the levain')
    const other = makeTempDir()
    const imported = await run(['sessions', 'import', out, '--data-dir', other])
    expect(imported).toMatchObject({ code: 0, out: 'imported 1, skipped 0, failed 0\n' })
    const again = await run(['sessions', 'import', out, '--data-dir', other])
    expect(again.out).toBe('imported 0, skipped 1, failed 0\n')
  })

  it('discovers and imports the original ollama-cli sessions from the home folder', async () => {
    const home = makeTempDir()
    fs.mkdirSync(path.join(home, '.ollama', 'sessions'), { recursive: true })
    fs.copyFileSync(
      path.join(import.meta.dirname, '../core/sessions/testdata/import/ollama-cli-session.json'),
      path.join(home, '.ollama', 'sessions', 'abc.json'),
    )
    const dir = makeTempDir()
    const result = await run(['sessions', 'import', '--discover', '--data-dir', dir], { HOME: home })
    expect(result).toMatchObject({ code: 0, out: 'imported 1, skipped 0, failed 0\n' })
    expect((await run(['sessions', 'list', '--data-dir', dir])).out.split('\n')).toHaveLength(2)
  })

  it('backs up, refuses to replace without --yes, merges by default, and exports everything to a zip', async () => {
    const { dir, ids } = await seeded()
    const backup = await run(['sessions', 'backup', '--data-dir', dir])
    expect(backup.code).toBe(0)
    const file = /backed up to (\S+) /.exec(backup.out)![1]!
    const other = makeTempDir()
    await run(['sessions', 'import', '--discover', '--data-dir', other])
    const merged = await run(['sessions', 'restore', file, '--data-dir', other])
    expect(merged).toMatchObject({ code: 0, out: 'merged: 2 sessions and 2 messages added\n' })
    const refused = await run(['sessions', 'restore', file, '--replace', '--data-dir', other])
    expect(refused.code).toBe(1)
    expect(refused.err).toMatch(/^error: .*\nhint: /)
    const replaced = await run(['sessions', 'restore', file, '--replace', '--yes', '--data-dir', other])
    expect(replaced.out).toMatch(/^replaced: .*previous history is kept at /)
    const notAStore = path.join(makeTempDir(), 'x.sqlite')
    fs.writeFileSync(notAStore, 'hello')
    expect((await run(['sessions', 'restore', notAStore, '--data-dir', other])).code).toBe(1)
    expect((await run(['sessions', 'restore', '--data-dir', other])).code).toBe(2)
    const zip = path.join(makeTempDir(), 'all.zip')
    expect(await run(['sessions', 'export', '--all', '--out', zip, '--data-dir', dir])).toMatchObject({ code: 0, out: expect.stringContaining('exported 2 sessions') })
    expect(fs.readFileSync(zip).subarray(0, 4).toString('binary')).toBe('PK\u0003\u0004')
    const again = await run(['sessions', 'export', '--all', '--out', zip, '--data-dir', dir])
    expect(again).toMatchObject({ code: 1, err: expect.stringMatching(/already exists/) })
    expect(await run(['sessions', 'export', '--all', '--out', zip, '--force', '--data-dir', dir])).toMatchObject({ code: 0 })
    expect((await run(['sessions', 'export', '--all', '--data-dir', dir])).code).toBe(2)
    expect(ids).toHaveLength(2)
  })

  it('reports bad files one by one and exits 1', async () => {
    const dir = makeTempDir()
    const bad = path.join(dir, 'bad.json')
    fs.writeFileSync(bad, '[1, 2')
    const result = await run(['sessions', 'import', bad, '--data-dir', makeTempDir()])
    expect(result.code).toBe(1)
    expect(result.err).toContain(`${bad}: `)
  })

  it('explains what it needs', async () => {
    const dir = makeTempDir()
    expect(await run(['sessions', '--data-dir', dir])).toMatchObject({ code: 2, err: expect.stringContaining('list, search, show, export, backup, restore, import') })
    expect(await run(['sessions', 'import', '--data-dir', dir])).toMatchObject({ code: 2, err: expect.stringContaining('--discover') })
    expect(await run(['sessions', 'import', '--discover', '--data-dir', dir])).toMatchObject({ code: 2 })
    expect(await run(['sessions', 'export', 'x', '--format', 'pdf', '--data-dir', dir])).toMatchObject({ code: 1, err: expect.stringContaining('format') })
    expect((await run(['sessions', 'list', '--data-dir', dir])).out).toBe('No sessions.\n')
  })

  it('formats hits with colour on a terminal', () => {
    const hits = [{ sessionId: 's', sessionTitle: 'T', messageId: null, role: null, snippet: 'a \u0002b\u0003\nc', rank: 0, createdAt: 0 }]
    expect(formatHits(hits, true)).toBe('s  T\n    a \u001b[1;33mb\u001b[0m c')
    expect(formatHits([], false)).toBe('No matches.')
  })
})
