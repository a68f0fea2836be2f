import { describe, expect, it } from 'vitest'
import { mayHaveMath, normalizeMathDelimiters } from './math'

describe('normalizeMathDelimiters', () => {
  it('turns \\( \\) into $ and \\[ \\] into a $$ block', () => {
    expect(normalizeMathDelimiters('Euler: \\(e^{i\\pi} + 1 = 0\\).')).toBe('Euler: $e^{i\\pi} + 1 = 0$.')
    expect(normalizeMathDelimiters('Sum:\n\\[\n\\sum_{k=1}^n k\n\\]\ndone')).toBe('Sum:\n\n$$\n\\sum_{k=1}^n k\n$$\n\ndone')
  })

  it('leaves fenced code blocks and inline code as written', () => {
    const fenced = '```latex\n\\(a\\) and \\[b\\]\n```\nthen \\(c\\)'
    expect(normalizeMathDelimiters(fenced)).toBe('```latex\n\\(a\\) and \\[b\\]\n```\nthen $c$')
    expect(normalizeMathDelimiters('write `\\(x\\)` to get \\(x\\)')).toBe('write `\\(x\\)` to get $x$')
    expect(normalizeMathDelimiters('~~~\n\\(x\\)\n~~~')).toBe('~~~\n\\(x\\)\n~~~')
  })

  it('keeps an unclosed fence (a reply still streaming) untouched to its end', () => {
    expect(normalizeMathDelimiters('\\(a\\)\n```\n\\(b\\)')).toBe('$a$\n```\n\\(b\\)')
  })

  it('returns plain text unchanged', () => {
    const text = 'no math here (really) [ok]'
    expect(normalizeMathDelimiters(text)).toBe(text)
  })
})

describe('mayHaveMath', () => {
  it.each([
    ['$x$', true],
    ['\\(x\\)', true],
    ['\\[x\\]', true],
    ['plain words', false],
    ['costs $ 5', false],
  ])('%s → %s', (text, expected) => expect(mayHaveMath(text)).toBe(expected))
})
