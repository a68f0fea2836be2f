import { describe, expect, it } from 'vitest'
import { PriceEntrySchema } from '../../../src-shared/contract'
import { DEFAULT_PRICES } from './price-table'
import { bestMatch, costOf, estimateTokens, estimatedUsage, isFree, priceFor, resolvePrice, typicalCost } from './pricing'

describe('price table', () => {
  it('every shipped row is a valid price entry', () => {
    for (const entry of DEFAULT_PRICES) expect(PriceEntrySchema.safeParse(entry).success).toBe(true)
  })

  it.each([
    ['openai', 'gpt-4o', 2.5],
    ['openai', 'gpt-4o-2024-08-06', 2.5],
    ['openai', 'gpt-4o-mini', 0.15],
    ['openai', 'gpt-4.1-mini-2025-04-14', 0.4],
    ['openai', 'o3', 2],
    ['openai', 'o4-mini', 1.1],
    ['openai', 'gpt-5', 1.25],
    ['openai', 'gpt-5-mini', 0.25],
    ['anthropic', 'claude-opus-4-1-20250805', 15],
    ['anthropic', 'claude-opus-4-5-20251101', 5],
    ['anthropic', 'claude-sonnet-4-5-20250929', 3],
    ['anthropic', 'claude-haiku-4-5', 1],
    ['anthropic', 'claude-3-5-haiku-20241022', 0.8],
    ['gemini', 'gemini-2.5-pro', 1.25],
    ['gemini', 'gemini-2.5-flash', 0.3],
    ['gemini', 'gemini-2.5-flash-lite', 0.1],
    ['ollama', 'llama3.2:3b', 0],
    ['gguf', 'anything', 0],
  ])('%s:%s costs $%s per million input tokens (most specific pattern wins)', (kind, model, input) => {
    expect(priceFor(kind, model, [])?.inputPerMTok).toBe(input)
  })

  it('knows nothing about models it has no row for', () => {
    expect(priceFor('openai-compatible', 'my-finetune', [])).toBeNull()
    expect(priceFor('anthropic', 'gpt-4o', [])).toBeNull()
  })
})

describe('matching', () => {
  const entries = [
    { match: '*', inputPerMTok: 9, outputPerMTok: 9 },
    { match: 'openai:*', inputPerMTok: 1, outputPerMTok: 1 },
    { match: 'openai:gpt-4o*', inputPerMTok: 2, outputPerMTok: 2 },
    { match: 'openai:gpt-4o', inputPerMTok: 3, outputPerMTok: 3 },
  ]

  it('prefers the longest literal, exact names over their wildcard family', () => {
    expect(bestMatch(entries, 'openai', 'gpt-4o')?.match).toBe('openai:gpt-4o')
    expect(bestMatch(entries, 'openai', 'gpt-4o-2024')?.match).toBe('openai:gpt-4o*')
    expect(bestMatch(entries, 'openai', 'o3')?.match).toBe('openai:*')
    expect(bestMatch(entries, 'gemini', 'x')?.match).toBe('*')
  })

  it('treats regex characters in patterns literally', () => {
    const dotted = [{ match: 'openai:gpt-4.1', inputPerMTok: 1, outputPerMTok: 1 }]
    expect(bestMatch(dotted, 'openai', 'gpt-4x1')).toBeUndefined()
    expect(bestMatch(dotted, 'openai', 'gpt-4.1')).toBeDefined()
  })

  it('any user override beats the defaults, then the provider’s own price, then the table', () => {
    const overrides = [{ match: 'openai:*', inputPerMTok: 0.5, outputPerMTok: 0.5 }]
    expect(resolvePrice('openai', 'gpt-4o', overrides)).toEqual({ price: { inputPerMTok: 0.5, outputPerMTok: 0.5 }, source: 'override', match: 'openai:*' })
    const reported = { inputPerMTok: 7, outputPerMTok: 8 }
    expect(resolvePrice('openai', 'gpt-4o', [], reported)).toEqual({ price: reported, source: 'provider' })
    expect(resolvePrice('openai', 'gpt-4o', [])?.source).toBe('default')
  })
})

describe('costOf', () => {
  const price = { inputPerMTok: 3, outputPerMTok: 15, cachedInputPerMTok: 0.3 }

  it('bills input and output per million tokens', () => {
    expect(costOf({ inputTokens: 1_000_000, outputTokens: 1_000_000 }, price)).toBeCloseTo(18)
    expect(costOf({ inputTokens: 1000, outputTokens: 500 }, price)).toBeCloseTo(0.0105)
  })

  it('bills cached input at the cached price and the rest at the input price', () => {
    // 400k uncached × 3 + 600k cached × 0.3 = 1.2 + 0.18
    expect(costOf({ inputTokens: 1_000_000, cachedTokens: 600_000, outputTokens: 0 }, price)).toBeCloseTo(1.38)
  })

  it('uses the input price for cached tokens when no cached price is known', () => {
    expect(costOf({ inputTokens: 1_000_000, cachedTokens: 600_000, outputTokens: 0 }, { inputPerMTok: 3, outputPerMTok: 15 })).toBeCloseTo(3)
  })

  it('bills cache writes at 1.25× input', () => {
    // 500k uncached × 3 + 500k written × 3.75
    expect(costOf({ inputTokens: 1_000_000, cacheWriteTokens: 500_000, outputTokens: 0 }, price)).toBeCloseTo(3.375)
  })

  it('costs nothing on a free model', () => {
    expect(costOf({ inputTokens: 5000, outputTokens: 5000 }, { inputPerMTok: 0, outputPerMTok: 0 })).toBe(0)
    expect(isFree({ inputPerMTok: 0, outputPerMTok: 0 })).toBe(true)
    expect(isFree(null)).toBe(false)
  })

  it('rejects negative or non-numeric token counts', () => {
    expect(() => costOf({ inputTokens: -1, outputTokens: 0 }, price)).toThrow(/inputTokens was -1/)
    expect(() => costOf({ inputTokens: 1, outputTokens: Number.NaN }, price)).toThrow(/outputTokens/)
  })

  it('compares models on a typical 1k-in/500-out request', () => {
    expect(typicalCost({ inputPerMTok: 2, outputPerMTok: 4 })).toBeCloseTo(0.004)
  })
})

describe('estimates', () => {
  it('counts about four characters a token, rounding up', () => {
    expect(estimateTokens('')).toBe(0)
    expect(estimateTokens('abc')).toBe(1)
    expect(estimateTokens('abcdefghi')).toBe(3)
  })

  it('flags estimated usage', () => {
    expect(estimatedUsage('12345678', '1234')).toEqual({ inputTokens: 2, outputTokens: 1, estimated: true })
  })
})
