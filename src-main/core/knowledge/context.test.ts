import { describe, expect, it } from 'vitest'
import { citationLabel, knowledgeContext } from './context'
import type { ScoredPassage } from './retrieve'

const passage = (chunk: number, text: string, extra: Partial<ScoredPassage> = {}): ScoredPassage => ({
  base: 'kb', chunk, file: `/docs/f${chunk}.md`, kind: 'markdown', heading: '', text, page: null, lineStart: 3, lineEnd: 9, tokens: Math.ceil(text.length / 4), score: 1 / chunk, ...extra,
})

describe('knowledgeContext', () => {
  it('numbers the passages in order with where they come from and asks for citations', () => {
    const context = knowledgeContext([passage(1, 'alpha', { heading: 'Intro' }), passage(2, 'beta', { file: '/docs/report.pdf', page: 4 })], 1000)!
    expect(context.text).toContain('[1] f1.md, lines 3–9\nIntro\nalpha')
    expect(context.text).toContain('[2] report.pdf, page 4\nbeta')
    expect(context.text).toMatch(/Cite the ones you use by their number/)
    expect(context.citations.map((c) => [c.n, c.chunk, c.page])).toEqual([[1, 1, null], [2, 2, 4]])
  })

  it('stays within the token budget, leaving out whole passages that do not fit', () => {
    const big = 'x'.repeat(4000)
    const context = knowledgeContext([passage(1, 'small one'), passage(2, big), passage(3, 'small two')], 200)!
    expect(context.citations.map((c) => c.chunk)).toEqual([1, 3])
    expect(context.citations.map((c) => c.n)).toEqual([1, 2])
    expect(Math.ceil(context.text.length / 4)).toBeLessThanOrEqual(200)
    expect(context.text).not.toContain('xxxx')
    expect(knowledgeContext([passage(1, big)], 100)).toBeNull()
    expect(knowledgeContext([], 1000)).toBeNull()
  })

  it('labels a single line as a line', () => {
    expect(citationLabel({ file: '/a/b.ts', page: null, lineStart: 7, lineEnd: 7 })).toBe('b.ts, line 7')
  })
})
