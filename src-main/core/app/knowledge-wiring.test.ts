import path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Result } from '../../../src-shared/contract'
import { createTestCore } from '../../../test/support/core'
import { makeTempDir, removeTempDirs } from '../../../test/support/tmp'
import { writeCorpus } from '../knowledge/testdata/corpus'
import { startFakeEmbeddings, type FakeEmbeddings } from '../knowledge/testdata/fake-embeddings'
import type { Core } from '.'

let fake: FakeEmbeddings
beforeAll(async () => {
  fake = await startFakeEmbeddings()
})
afterAll(() => fake.close())
const cores: Core[] = []
afterEach(async () => {
  await Promise.all(cores.splice(0).map((core) => core.close()))
  removeTempDirs()
})

function knowledgeCore() {
  const { core } = createTestCore()
  cores.push(core)
  const events: [string, unknown][] = []
  core.onBroadcast((name, payload) => events.push([name, payload]))
  const call = async (route: string, input: unknown): Promise<Result<Record<string, unknown>>> =>
    (await core.dispatcher.call(route, input, { signal: new AbortController().signal, clientId: 'test' })) as Result<Record<string, unknown>>
  const value = async (route: string, input: unknown): Promise<Record<string, unknown>> => {
    const result = await call(route, input)
    if (!result.ok) throw new Error(`${route}: ${JSON.stringify(result.error)}`)
    return result.value
  }
  return { core, call, value, events }
}

describe('knowledge routes', () => {
  it('create, add a folder, sync with job events, search with filters, list files, remove', async () => {
    const { value, events } = knowledgeCore()
    await value('providers.save', { config: { id: 'emb', kind: 'openai', name: 'Embeddings', baseUrl: `${fake.url}/v1` }, key: 'sk-knowledge-test' })
    const folder = path.join(makeTempDir(), 'docs')
    const questions = writeCorpus(folder)
    const { base } = (await value('knowledge.create', { name: 'Docs', embedding: { provider: 'emb', model: 'text-embedding-3-small' } })) as { base: { id: string } }
    await value('knowledge.addSource', { id: base.id, path: folder, watch: false })
    const sync = (await value('knowledge.sync', { id: base.id })) as { job: { status: string } }
    expect(sync.job.status).toBe('running')
    await expect.poll(() => events.some(([name, p]) => name === 'knowledge.job' && (p as { job: { status: string } }).job.status === 'done'), { timeout: 30_000 }).toBe(true)
    expect(fake.authorizations.at(-1)).toBe('Bearer sk-knowledge-test')

    const { passages } = (await value('knowledge.search', { bases: [base.id], query: questions[8]!.question, k: 3 })) as { passages: { file: string; page: number | null }[] }
    expect(passages[0]).toMatchObject({ file: questions[8]!.file, page: 1 })
    const onlyText = (await value('knowledge.search', { bases: [base.id], query: questions[8]!.question, kinds: ['text'] })) as { passages: { file: string }[] }
    expect(onlyText.passages.every((p) => p.file.endsWith('.txt'))).toBe(true)
    const inGarden = (await value('knowledge.search', { bases: [base.id], query: 'water', folder: path.join(folder, 'garden') })) as { passages: { file: string }[] }
    expect(inGarden.passages.length).toBeGreaterThan(0)
    expect(inGarden.passages.every((p) => p.file.startsWith(path.join(folder, 'garden') + path.sep))).toBe(true)

    const { files } = (await value('knowledge.files', { id: base.id })) as { files: { status: string; error: string | null }[] }
    expect(files.filter((f) => f.status === 'error').every((f) => f.error)).toBe(true)
    const { bases } = (await value('knowledge.list', {})) as { bases: { id: string; files: number; embedded: number; chunks: number }[] }
    expect(bases).toEqual([expect.objectContaining({ id: base.id, files: files.length })])
    expect(bases[0]!.embedded).toBe(bases[0]!.chunks)
    expect(await value('knowledge.remove', { id: base.id })).toEqual({ removed: base.id })
    expect(await value('knowledge.list', {})).toEqual({ bases: [] })
  })

  it('answers bad input with specific errors and loses nothing', async () => {
    const { call, value } = knowledgeCore()
    const { base } = (await value('knowledge.create', { name: 'Keep' })) as { base: { id: string } }
    const cases: [string, unknown, RegExp][] = [
      ['knowledge.create', { name: '   ' }, /needs a name/],
      ['knowledge.create', { name: 'x'.repeat(121) }, /at most 120/],
      ['knowledge.create', { name: 'x', embedding: { provider: '', model: 'm' } }, /provider id is empty/],
      ['knowledge.addSource', { id: base.id, path: 'relative/dir' }, /must be absolute/],
      ['knowledge.addSource', { id: 'Not An Id', path: '/tmp' }, /lowercase letters/],
      ['knowledge.addSource', { id: base.id, path: '/tmp', extra: 1 }, /.+/],
      ['knowledge.search', { bases: [], query: 'q' }, /at least one knowledge base/],
      ['knowledge.search', { bases: [base.id], query: '   ' }, /query is empty/],
      ['knowledge.search', { bases: [base.id], query: 'q', kinds: ['exe'] }, /.+/],
      ['knowledge.search', { bases: [base.id], query: 'q', k: 500 }, /.+/],
    ]
    for (const [route, input, message] of cases) {
      const result = await call(route, input)
      expect(result.ok, `${route} ${JSON.stringify(input)}`).toBe(false)
      if (!result.ok) {
        expect(result.error.code).toBe('E_VALIDATION')
        expect(JSON.stringify(result.error)).toMatch(message)
      }
    }
    const missing = await call('knowledge.addSource', { id: base.id, path: path.join(makeTempDir(), 'nope') })
    expect(missing).toMatchObject({ ok: false, error: { code: 'E_NOT_FOUND' } })
    const unknown = await call('knowledge.sync', { id: 'no-such-base' })
    expect(unknown).toMatchObject({ ok: false, error: { code: 'E_NOT_FOUND' } })
    expect(await value('knowledge.list', {})).toMatchObject({ bases: [{ id: base.id, name: 'Keep' }] })
  })
})
