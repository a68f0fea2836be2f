import fs from 'node:fs'
import path from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { afterEach, describe, expect, it } from 'vitest'
import { makeTempDir, removeTempDirs } from '../../../test/support/tmp'
import { KnowledgeBase, keywordQuery, type ChunkInput } from './base'

afterEach(() => removeTempDirs())

const chunk = (text: string, heading = ''): ChunkInput => ({ heading, text, page: null, lineStart: 1, lineEnd: 2, tokens: Math.ceil(text.length / 4) })

function baseWith(files: Record<string, ChunkInput[]>): { kb: KnowledgeBase; dir: string } {
  const dir = makeTempDir()
  const kb = KnowledgeBase.open(path.join(dir, 'data', 'k.kb.db'), { create: { id: 'k', name: 'Notes' }, vectors: 'exact' })
  kb.addSource(dir, 'folder', true)
  for (const [name, chunks] of Object.entries(files)) {
    const file = path.join(dir, name)
    kb.markPending(dir, file, { kind: name.endsWith('.md') ? 'markdown' : 'text', size: 10, mtime: 1 })
    kb.recordFile(file, { sha256: name, chunks, vectors: null })
  }
  return { kb, dir }
}

describe('knowledge base file', () => {
  it('keeps its name, sources and files across reopening', () => {
    const { kb, dir } = baseWith({ 'a.md': [chunk('alpha beta')] })
    kb.close()
    const again = KnowledgeBase.open(path.join(dir, 'data', 'k.kb.db'), { vectors: 'exact' })
    expect(again.info()).toMatchObject({ id: 'k', name: 'Notes', files: 1, chunks: 1, embedded: 0, vectors: 'exact' })
    expect(again.sources()).toEqual([expect.objectContaining({ path: dir, kind: 'folder', watch: true })])
    expect(again.files()).toEqual([expect.objectContaining({ path: path.join(dir, 'a.md'), status: 'indexed', chunks: 1, sha256: 'a.md' })])
    again.close()
  })

  it('is private to the user', () => {
    const { kb } = baseWith({})
    expect(fs.statSync(kb.file).mode & 0o077).toBe(0)
    kb.close()
  })

  it('refuses a missing file unless asked to create it, and another application’s database', () => {
    const dir = makeTempDir()
    expect(() => KnowledgeBase.open(path.join(dir, 'none.kb.db'))).toThrow(/no knowledge base/)
    const other = path.join(dir, 'other.db')
    const db = new DatabaseSync(other)
    db.exec('CREATE TABLE t(x)')
    db.close()
    expect(() => KnowledgeBase.open(other)).toThrow(/not an Ollama Desk knowledge base/)
    const foreign = path.join(dir, 'foreign.db')
    const db2 = new DatabaseSync(foreign)
    db2.exec('PRAGMA application_id = 12345')
    db2.close()
    expect(() => KnowledgeBase.open(foreign, { create: { id: 'x', name: 'x' } })).toThrow(/not an Ollama Desk knowledge base/)
  })

  it('ranks chunks by BM25 with headings weighing more, and nothing typed is read as FTS5 syntax', () => {
    const { kb, dir } = baseWith({
      'a.md': [chunk('the garden needs water in summer', 'Garden'), chunk('unrelated text about cars')],
      'b.txt': [chunk('water the plants; garden tools are in the shed')],
    })
    const texts = (query: string, filters = {}): string[] => kb.passages(kb.keywordSearch(query, 5, filters).map((h) => h.id)).map((p) => p.text)
    expect(texts('garden water')[0]).toBe('the garden needs water in summer')
    expect(texts('garden water')).toHaveLength(2)
    expect(texts('cars NEAR( "garden* -water title:x')).toContain('unrelated text about cars')
    expect(texts('garden', { kinds: ['text'] })).toEqual(['water the plants; garden tools are in the shed'])
    expect(texts('garden', { folder: path.join(dir, 'elsewhere') })).toEqual([])
    expect(texts('!!! ???')).toEqual([])
    kb.close()
  })

  it('makes one OR query of distinct words', () => {
    expect(keywordQuery('Where is the "shed"? where')).toBe('"where" OR "is" OR "the" OR "shed"')
    expect(keywordQuery('a ¿ !')).toBeNull()
    expect(keywordQuery('version 2')).toBe('"version" OR "2"')
  })

  it('replaces a file’s chunks all at once: a failure midway leaves the old version searchable', () => {
    const { kb, dir } = baseWith({ 'a.md': [chunk('original words')] })
    const file = path.join(dir, 'a.md')
    expect(() => kb.recordFile(file, { sha256: 'new', chunks: [chunk('new words'), chunk('more')], vectors: [new Float32Array(2)] })).toThrow(/2 chunks but 1 vectors/)
    expect(() => kb.recordFile(file, { sha256: 'new', chunks: [chunk('new words'), { ...chunk('x'), lineStart: 'bad' as unknown as number }], vectors: null })).toThrow()
    expect(kb.passages(kb.keywordSearch('words', 5).map((h) => h.id)).map((p) => p.text)).toEqual(['original words'])
    expect(kb.fileAt(file)).toMatchObject({ sha256: 'a.md', chunks: 1 })
    kb.close()
  })

  it('a failed file keeps its message and leaves the results; removing a source removes its files', () => {
    const { kb, dir } = baseWith({ 'a.md': [chunk('alpha')], 'b.txt': [chunk('alpha too')] })
    kb.failFile(path.join(dir, 'a.md'), 'a.md is damaged')
    expect(kb.fileAt(path.join(dir, 'a.md'))).toMatchObject({ status: 'error', error: 'a.md is damaged', chunks: 0 })
    expect(kb.passages(kb.keywordSearch('alpha', 5).map((h) => h.id)).map((p) => p.text)).toEqual(['alpha too'])
    expect(kb.removeSource(dir)).toBe(true)
    expect(kb.info()).toMatchObject({ files: 0, chunks: 0 })
    expect(kb.keywordSearch('alpha', 5)).toEqual([])
    kb.close()
  })
})
