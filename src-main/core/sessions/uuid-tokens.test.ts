import { describe, expect, it } from 'vitest'
import { estimateTokens, threadTokens, usageOrEstimate } from './tokens'
import type { Message } from './types'
import { createUuidV7, UUID_RE, uuidV7Time } from './uuid'

describe('createUuidV7', () => {
  it('makes RFC 9562 version-7 ids carrying the millisecond time', () => {
    const next = createUuidV7(() => Date.UTC(2024, 4, 1))
    const id = next()
    expect(id).toMatch(UUID_RE)
    expect(id[14]).toBe('7') // version nibble
    expect('89ab').toContain(id[19]) // RFC variant
    expect(uuidV7Time(id)).toBe(Date.UTC(2024, 4, 1))
  })

  it('sorts in creation order within one millisecond, and past the 4096-per-ms counter', () => {
    const next = createUuidV7(() => 1_700_000_000_000)
    const ids = Array.from({ length: 5000 }, () => next())
    expect([...ids].sort()).toEqual(ids)
    expect(new Set(ids).size).toBe(ids.length)
  })

  it('draws random bytes for 256 ids at a time, and every id still gets its own', () => {
    const fills: number[] = []
    let chunk = 0
    const next = createUuidV7(() => 1_700_000_000_000, (bytes) => {
      fills.push(bytes.length)
      // Each 16 bytes end in a running number, so each id's random tail is known to be distinct.
      for (let i = 0; i < bytes.length; i += 16, chunk++) [bytes[i + 14], bytes[i + 15]] = [chunk >> 8, chunk & 0xff]
    })
    const ids = Array.from({ length: 600 }, () => next())
    expect(fills).toEqual([4096, 4096, 4096])
    expect(new Set(ids.map((id) => id.slice(19))).size).toBe(600) // the random tails differ
    expect([...ids].sort()).toEqual(ids)
  })

  it('keeps order when the clock steps back a little, but uses old times given for imports', () => {
    let t = 1_700_000_000_000
    const next = createUuidV7(() => t)
    const first = next()
    t -= 500
    const second = next()
    expect(second > first).toBe(true)
    const imported = next(Date.UTC(2020, 0, 1))
    expect(uuidV7Time(imported)).toBe(Date.UTC(2020, 0, 1))
    expect(next() > second).toBe(true)
  })
})

const message = (over: Partial<Message>): Message => ({
  id: 'x', sessionId: 's', parentId: null, role: 'user', content: [], text: '', reasoning: null, toolCalls: null, provider: null, model: null,
  usage: null, cost: null, timings: null, status: 'complete', error: null, createdAt: 0, updatedAt: 0, attachments: [], ...over,
})

describe('token estimates', () => {
  it('counts about four characters per token', () => {
    expect(estimateTokens('')).toBe(0)
    expect(estimateTokens('abcd')).toBe(1)
    expect(estimateTokens('abcde')).toBe(2)
  })

  it('keeps provider usage and marks our own as estimated', () => {
    expect(usageOrEstimate({ inputTokens: 10, outputTokens: 3 }, 'assistant', 'x')).toEqual({ inputTokens: 10, outputTokens: 3 })
    expect(usageOrEstimate(null, 'assistant', 'a'.repeat(40))).toEqual({ outputTokens: 10, estimated: true })
    expect(usageOrEstimate({ cachedTokens: 5 }, 'user', 'a'.repeat(8))).toEqual({ inputTokens: 2, estimated: true })
  })

  it('uses the last real prompt count for the context window and estimates what came after', () => {
    const thread = [
      message({ role: 'user', text: 'a'.repeat(400) }),
      message({ role: 'assistant', text: 'b'.repeat(40), usage: { inputTokens: 120, outputTokens: 12 } }),
      message({ role: 'user', text: 'c'.repeat(80) }),
    ]
    expect(threadTokens(thread)).toEqual({ tokens: 120 + 12 + 20, estimated: true })
    expect(threadTokens(thread.slice(0, 2))).toEqual({ tokens: 132, estimated: false })
    expect(threadTokens([thread[0]!, thread[2]!])).toEqual({ tokens: 120, estimated: true })
    expect(threadTokens([])).toEqual({ tokens: 0, estimated: false })
  })

  it('counts an assistant reply by its reported output tokens when it is later history', () => {
    const thread = [
      message({ role: 'assistant', text: 'x'.repeat(400), usage: { outputTokens: 7 } }),
      message({ role: 'assistant', text: 'y', usage: { outputTokens: 3, estimated: true } }),
    ]
    expect(threadTokens(thread)).toEqual({ tokens: 7 + 1, estimated: true })
  })
})
