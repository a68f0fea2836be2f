import { describe, expect, it } from 'vitest'
import { fuzzyFilter, fuzzyMatch } from './fuzzy'

describe('fuzzyMatch', () => {
  it('matches subsequences and reports the matched indices', () => {
    expect(fuzzyMatch('stg', 'Settings')?.indices).toEqual([0, 2, 6])
  })

  it('rejects text missing a letter of the query', () => {
    expect(fuzzyMatch('xyz', 'Settings')).toBeUndefined()
  })

  it('matches everything with an empty query', () => {
    expect(fuzzyMatch('  ', 'Chat')).toEqual({ score: 0, indices: [] })
  })

  it('ignores spaces in the query and case everywhere', () => {
    expect(fuzzyMatch('PRV HLTH', 'Providers & Health')).toBeDefined()
  })

  it('ranks word starts and consecutive runs above scattered letters', () => {
    const ranked = fuzzyFilter(['Go to Models', 'Modern somethings', 'Go to Sessions'], 'mod', (text) => text)
    expect(ranked.map((entry) => entry.item)[0]).toBe('Modern somethings')
    const words = fuzzyFilter(['Theme: dark', 'Go to Tools & MCP'], 'tm', (text) => text)
    expect(words[0]?.item).toBe('Go to Tools & MCP')
  })

  it('starts each query word at a word of the text: "prv hlth" is Providers & Health, not the h inside "What"', () => {
    const ranked = fuzzyFilter(['Settings Privacy › What leaves this computer', 'Go to Providers & Health'], 'prv hlth', (text) => text)
    expect(ranked.map((entry) => entry.item)).toEqual(['Go to Providers & Health', 'Settings Privacy › What leaves this computer'])
  })
})
