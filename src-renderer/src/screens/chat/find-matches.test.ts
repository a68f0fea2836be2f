import { describe, expect, it } from 'vitest'
import { findMatches, rangesIn } from './find-matches'

describe('find in chat', () => {
  it('lists every occurrence the core found, in reading order, with its place inside its message', () => {
    expect(findMatches([{ messageId: 'a', count: 2 }, { messageId: 'c', count: 1 }])).toEqual([
      { messageId: 'a', occurrence: 0 },
      { messageId: 'a', occurrence: 1 },
      { messageId: 'c', occurrence: 0 },
    ])
    expect(findMatches([])).toEqual([])
  })

  it('gives the ranges of the rendered text to highlight, across elements', () => {
    const root = document.createElement('div')
    root.innerHTML = '<p>Use a <strong>starter</strong>.</p><p>starter again</p>'
    const ranges = rangesIn(root, 'STARTER')
    expect(ranges.map((range) => range.toString())).toEqual(['starter', 'starter'])
    expect(rangesIn(root, '')).toEqual([])
  })
})
