import { describe, expect, it } from 'vitest'
import { chunkText } from './chunker'

describe('chunkText', () => {
  it('starts a chunk at each Markdown section and carries the heading path', () => {
    const md = '# Guide\n\nIntro words.\n\n## Install\n\nRun the installer.\n\n## Use\n\nOpen the app.\n'
    const chunks = chunkText(md, 'markdown')
    expect(chunks.map((c) => [c.heading, c.text, c.lineStart, c.lineEnd])).toEqual([
      ['Guide', 'Intro words.', 3, 3],
      ['Guide › Install', 'Run the installer.', 7, 7],
      ['Guide › Use', 'Open the app.', 11, 11],
    ])
  })

  it('keeps a fenced code block whole, blank lines and # comments included', () => {
    const md = 'Text before.\n\n```sh\n# not a heading\n\necho hi\n```\n\nText after.'
    const chunks = chunkText(md, 'markdown', { maxTokens: 10, overlapTokens: 0 })
    expect(chunks.map((c) => c.text)).toContain('```sh\n# not a heading\n\necho hi\n```')
    expect(chunks.every((c) => c.heading === '')).toBe(true)
  })

  it('packs paragraphs up to the limit, repeats the end of one chunk at the start of the next, and cuts long lines', () => {
    const paragraphs = Array.from({ length: 30 }, (_, i) => `Paragraph ${i} ${'word '.repeat(20)}`.trim())
    const chunks = chunkText(paragraphs.join('\n\n'), 'text', { maxTokens: 100, overlapTokens: 20 })
    expect(chunks.length).toBeGreaterThan(5)
    for (const chunk of chunks) expect(chunk.text.length).toBeLessThanOrEqual(400 + 100)
    for (let i = 1; i < chunks.length; i++) expect(chunks[i]!.text.startsWith(chunks[i - 1]!.text.slice(-20).trimStart().split('\n')[0]!.slice(0, 5)) || chunks[i]!.text.includes('Paragraph')).toBe(true)
    const all = chunks.map((c) => c.text).join('\n')
    for (const p of paragraphs) expect(all).toContain(p)
    const long = chunkText('x'.repeat(5000), 'text', { maxTokens: 100, overlapTokens: 0 })
    expect(long.map((c) => c.text.length)).toEqual([400, 400, 400, 400, 400, 400, 400, 400, 400, 400, 400, 400, 200])
    expect(long.every((c) => c.lineStart === 1 && c.lineEnd === 1)).toBe(true)
  })

  it('gives CSV rows their header as heading and JSON lines one block each, with their line numbers', () => {
    const csv = chunkText('name,age\nada,36\nalan,41\n', 'csv', { maxTokens: 2, overlapTokens: 0 })
    expect(csv.map((c) => [c.heading, c.text, c.lineStart])).toEqual([['name,age', 'ada,36', 2], ['name,age', 'alan,41', 3]])
    const jsonl = chunkText('{"a":1}\n{"b":2}', 'json', { maxTokens: 3 })
    expect(jsonl.map((c) => [c.text, c.lineStart])).toEqual([['{"a":1}', 1], ['{"b":2}', 2]])
  })

  it('numbers lines from where a piece of a file starts, and keeps the page', () => {
    const chunks = chunkText('one\n\ntwo', 'text', { firstLine: 101, page: 7, maxTokens: 1, overlapTokens: 0 })
    expect(chunks.map((c) => [c.text, c.lineStart, c.page])).toEqual([['one', 101, 7], ['two', 103, 7]])
    expect(chunkText(' \n\n ', 'text')).toEqual([])
  })
})
