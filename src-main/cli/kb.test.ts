import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { testIo } from '../../test/support/io'
import { makeTempDir, removeTempDirs } from '../../test/support/tmp'
import { runCli } from './run'

afterEach(() => removeTempDirs())

const run = async (args: string[], dir: string) => {
  const io = testIo({ HOME: makeTempDir() })
  const code = await runCli([...args, '--data-dir', dir], io)
  return { code, out: io.stdout(), err: io.stderr() }
}

describe('ollama-desk kb', () => {
  it('create, add, sync, search, list and rm a knowledge base', async () => {
    const dir = makeTempDir()
    const docs = makeTempDir()
    fs.writeFileSync(path.join(docs, 'lighthouse.md'), '# Lighthouses\n\nThe lighthouse keeper trims the lamp wick every evening.\n')
    fs.writeFileSync(path.join(docs, 'broken.txt'), Buffer.from([0, 1, 2, 3, 0, 5]))
    const created = await run(['kb', 'create', 'Coast notes'], dir)
    expect(created.code).toBe(0)
    const id = created.out.trim()
    expect(id).toMatch(/^[a-z0-9-]+$/)
    // Adding indexes at once: the command does not end before its files are searchable.
    const added = await run(['kb', 'add', id, docs], dir)
    expect(added.code).toBe(0)
    expect(added.out).toMatch(/2\/2 files, 1 passages, 0 unchanged, 1 failed/)
    expect(added.err).toMatch(/broken\.txt: .*binary data/)
    const synced = await run(['kb', 'sync', id], dir)
    expect(synced.code).toBe(0)
    expect(synced.out).toMatch(/2\/2 files, 0 passages, 1 unchanged, 1 failed/)
    const found = await run(['kb', 'search', id, 'who', 'trims', 'the', 'lamp', 'wick?'], dir)
    expect(found.code).toBe(0)
    expect(found.out).toMatch(/^\[1\] .*lighthouse\.md \(lines 3-3\)\n {4}The lighthouse keeper trims the lamp wick/)
    const listed = await run(['kb', 'list'], dir)
    expect(listed.out).toContain(`${id}  Coast notes  (2 files, 1 passages, 1 failed; words only; idle)`)
    expect(JSON.parse((await run(['kb', 'list', '--json'], dir)).out).bases).toHaveLength(1)
    expect((await run(['kb', 'rm', id], dir)).code).toBe(0)
    expect((await run(['kb', 'list'], dir)).out).toMatch(/No knowledge bases/)
    expect(fs.existsSync(path.join(docs, 'lighthouse.md'))).toBe(true)
  })

  it('says what is wrong with bad arguments', async () => {
    const dir = makeTempDir()
    expect(await run(['kb'], dir)).toMatchObject({ code: 2, err: expect.stringMatching(/say what to do: list, create, add, sync, search, rm/) })
    expect(await run(['kb', 'create', 'x', '--provider', 'local'], dir)).toMatchObject({ code: 2, err: expect.stringMatching(/--provider and --model go together/) })
    expect(await run(['kb', 'add', 'no-such-base', '/tmp'], dir)).toMatchObject({ code: 1, err: expect.stringMatching(/no knowledge base "no-such-base"/) })
    expect(await run(['kb', 'search', 'NOT_AN_ID', 'q'], dir)).toMatchObject({ code: 1, err: expect.stringMatching(/lowercase letters/) })
  })
})
