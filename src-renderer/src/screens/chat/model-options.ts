import type { ModelInfo, ProviderView } from '../../../../src-shared/contract'
import { fuzzyMatch } from '../../lib/fuzzy'

/** "128k", "1M", "8k": a context window as people say it. */
export function contextLabel(tokens: number): string {
  // Vendors say 128k for both 128,000 and 131,072 (= 128 × 1024).
  const scaled = (unit: number, binary: number): number => (tokens % unit === 0 ? tokens / unit : tokens % binary === 0 ? tokens / binary : Math.round((tokens / unit) * 10) / 10)
  if (tokens >= 1_000_000) return `${scaled(1_000_000, 1_048_576)}M`
  if (tokens >= 1000) return `${Math.round(scaled(1000, 1024))}k`
  return String(tokens)
}

const dollars = (usd: number): string => `$${usd >= 0.1 || usd === 0 ? usd.toFixed(2) : usd.toFixed(3).replace(/0+$/, '')}`

/** Price per million tokens in / out, "free · local" for models that cost nothing. */
export function priceLabel(model: ModelInfo): string {
  if (!model.price) return 'price unknown'
  if (model.price.inputPerMTok === 0 && model.price.outputPerMTok === 0) return 'free · local'
  return `${dollars(model.price.inputPerMTok)} in · ${dollars(model.price.outputPerMTok)} out per 1M`
}

export interface ModelGroup {
  providerId: string
  providerName: string
  /** For the provider's logo. */
  kind: string
  preset?: string
  models: ModelInfo[]
}

/**
 * Models grouped by provider (in the providers' order); with a query, only matches, best first,
 * and groups ordered by their best match.
 */
export function groupModels(models: readonly ModelInfo[], providers: readonly ProviderView[], query: string): ModelGroup[] {
  const nameOf = new Map(providers.map((p) => [p.config.id, p.config.name]))
  const configOf = new Map(providers.map((p) => [p.config.id, p.config]))
  const order = new Map(providers.map((p, i) => [p.config.id, i]))
  const scored = models
    .map((model) => ({ model, match: fuzzyMatch(query, `${nameOf.get(model.providerId) ?? model.providerId} ${model.name}`) }))
    .filter((entry) => entry.match !== undefined)
  if (query.trim()) scored.sort((a, b) => b.match!.score - a.match!.score)
  else scored.sort((a, b) => (order.get(a.model.providerId) ?? 99) - (order.get(b.model.providerId) ?? 99))
  const groups = new Map<string, ModelGroup>()
  for (const { model } of scored) {
    const config = configOf.get(model.providerId)
    const group = groups.get(model.providerId) ?? { providerId: model.providerId, providerName: nameOf.get(model.providerId) ?? model.providerId, kind: config?.kind ?? model.providerId, preset: config?.preset, models: [] }
    group.models.push(model)
    groups.set(model.providerId, group)
  }
  return [...groups.values()]
}
