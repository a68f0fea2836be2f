import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { scaled } from '../../../test/support/reliability'
import { buildMatchExpression, stripMarkers } from './search-query'
import { useEngines, useTempDirs } from './testdata/helpers'

describe('buildMatchExpression', () => {
  it.each([
    ['hello world', '"hello" "world"*'],
    ['"exact phrase" after', '"exact phrase" "after"*'],
    ['ends with "a phrase"', '"ends" "with" "a phrase"'],
    ['say "hi', '"say" """hi"*'],
    ['NEAR(a b) OR c AND NOT d', '"NEAR(a" "b)" "OR" "c" "AND" "NOT" "d"*'],
    ['title: -foo *', '"title:" "-foo"*'],
    ['title:secret', '"title:secret"*'],
    ['(((', null],
    ['', null],
    ['   \t\n ', null],
    ['🎉 party', '"🎉" "party"*'],
    ['a\u0000b', '"a" "b"*'],
  ])('%j → %j', (input, expected) => {
    expect(buildMatchExpression(input)).toBe(expected)
  })

  it('caps very long input at 32 terms of 200 characters', () => {
    const built = buildMatchExpression(`${'x'.repeat(500)} ${'y '.repeat(100)}`)!
    expect(built.split(' ')).toHaveLength(32)
    expect(built.startsWith(`"${'x'.repeat(200)}"`)).toBe(true)
  })

  it('strips our highlight markers from stored text', () => {
    expect(stripMarkers('a\u0002b\u0003c')).toBe('abc')
  })
})

describe('search accepts any user string', () => {
  const tempDir = useTempDirs()
  const openEngine = useEngines(tempDir)

  it('never throws, for 1,500 arbitrary strings (fast-check)', () => {
    const engine = openEngine()
    const session = engine.createSession({ title: 'NEAR "quotes" (and) AND OR NOT title: 🎉' })
    engine.appendMessage(session.id, { role: 'user', text: 'The quick brown fox * jumps "over" the lazy dog - NEAR(x y) 🎉 日本語' })
    const tricky = fc.constantFrom('"', '*', 'NEAR', 'NEAR(', '-', 'AND', 'OR', 'NOT', '(', ')', 'title:', ':', '^', '🎉', '\u0000', '{', '}', '+', "'", '""', ' ')
    const queries = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 60 }),
      fc.string({ unit: 'grapheme', maxLength: 40 }),
      fc.array(fc.oneof(tricky, fc.string({ maxLength: 6 })), { maxLength: 12 }).map((parts) => parts.join('')),
    )
    fc.assert(
      fc.property(queries, (query) => {
        const hits = engine.search(query)
        expect(Array.isArray(hits)).toBe(true)
      }),
      { numRuns: scaled(1500) },
    )
  })

  it('finds the words of a query that looks like FTS5 syntax', () => {
    const engine = openEngine()
    const session = engine.createSession({ title: 'Misc' })
    engine.appendMessage(session.id, { role: 'user', text: 'meet NEAR the station, title: draft' })
    expect(engine.search('NEAR(')).toHaveLength(1)
    expect(engine.search('title:')).toHaveLength(1) // the word "title", not a column filter
    expect(engine.search(':: ((')).toEqual([]) // nothing searchable left, and no error
    expect(engine.search('title: draft')).toHaveLength(1)
    expect(engine.search('"the station"')).toHaveLength(1)
    expect(engine.search('"station the"')).toHaveLength(0)
  })
})
