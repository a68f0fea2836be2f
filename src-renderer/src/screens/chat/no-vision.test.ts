import { describe, expect, it } from 'vitest'
import type { ModelInfo } from '../../../../src-shared/contract'
import { blindTargets } from './use-chat-models'
import { noVisionNote } from './use-composer'

const model = (id: string, vision: boolean): ModelInfo =>
  ({ providerId: 'ollama', id, name: id, capabilities: { vision, tools: false, reasoning: false, contextWindow: 8192 } }) as unknown as ModelInfo

describe('pictures only go to models that can see them, compared ones too', () => {
  const models = [model('llava', true), model('llama3.2', false), model('qwen3', false)]

  it('names every ticked model that cannot see pictures, and none that can', () => {
    const chosen = [{ providerId: 'ollama', model: 'llava' }, { providerId: 'ollama', model: 'llama3.2' }, { providerId: 'ollama', model: 'qwen3' }]
    expect(blindTargets(models, chosen).map((t) => t.model)).toEqual(['llama3.2', 'qwen3'])
    expect(blindTargets(models, [chosen[0]!])).toEqual([])
  })

  it('a model that is not listed (gone, or its provider down) counts as blind', () => {
    expect(blindTargets(models, [{ providerId: 'openai', model: 'gpt-4o' }])).toHaveLength(1)
  })

  it('Auto can send pictures when some model can see them', () => {
    expect(blindTargets(models, [{ auto: true } as never])).toEqual([])
    expect(blindTargets([model('llama3.2', false)], [{ auto: true } as never])).toHaveLength(1)
  })

  it('says which models and what to do, in compare mode and out of it', () => {
    expect(noVisionNote(['llama3.2'], false)).toBe('llama3.2 cannot see pictures, so nothing was sent. Pick a model with the “vision” badge, or remove the picture.')
    expect(noVisionNote(['llama3.2', 'qwen3'], true)).toBe('llama3.2 and qwen3 cannot see pictures, so nothing was sent. Untick them, or remove the picture.')
    expect(noVisionNote(['a', 'b', 'c'], true)).toBe('a, b and c cannot see pictures, so nothing was sent. Untick them, or remove the picture.')
    expect(noVisionNote(['qwen3'], true)).toBe('qwen3 cannot see pictures, so nothing was sent. Untick it, or remove the picture.')
  })
})
