import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { makeTempDir, removeTempDirs } from '../../../test/support/tmp'
import { KnowledgeBase } from './base'
import { JobControl } from './control'
import { createEmbedder, type EmbedderConfig } from './embedders'
import { syncSource, type IngestProgress } from './ingest'
import { retrieve, type RetrievalMode } from './retrieve'
import { BAD_FILES, CORPUS_FILES, writeCorpus } from './testdata/corpus'
import { startFakeEmbeddings, type FakeEmbeddings } from './testdata/fake-embeddings'
import type { VectorKind } from './vector-index'

let fake: FakeEmbeddings
beforeAll(async () => {
  fake = await startFakeEmbeddings()
})
afterAll(() => fake.close())
afterEach(() => removeTempDirs())

const configs = (): Record<'ollama' | 'openai', EmbedderConfig> => ({
  ollama: { kind: 'ollama', baseUrl: fake.url, model: 'nomic-embed-text' },
  openai: { kind: 'openai', baseUrl: `${fake.url}/v1`, apiKey: 'sk-test', model: 'text-embedding-3-small' },
})

function openBase(vectors: VectorKind): { kb: KnowledgeBase; dir: string } {
  const dir = makeTempDir()
  const kb = KnowledgeBase.open(path.join(dir, 'data', 'kb.kb.db'), { create: { id: 'kb', name: 'Corpus' }, vectors })
  return { kb, dir: path.join(dir, 'files') }
}

/** Share of questions whose file is among the top 3 passages. */
async function hitRate(kb: KnowledgeBase, config: EmbedderConfig, questions: { question: string; file: string }[], mode: RetrievalMode): Promise<number> {
  const embedder = createEmbedder(config)
  let hits = 0
  for (const { question, file } of questions) {
    const top = await retrieve([{ name: 'kb', kb, embedder }], question, { k: 3, mode })
    if (top.some((p) => p.file === file)) hits++
  }
  return hits / questions.length
}

describe.each(['sqlite-vec', 'exact'] as const)('ingestion and retrieval with %s vectors', (vectors) => {
  it.each(['ollama', 'openai'] as const)('indexes every format through the %s SDK, fails the broken files one by one, and answers the labelled questions', async (sdk) => {
    const { kb, dir } = openBase(vectors)
    const questions = writeCorpus(dir)
    kb.addSource(dir, 'folder')
    const before = { ...fake.calls }
    const progress: IngestProgress[] = []
    const result = await syncSource(kb, dir, { embedder: createEmbedder(configs()[sdk]), control: new JobControl(), onProgress: (p) => progress.push(p) })
    expect(fake.calls[sdk]).toBeGreaterThan(before[sdk])
    const badCount = Object.keys(BAD_FILES).length
    expect(result).toMatchObject({ found: CORPUS_FILES + badCount, done: CORPUS_FILES + badCount, failed: badCount, unchanged: 0 })
    for (const [file, message] of Object.entries(BAD_FILES)) {
      expect(kb.fileAt(path.join(dir, file))).toMatchObject({ status: 'error', error: expect.stringMatching(message) })
    }
    expect(kb.files().filter((f) => f.status === 'indexed')).toHaveLength(CORPUS_FILES)
    expect(kb.files().some((f) => f.path.includes('.hidden') || f.path.endsWith('.png'))).toBe(false)
    expect(progress.at(-1)).toMatchObject({ done: CORPUS_FILES + badCount, current: null })
    expect(kb.info().embedded).toBe(kb.info().chunks)

    const hybrid = await hitRate(kb, configs()[sdk], questions, 'hybrid')
    const keyword = await hitRate(kb, configs()[sdk], questions, 'keyword')
    const vector = await hitRate(kb, configs()[sdk], questions, 'vector')
    expect(hybrid).toBeGreaterThanOrEqual(0.9)
    expect(hybrid).toBeGreaterThanOrEqual(keyword)
    expect(hybrid).toBeGreaterThanOrEqual(vector)
    kb.close()
  })
})

describe('keeping a folder up to date', () => {
  it('re-embeds only what changed, and deleted files leave the results', async () => {
    const { kb, dir } = openBase('exact')
    writeCorpus(dir)
    kb.addSource(dir, 'folder')
    const embedder = createEmbedder(configs().ollama)
    const sync = () => syncSource(kb, dir, { embedder, control: new JobControl() })
    await sync()
    const calls = fake.calls.texts

    const again = await sync()
    expect(fake.calls.texts).toBe(calls)
    expect(again.unchanged).toBe(CORPUS_FILES)

    // Same bytes, new time: read and hashed, not embedded again.
    const touched = path.join(dir, 'pets/cats.txt')
    fs.utimesSync(touched, new Date(), new Date(Date.now() + 5000))
    expect((await sync()).unchanged).toBe(CORPUS_FILES)
    expect(fake.calls.texts).toBe(calls)

    const edited = path.join(dir, 'pets/aquarium.md')
    fs.writeFileSync(edited, '# Aquarium\n\nGoldfish outgrow small bowls and need a filtered tank of at least eighty litres.\n')
    const added = path.join(dir, 'pets/parrots.txt')
    fs.writeFileSync(added, 'Parrots live for decades and need daily social contact.\n')
    fs.rmSync(path.join(dir, 'garden/compost.txt'))
    fake.embedded.length = 0
    const changed = await sync()
    expect(changed).toMatchObject({ removed: 1, unchanged: CORPUS_FILES - 2 })
    expect(fake.embedded).toHaveLength(2)
    expect(fake.embedded.join(' ')).toMatch(/Goldfish/)
    expect(fake.embedded.join(' ')).toMatch(/Parrots/)

    const search = async (q: string) => (await retrieve([{ name: 'kb', kb, embedder }], q, { k: 3 })).map((p) => p.file)
    expect((await search('goldfish tank litres'))[0]).toBe(edited)
    expect(await search('nitrifying bacteria ammonia')).not.toContain(edited)
    expect((await search('parrots social contact'))[0]).toBe(added)
    expect(await search('compost brown leaves kitchen scraps')).not.toContain(path.join(dir, 'garden/compost.txt'))
    kb.close()
  })

  it('reads only regular files: a named pipe with a text name is never opened', async () => {
    const { kb, dir } = openBase('exact')
    fs.mkdirSync(dir, { recursive: true })
    fs.writeFileSync(path.join(dir, 'real.txt'), 'a regular file about lighthouses\n')
    execFileSync('mkfifo', [path.join(dir, 'pipe.txt')])
    kb.addSource(dir, 'folder')
    const result = await syncSource(kb, dir, { embedder: null, control: new JobControl() })
    expect(result).toMatchObject({ found: 1, done: 1, failed: 0 })
    expect(kb.files().map((f) => path.basename(f.path))).toEqual(['real.txt'])
    kb.close()
  })

  it('says which file is over the PDF/DOCX cap, and reads text of any size in pieces', async () => {
    const { kb, dir } = openBase('exact')
    writeCorpus(dir)
    const big = path.join(dir, 'big.log')
    fs.writeFileSync(big, Array.from({ length: 40_000 }, (_, i) => `line ${i} of the long log about the harbour crane ${i % 97}`).join('\n'))
    kb.addSource(dir, 'folder')
    const result = await syncSource(kb, dir, { embedder: null, control: new JobControl(), wholeFileCapBytes: 100 })
    expect(kb.fileAt(path.join(dir, 'reports/telescope.pdf'))).toMatchObject({ status: 'error', error: expect.stringMatching(/telescope\.pdf is over the 0 MB limit for PDF files/) })
    expect(kb.fileAt(path.join(dir, 'reports/bicycle.docx'))).toMatchObject({ status: 'error', error: expect.stringMatching(/over the .* limit for DOCX/) })
    expect(result.errors.map((e) => path.basename(e.file))).toContain('telescope.pdf')
    const log = kb.fileAt(big)!
    expect(log.status).toBe('indexed')
    expect(log.chunks).toBeGreaterThan(100)
    const last = kb.passages(kb.keywordSearch('39999', 1).map((h) => h.id))[0]!
    expect(last).toMatchObject({ file: big, lineEnd: 40_000 })
    kb.close()
  })
})

describe('pause, resume and cancel', () => {
  it('a paused sync waits at a checkpoint and finishes after resume; a cancel leaves files pending for the next sync', async () => {
    const { kb, dir } = openBase('sqlite-vec')
    writeCorpus(dir)
    kb.addSource(dir, 'folder')
    const embedder = createEmbedder(configs().openai)
    const control = new JobControl()
    let release!: () => void
    fake.gate = new Promise((resolve) => (release = resolve))
    const seen: IngestProgress[] = []
    const running = syncSource(kb, dir, { embedder, control, onProgress: (p) => seen.push(p) })
    await expect.poll(() => seen.length, { timeout: 30_000 }).toBeGreaterThan(0)
    control.pause()
    const calls = fake.calls.texts
    release()
    fake.gate = undefined
    await expect.poll(() => control.holding, { timeout: 30_000 }).toBe(true)
    // Held before anything of the first file was written, with no request after the one in flight.
    expect(kb.files().filter((f) => f.status === 'indexed')).toHaveLength(0)
    expect(fake.calls.texts).toBeGreaterThanOrEqual(calls)
    const whilePaused = fake.calls.texts
    expect(control.holding).toBe(true)
    expect(fake.calls.texts).toBe(whilePaused)
    control.resume()
    await running
    expect(kb.files().filter((f) => f.status === 'indexed')).toHaveLength(CORPUS_FILES)

    const { kb: kb2, dir: dir2 } = openBase('exact')
    writeCorpus(dir2)
    kb2.addSource(dir2, 'folder')
    const cancel = new JobControl()
    let count = 0
    const cancelled = syncSource(kb2, dir2, { embedder, control: cancel, onProgress: (p) => { if (++count === 6) cancel.cancel(); void p } })
    await expect(cancelled).rejects.toMatchObject({ code: 'E_CANCELLED' })
    const indexed = kb2.files().filter((f) => f.status === 'indexed').length
    expect(indexed).toBeLessThan(CORPUS_FILES)
    const resumed = await syncSource(kb2, dir2, { embedder, control: new JobControl() })
    expect(resumed.unchanged).toBe(indexed)
    expect(kb2.files().filter((f) => f.status === 'indexed')).toHaveLength(CORPUS_FILES)
    kb.close()
    kb2.close()
  })
})
