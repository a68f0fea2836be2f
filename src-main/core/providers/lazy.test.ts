import { describe, expect, it } from 'vitest'
import { ProviderConfigSchema } from '../../../src-shared/contract'
import { lazyFactory } from './lazy'
import type { ChatChunk, ChatProvider, ProviderDeps, ProviderFactory } from './types'

const config = ProviderConfigSchema.parse({ id: 'cloud', kind: 'openai', name: 'Cloud', enabled: true })
const deps: ProviderDeps = { config, apiKey: 'sk-test', fetch: globalThis.fetch }

/** A provider that streams `chunks` and records what it was asked. */
function realFactory(log: string[], chunks: ChatChunk[]): ProviderFactory {
  return (d): ChatProvider & { real: true } => ({
    real: true,
    id: d.config.id,
    kind: d.config.kind,
    listModels: () => Promise.resolve([{ id: 'm', name: 'm', capabilities: { tools: false, vision: false, reasoning: false, contextWindow: null } }]),
    probe: () => Promise.resolve({ ok: true, latencyMs: 1 }),
    async *chat(request) {
      log.push(`chat ${request.model}`)
      yield* chunks
    },
  })
}

describe('lazyFactory', () => {
  it('imports the module on the first call, not when the provider is made, then forwards everything', async () => {
    const log: string[] = []
    const chunks: ChatChunk[] = [{ type: 'text', text: 'hel' }, { type: 'text', text: 'lo' }] as ChatChunk[]
    const factory = lazyFactory(() => {
      log.push('load')
      return Promise.resolve(realFactory(log, chunks))
    })
    const provider = factory(deps)
    expect(log).toEqual([])
    expect([provider.id, provider.kind]).toEqual(['cloud', 'openai'])
    const seen: ChatChunk[] = []
    for await (const chunk of provider.chat({ model: 'gpt', messages: [] } as never, new AbortController().signal)) seen.push(chunk)
    expect(seen).toEqual(chunks)
    expect(await provider.probe()).toEqual({ ok: true, latencyMs: 1 })
    expect((await provider.listModels()).map((m) => m.id)).toEqual(['m'])
    expect(log).toEqual(['load', 'chat gpt'])
    // Once loaded, the factory makes real providers (no stand-in in the stream's way).
    expect('real' in provider).toBe(false)
    expect('real' in factory(deps)).toBe(true)
    expect(log).toEqual(['load', 'chat gpt'])
  })

  it('surfaces a failed import at the call and tries again next time', async () => {
    let attempts = 0
    const factory = lazyFactory(() => (++attempts === 1 ? Promise.reject(new Error('no module')) : Promise.resolve(realFactory([], []))))
    await expect(factory(deps).probe()).rejects.toThrow('no module')
    expect(await factory(deps).probe()).toEqual({ ok: true, latencyMs: 1 })
    expect(attempts).toBe(2)
  })

  it('closes the real stream when the consumer stops early', async () => {
    let closed = false
    const factory = lazyFactory(() =>
      Promise.resolve((d: ProviderDeps): ChatProvider => ({
        ...realFactory([], [])(d),
        async *chat() {
          try {
            yield { type: 'text', text: 'a' } as ChatChunk
            yield { type: 'text', text: 'b' } as ChatChunk
          } finally {
            closed = true
          }
        },
      })),
    )
    for await (const chunk of factory(deps).chat({ model: 'x', messages: [] } as never, new AbortController().signal)) {
      expect(chunk).toEqual({ type: 'text', text: 'a' })
      break
    }
    expect(closed).toBe(true)
  })
})
