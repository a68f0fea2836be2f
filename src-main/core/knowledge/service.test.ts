import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { makeTempDir, removeTempDirs } from '../../../test/support/tmp'
import { KnowledgeClient } from './client'
import { KnowledgeService, type KnowledgeEvent } from './service'
import { CORPUS_FILES, writeCorpus } from './testdata/corpus'
import { startFakeEmbeddings, type FakeEmbeddings } from './testdata/fake-embeddings'

let fake: FakeEmbeddings
beforeAll(async () => {
  fake = await startFakeEmbeddings()
})
afterAll(() => fake.close())
const clients: KnowledgeClient[] = []
afterEach(async () => {
  for (const client of clients.splice(0)) await client.close()
  removeTempDirs()
})

const bootstrap = new URL('../sessions/testdata/worker-bootstrap.mjs', import.meta.url)
const workerEntry = new URL('./worker-entry.ts', import.meta.url).href
const embedding = { provider: 'local', model: 'nomic-embed-text' }

describe.each([['on the calling thread', false], ['in a worker thread', true]] as const)('knowledge client %s', (_, inWorker) => {
  it('creates a base, indexes a folder with progress events, searches it, and removes it', async () => {
    const dataDir = makeTempDir()
    const folder = path.join(makeTempDir(), 'docs')
    const questions = writeCorpus(folder)
    const client = await KnowledgeClient.open({ dataDir, ...(inWorker ? { worker: { entry: bootstrap, workerData: { tsEntry: workerEntry } } } : {}) })
    clients.push(client)
    await client.setEndpoints({ local: { kind: 'ollama', baseUrl: fake.url } })
    const events: KnowledgeEvent[] = []
    client.onEvent((event) => events.push(event))
    const kb = await client.create({ name: ' Home notes ', embedding })
    expect(kb).toMatchObject({ name: 'Home notes', files: 0, job: { status: 'idle' } })
    await client.addSource(kb.id, folder, true)
    await client.sync(kb.id)
    const job = await client.settled(kb.id)
    expect(job).toMatchObject({ status: 'done', error: null })
    expect(events.some((e) => e.job.status === 'running' && e.job.progress !== null)).toBe(true)
    await expect.poll(() => events.at(-1)?.job.status).toBe('done')
    const summary = await client.get(kb.id)
    expect(summary).toMatchObject({ files: CORPUS_FILES + 5, failed: 5, sources: [{ path: folder, kind: 'folder', watch: true }] })
    expect(summary.embedded).toBe(summary.chunks)
    const [first] = await client.search({ bases: [kb.id], query: questions[3]!.question, k: 3 })
    expect(first).toMatchObject({ file: questions[3]!.file, base: kb.id })
    expect(await client.list()).toHaveLength(1)
    await client.remove(kb.id)
    expect(await client.list()).toEqual([])
    await expect(client.get(kb.id)).rejects.toMatchObject({ code: 'E_NOT_FOUND' })
  })

  it('refuses bad input with specific errors and changes nothing', async () => {
    const dataDir = makeTempDir()
    const client = await KnowledgeClient.open({ dataDir, ...(inWorker ? { worker: { entry: bootstrap, workerData: { tsEntry: workerEntry } } } : {}) })
    clients.push(client)
    await expect(client.create({ name: '   ' })).rejects.toMatchObject({ code: 'E_VALIDATION', message: 'A knowledge base needs a name.' })
    const kb = await client.create({ name: 'X' })
    await expect(client.addSource(kb.id, 'relative/path')).rejects.toMatchObject({ code: 'E_VALIDATION', message: expect.stringMatching(/not an absolute path/) })
    await expect(client.addSource(kb.id, path.join(dataDir, 'missing'))).rejects.toMatchObject({ code: 'E_NOT_FOUND' })
    await expect(client.addSource(kb.id, '/dev/null')).rejects.toMatchObject({ code: 'E_VALIDATION', message: expect.stringMatching(/neither a folder nor a regular file/) })
    await expect(client.get('../../etc/passwd')).rejects.toMatchObject({ code: 'E_VALIDATION' })
    await expect(client.removeSource(kb.id, '/nowhere')).rejects.toMatchObject({ code: 'E_NOT_FOUND' })
    expect((await client.get(kb.id)).sources).toEqual([])
  })
})

describe('a watched folder', () => {
  it('adding, editing and deleting files updates the results, embedding only what changed', async () => {
    const dataDir = makeTempDir()
    const folder = path.join(makeTempDir(), 'docs')
    writeCorpus(folder)
    const service = new KnowledgeService({ dataDir })
    service.setEndpoints({ local: { kind: 'ollama', baseUrl: fake.url } })
    const kb = service.create({ name: 'Watched', embedding })
    service.addSource(kb.id, folder, true)
    service.sync(kb.id)
    await service.settled(kb.id)
    await service.watchSources()
    const files = async (query: string): Promise<string[]> => (await service.search({ bases: [kb.id], query, k: 3 })).map((p) => p.file)
    const embeddedBefore = fake.embedded.length

    const added = path.join(folder, 'pets', 'hamster.txt')
    fs.writeFileSync(added, 'Hamsters hoard seeds in their cheek pouches.\n')
    await expect.poll(() => files('hamsters cheek pouches'), { timeout: 30_000 }).toContain(added)
    await expect.poll(() => service.get(kb.id).job.status, { timeout: 30_000 }).toBe('done')

    const edited = path.join(folder, 'garden', 'compost.txt')
    fs.writeFileSync(edited, 'Worm bins turn coffee grounds into castings.\n')
    await expect.poll(() => files('worm bins coffee grounds castings'), { timeout: 30_000 }).toContain(edited)
    fs.rmSync(added)
    await expect.poll(() => files('hamsters cheek pouches'), { timeout: 30_000 }).not.toContain(added)
    await expect.poll(() => service.get(kb.id).job.status, { timeout: 30_000 }).toBe('done')
    // Besides the questions asked, only the added and the edited file were embedded.
    const queries = new Set(['hamsters cheek pouches', 'worm bins coffee grounds castings'])
    const embeddedSince = fake.embedded.slice(embeddedBefore).filter((text) => !queries.has(text))
    expect(embeddedSince).toEqual([expect.stringMatching(/^Hamsters hoard seeds/), expect.stringMatching(/^Worm bins turn coffee/)])
    await service.close()
  })
})

describe('a killed indexer', () => {
  it('SIGKILL during indexing leaves a consistent index, and the next sync resumes without embedding finished files again', async () => {
    const dataDir = makeTempDir()
    const folder = path.join(makeTempDir(), 'docs')
    writeCorpus(folder)
    const service = new KnowledgeService({ dataDir })
    const kb = service.create({ name: 'Crash', embedding })
    service.addSource(kb.id, folder)
    await service.close()

    const child = spawn(process.execPath, [new URL('./testdata/crash-child.mjs', import.meta.url).pathname, dataDir, kb.id, fake.url], { stdio: ['ignore', 'pipe', 'inherit'] })
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()))
    await new Promise<void>((resolve, reject) => {
      let out = ''
      child.stdout.on('data', (data: Buffer) => {
        out += data.toString()
        if (/done 8\n/.test(out)) {
          child.kill('SIGKILL')
          resolve()
        }
        if (/finished/.test(out)) reject(new Error('the child finished before it was killed'))
      })
    })
    await exited

    const file = path.join(dataDir, 'knowledge', `${kb.id}.kb.db`)
    const raw = new DatabaseSync(file)
    expect(raw.prepare('PRAGMA integrity_check').get()).toEqual({ integrity_check: 'ok' })
    raw.exec("INSERT INTO chunks_fts(chunks_fts) VALUES ('integrity-check')")
    const mismatched = raw.prepare("SELECT f.path FROM files f WHERE f.status = 'indexed' AND f.chunks != (SELECT count(*) FROM chunks c WHERE c.file_seq = f.seq)").all()
    const unembedded = raw.prepare('SELECT count(*) AS n FROM chunks c WHERE NOT EXISTS (SELECT 1 FROM embeddings e WHERE e.chunk_seq = c.seq)').get() as { n: number }
    const indexedBefore = (raw.prepare("SELECT count(*) AS n FROM files WHERE status != 'pending'").get() as { n: number }).n
    raw.close()
    expect(mismatched).toEqual([])
    expect(unembedded.n).toBe(0)
    expect(indexedBefore).toBeGreaterThan(0)
    expect(indexedBefore).toBeLessThan(CORPUS_FILES + 5)

    const again = new KnowledgeService({ dataDir })
    again.setEndpoints({ local: { kind: 'ollama', baseUrl: fake.url } })
    again.sync(kb.id)
    const job = await again.settled(kb.id)
    expect(job.status).toBe('done')
    expect(job.progress!.unchanged).toBeGreaterThanOrEqual(indexedBefore - 5)
    expect(again.get(kb.id)).toMatchObject({ files: CORPUS_FILES + 5, failed: 5 })
    expect(again.get(kb.id).embedded).toBe(again.get(kb.id).chunks)
    await again.close()
  })
})
