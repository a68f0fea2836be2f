import type { ChainEntry, ModelInfo, Price, Routing } from '../../../src-shared/contract'
import type { ChatProvider, ChatRequest } from '../providers'
import type { Candidate } from './fallback'
import { estimateTokens, typicalCost } from './pricing'

export interface RequestNeeds {
  tools: boolean
  vision: boolean
  /** Estimated tokens the context window must hold: prompt, images, tool specs and the reply budget. */
  minContext: number
}

/** A rough allowance per picture; providers count between ~250 and ~1,600 tokens per image. */
export const TOKENS_PER_IMAGE = 1000

export function requestNeeds(request: Omit<ChatRequest, 'model'>): RequestNeeds {
  let tokens = 0
  let images = 0
  let toolHistory = false
  for (const message of request.messages) {
    tokens += estimateTokens(message.content)
    images += message.images?.length ?? 0
    if (message.toolCalls?.length || message.role === 'tool') toolHistory = true
    for (const call of message.toolCalls ?? []) tokens += estimateTokens(JSON.stringify(call.arguments ?? null) + call.name)
  }
  for (const tool of request.tools ?? []) tokens += estimateTokens(JSON.stringify(tool))
  return {
    tools: (request.tools?.length ?? 0) > 0 || toolHistory,
    vision: images > 0,
    minContext: tokens + images * TOKENS_PER_IMAGE + (request.maxTokens ?? 0),
  }
}

/** Why a model cannot take a request, or null when it can. */
export function unmetNeed(model: ModelInfo, needs: RequestNeeds): string | null {
  if (needs.vision && !model.capabilities.vision) return 'no vision'
  if (needs.tools && !model.capabilities.tools) return 'no tool use'
  const window = model.capabilities.contextWindow
  if (window !== null && window < needs.minContext) return `context window too small (${window} < ~${needs.minContext} tokens)`
  return null
}

/**
 * Models that can take the request, cheapest first by the cost of a typical request (1k in,
 * 500 out). Models of unknown price come after every priced one; ties keep their order.
 */
export function cheapestCapable(models: readonly ModelInfo[], needs: RequestNeeds, priceOf: (model: ModelInfo) => Price | null = (m) => m.price): ModelInfo[] {
  return models
    .filter((model) => unmetNeed(model, needs) === null)
    .map((model, index) => {
      const price = priceOf(model)
      return { model, index, cost: price === null ? Infinity : typicalCost(price) }
    })
    .sort((a, b) => a.cost - b.cost || a.index - b.index)
    .map((row) => row.model)
}

export interface CandidateProvider {
  name: string
  enabled: boolean
  provider: ChatProvider
  local?: boolean
}

export interface BuildCandidatesInput {
  routing: Pick<Routing, 'chain' | 'localLastResort'>
  /** Looks up a configured provider; undefined when it is gone. */
  providers: (providerId: string) => CandidateProvider | undefined
  /** What the user picked (or the cheapest model chosen by routing): tried first. */
  target?: { providerId: string; model: string }
  /** A local Ollama model to try last; pass it only when Ollama answered recently. */
  localReachable?: { providerId: string; model: string } | null
}

/** The ordered, de-duplicated list of provider+model pairs one request may go through. */
export function buildCandidates(input: BuildCandidatesInput): Candidate[] {
  const out: Candidate[] = []
  const seen = new Set<string>()
  const push = (entry: Pick<ChainEntry, 'providerId' | 'model'>, local?: boolean): void => {
    const key = `${entry.providerId}:${entry.model}`
    if (seen.has(key)) return
    const found = input.providers(entry.providerId)
    if (!found || !found.enabled) return
    seen.add(key)
    const isLocal = local ?? found.local ?? (found.provider.kind === 'ollama' || found.provider.kind === 'gguf')
    out.push({ providerId: entry.providerId, providerName: found.name, provider: found.provider, model: entry.model, ...(isLocal ? { local: true } : {}) })
  }
  if (input.target) push(input.target)
  for (const entry of input.routing.chain) if (entry.enabled) push(entry)
  if (input.routing.localLastResort && input.localReachable) push(input.localReachable, true)
  return out
}
