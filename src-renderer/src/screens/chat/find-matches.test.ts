import { describe, expect, it } from 'vitest'
import { findMatches, rangesIn } from './find-matches'

describe('find in chat', () => {
  const messages = [
    { id: 'a', text: 'Sourdough needs a starter. A STARTER is flour and water.' },
    { id: 'b', text: 'Nothing here.' },
    { id: 'c', text: 'starterstarter' },
  ]

  it('lists every occurrence, case-insensitively, in reading order, with its place inside its message', () => {
    expect(findMatches(messages, 'Starter')).toEqual([
      { messageId: 'a', occurrence: 0 },
      { messageId: 'a', occurrence: 1 },
      { messageId: 'c', occurrence: 0 },
      { messageId: 'c', occurrence: 1 },
    ])
  })

  it('finds nothing for an empty query or a missing word', () => {
    expect(findMatches(messages, '')).toEqual([])
    expect(findMatches(messages, 'rye')).toEqual([])
  })

  it('gives the ranges of the rendered text to highlight, across elements', () => {
    const root = document.createElement('div')
    root.innerHTML = '<p>Use a <strong>starter</strong>.</p><p>starter again</p>'
    const ranges = rangesIn(root, 'STARTER')
    expect(ranges.map((range) => range.toString())).toEqual(['starter', 'starter'])
    expect(rangesIn(root, '')).toEqual([])
  })
})
