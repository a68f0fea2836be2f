import { describe, expect, it } from 'vitest'
import { diffOps, unifiedDiff } from './diff'

const lines = (n: number, f: (i: number) => string = (i) => `line ${i}`) => Array.from({ length: n }, (_, i) => f(i + 1)).join('\n') + '\n'

describe('unifiedDiff', () => {
  it('is empty when nothing changed', () => {
    expect(unifiedDiff('a\nb\n', 'a\nb\n')).toBe('')
  })

  it('shows a change with three lines of context', () => {
    const before = lines(10)
    const after = before.replace('line 5\n', 'line five\n')
    expect(unifiedDiff(before, after, { oldLabel: 'a/x.txt', newLabel: 'b/x.txt' })).toBe(
      ['--- a/x.txt', '+++ b/x.txt', '@@ -2,7 +2,7 @@', ' line 2', ' line 3', ' line 4', '-line 5', '+line five', ' line 6', ' line 7', ' line 8', ''].join('\n'),
    )
  })

  it('makes separate hunks for distant changes and merges close ones', () => {
    const before = lines(30)
    const after = before.replace('line 2\n', 'two\n').replace('line 25\n', '')
    const diff = unifiedDiff(before, after)
    expect(diff.match(/^@@ .* @@$/gm)).toEqual(['@@ -1,5 +1,5 @@', '@@ -22,7 +22,6 @@'])
    const close = unifiedDiff(before, before.replace('line 10\n', 'ten\n').replace('line 14\n', 'fourteen\n'))
    expect(close.match(/^@@ .* @@$/gm)).toEqual(['@@ -7,11 +7,11 @@'])
  })

  it('diffs a new file against nothing, and insertions in the middle', () => {
    expect(unifiedDiff('', 'a\nb\n', { oldLabel: '/dev/null', newLabel: 'b/new' })).toBe('--- /dev/null\n+++ b/new\n@@ -0,0 +1,2 @@\n+a\n+b\n')
    expect(unifiedDiff('a\nc\n', 'a\nb\nc\n')).toBe('--- a\n+++ b\n@@ -1,2 +1,3 @@\n a\n+b\n c\n')
  })

  it('finds the longest common subsequence rather than replacing everything', () => {
    const diff = unifiedDiff('a\nb\nc\nd\ne\n', 'b\nc\nX\ne\nf\n')
    expect(diff.split('\n').slice(2)).toEqual(['@@ -1,5 +1,5 @@', '-a', ' b', ' c', '-d', '+X', ' e', '+f', ''])
  })

  it('copes with a few thousand lines and caps its size', () => {
    const before = lines(4000)
    const after = lines(4000, (i) => (i % 100 === 0 ? `changed ${i}` : `line ${i}`))
    const diff = unifiedDiff(before, after)
    expect(diff.match(/^-line /gm)).toHaveLength(40)
    const capped = unifiedDiff(before, after, { maxChars: 500 })
    expect(capped.length).toBeLessThanOrEqual(500 + '\n[diff truncated]'.length)
    expect(capped.endsWith('\n[diff truncated]')).toBe(true)
  })

  it('bounds its work: past 16 million table cells the middle is shown as replaced wholesale', () => {
    // 5000 × 5000 lines between the first and the last change: more cells than the table may have.
    const before = lines(5000)
    const after = lines(5000, (i) => (i === 1 || i === 5000 ? `changed ${i}` : `line ${i}`))
    const ops = diffOps(before, after)
    expect(ops.filter((op) => op.kind === '-')).toHaveLength(5000)
    expect(ops.filter((op) => op.kind === '+')).toHaveLength(5000)
    expect(ops.filter((op) => op.kind === ' ')).toHaveLength(0)
    // Just under the limit (4000 × 4000), the same edits get the real, minimal diff.
    const small = diffOps(lines(4000), lines(4000, (i) => (i === 1 || i === 4000 ? `changed ${i}` : `line ${i}`)))
    expect(small.filter((op) => op.kind !== ' ')).toHaveLength(4)
  })
})
