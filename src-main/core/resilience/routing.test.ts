import { describe, expect, it } from 'vitest'
import type { ModelInfo } from '../../../src-shared/contract'
import { buildCandidates, cheapestCapable, requestNeeds, TOKENS_PER_IMAGE, unmetNeed } from './routing'
import { FakeProvider } from './testdata/fake-provider'

const model = (id: string, caps: Partial<ModelInfo['capabilities']>, price: ModelInfo['price']): ModelInfo => ({
  providerId: 'p',
  id,
  name: id,
  capabilities: { tools: true, vision: false, reasoning: false, contextWindow: 128_000, ...caps },
  price,
})

describe('requestNeeds', () => {
  it('sees pictures, tools and the size of the conversation', () => {
    const needs = requestNeeds({
      messages: [
        { role: 'system', content: 'x'.repeat(400) },
        { role: 'user', content: 'y'.repeat(40), images: [{ mime: 'image/png', data: 'AAAA' }] },
      ],
      maxTokens: 1000,
    })
    expect(needs).toEqual({ tools: false, vision: true, minContext: 100 + 10 + TOKENS_PER_IMAGE + 1000 })
  })

  it('needs tools when tools are offered or the history holds tool calls', () => {
    expect(requestNeeds({ messages: [{ role: 'user', content: 'hi' }] }).tools).toBe(false)
    expect(requestNeeds({ messages: [{ role: 'user', content: 'hi' }], tools: [{ name: 'f', description: 'd', parameters: {} }] }).tools).toBe(true)
    expect(requestNeeds({ messages: [{ role: 'tool', content: '42', toolCallId: 'c1', toolName: 'f' }] }).tools).toBe(true)
  })
})

describe('cheapestCapable', () => {
  const textOnlyCheap = model('cheap-text', { vision: false }, { inputPerMTok: 0.1, outputPerMTok: 0.4 })
  const visionMid = model('vision-mid', { vision: true }, { inputPerMTok: 1, outputPerMTok: 2 })
  const visionCheap = model('vision-cheap', { vision: true }, { inputPerMTok: 0.3, outputPerMTok: 1 })
  const visionUnknown = model('vision-unknown', { vision: true }, null)
  const tiny = model('tiny', { vision: true, contextWindow: 4096 }, { inputPerMTok: 0, outputPerMTok: 0 })
  const models = [visionUnknown, visionMid, textOnlyCheap, visionCheap, tiny]

  it('excludes models without vision when a picture is attached, cheapest first, unknown price last', () => {
    const needs = { tools: false, vision: true, minContext: 2000 }
    expect(cheapestCapable(models, needs).map((m) => m.id)).toEqual(['tiny', 'vision-cheap', 'vision-mid', 'vision-unknown'])
  })

  it('excludes models whose known context window is too small', () => {
    const needs = { tools: false, vision: false, minContext: 10_000 }
    expect(cheapestCapable(models, needs).map((m) => m.id)).toEqual(['cheap-text', 'vision-cheap', 'vision-mid', 'vision-unknown'])
    expect(unmetNeed(tiny, needs)).toMatch(/context window too small/)
  })

  it('keeps models of unknown window and excludes models without tools when tools are needed', () => {
    const noTools = model('no-tools', { tools: false, contextWindow: null }, { inputPerMTok: 0, outputPerMTok: 0 })
    const unknownWindow = model('unknown-window', { contextWindow: null }, { inputPerMTok: 5, outputPerMTok: 5 })
    expect(cheapestCapable([noTools, unknownWindow], { tools: true, vision: false, minContext: 1e6 }).map((m) => m.id)).toEqual(['unknown-window'])
  })

  it('uses the price resolver it is given (overrides)', () => {
    const needs = { tools: false, vision: true, minContext: 0 }
    const resolver = (m: ModelInfo) => (m.id === 'vision-mid' ? { inputPerMTok: 0.01, outputPerMTok: 0.01 } : m.price)
    expect(cheapestCapable([visionCheap, visionMid], needs, resolver).map((m) => m.id)).toEqual(['vision-mid', 'vision-cheap'])
  })
})

describe('buildCandidates', () => {
  const openai = new FakeProvider({ id: 'openai', kind: 'openai' })
  const anthropic = new FakeProvider({ id: 'anthropic', kind: 'anthropic' })
  const ollama = new FakeProvider({ id: 'ollama', kind: 'ollama' })
  const table: Record<string, { name: string; enabled: boolean; provider: FakeProvider }> = {
    openai: { name: 'OpenAI', enabled: true, provider: openai },
    anthropic: { name: 'Anthropic', enabled: false, provider: anthropic },
    ollama: { name: 'Ollama', enabled: true, provider: ollama },
  }
  const providers = (id: string) => table[id]
  const chain = [
    { providerId: 'openai', model: 'gpt-4o', enabled: true },
    { providerId: 'openai', model: 'gpt-4o-mini', enabled: false },
    { providerId: 'anthropic', model: 'claude-sonnet-4-5', enabled: true },
    { providerId: 'gone', model: 'x', enabled: true },
    { providerId: 'openai', model: 'gpt-4.1', enabled: true },
  ]
  const keys = (list: ReturnType<typeof buildCandidates>) => list.map((c) => `${c.providerId}:${c.model}${c.local ? ' (local)' : ''}`)

  it('puts the explicit target first, then enabled chain entries of enabled providers, deduplicated', () => {
    const list = buildCandidates({ routing: { chain, localLastResort: false }, providers, target: { providerId: 'openai', model: 'gpt-4.1' } })
    expect(keys(list)).toEqual(['openai:gpt-4.1', 'openai:gpt-4o'])
    expect(list[0]!.providerName).toBe('OpenAI')
    expect(list[0]!.provider).toBe(openai)
  })

  it('adds a reachable local Ollama last, only when asked to', () => {
    const local = { providerId: 'ollama', model: 'llama3.2' }
    expect(keys(buildCandidates({ routing: { chain, localLastResort: true }, providers, localReachable: local }))).toEqual(['openai:gpt-4o', 'openai:gpt-4.1', 'ollama:llama3.2 (local)'])
    expect(keys(buildCandidates({ routing: { chain, localLastResort: false }, providers, localReachable: local }))).toEqual(['openai:gpt-4o', 'openai:gpt-4.1'])
    expect(keys(buildCandidates({ routing: { chain, localLastResort: true }, providers, localReachable: null }))).toEqual(['openai:gpt-4o', 'openai:gpt-4.1'])
  })

  it('marks Ollama candidates local wherever they appear', () => {
    const list = buildCandidates({ routing: { chain: [], localLastResort: true }, providers, target: { providerId: 'ollama', model: 'qwen3' }, localReachable: { providerId: 'ollama', model: 'qwen3' } })
    expect(keys(list)).toEqual(['ollama:qwen3 (local)'])
  })
})
