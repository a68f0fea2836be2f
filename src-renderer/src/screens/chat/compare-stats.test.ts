import { describe, expect, test } from 'vitest'
import { formatDuration, streamFigures } from './compare-stats'

describe('streamFigures', () => {
  test('before the first token there is no speed and no first-token time', () => {
    expect(streamFigures({ startedAt: 1000, chars: 0 }, 5000)).toEqual({ firstTokenMs: undefined, tokensPerSecond: undefined, cost: undefined, estimated: true })
  })

  test('while streaming, speed is estimated from the characters since the first token', () => {
    const figures = streamFigures({ startedAt: 1000, firstTokenAt: 1300, lastTokenAt: 2200, chars: 80 }, 3300)
    expect(figures.firstTokenMs).toBe(300)
    // 80 chars ≈ 20 tokens over 2 s from the first token.
    expect(figures.tokensPerSecond).toBe(10)
    expect(figures.estimated).toBe(true)
  })

  test('once counted, the provider tokens over first to last token give the speed, whatever the clock says now', () => {
    const figures = streamFigures({ startedAt: 0, firstTokenAt: 500, lastTokenAt: 2500, chars: 10, outputTokens: 50, costUsd: 0.00012 }, 99_000)
    expect(figures.tokensPerSecond).toBe(25)
    expect(figures.estimated).toBe(false)
    expect(figures.cost).toBe('$0.00012')
  })

  test('a local model costs nothing: "free"; an unknown price shows no cost', () => {
    expect(streamFigures({ startedAt: 0, chars: 0, costUsd: 0 }, 1).cost).toBe('free')
    expect(streamFigures({ startedAt: 0, chars: 0, costUsd: null }, 1).cost).toBeUndefined()
  })

  test('a reply whose only token came at once has no speed rather than infinity', () => {
    expect(streamFigures({ startedAt: 0, firstTokenAt: 10, lastTokenAt: 10, chars: 4, outputTokens: 1 }, 10).tokensPerSecond).toBeUndefined()
  })
})

test('formatDuration', () => {
  expect(formatDuration(850)).toBe('850 ms')
  expect(formatDuration(1240)).toBe('1.2 s')
})
