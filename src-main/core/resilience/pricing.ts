import type { Price, PriceEntry, ProviderKind } from '../../../src-shared/contract'
import { ValidationError } from '../errors'
import type { ProviderUsage } from '../providers'
import { DEFAULT_PRICES } from './price-table'

export type PriceSource = 'override' | 'provider' | 'default'

export interface ResolvedPrice {
  price: Price
  source: PriceSource
  /** The table row that matched; absent for a provider-reported price. */
  match?: string
}

/** Anthropic bills writing to the prompt cache at 1.25× the input price (5-minute cache). */
export const CACHE_WRITE_MULTIPLIER = 1.25

const patternCache = new Map<string, RegExp>()

function patternOf(match: string): RegExp {
  let re = patternCache.get(match)
  if (!re) {
    const body = match.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')
    re = new RegExp(`^${body}$`, 'i')
    if (patternCache.size > 2000) patternCache.clear()
    patternCache.set(match, re)
  }
  return re
}

/** More literal characters is more specific; on a tie, fewer wildcards. */
function specificity(match: string): number {
  const wildcards = match.split('*').length - 1
  return (match.length - wildcards) * 100 - wildcards
}

/** The most specific entry whose `kind:model` pattern matches, or undefined. */
export function bestMatch(entries: readonly PriceEntry[], kind: string, model: string): PriceEntry | undefined {
  const subject = `${kind}:${model}`
  let best: PriceEntry | undefined
  for (const entry of entries) {
    if (!patternOf(entry.match).test(subject)) continue
    if (!best || specificity(entry.match) > specificity(best.match)) best = entry
  }
  return best
}

const priceOnly = (entry: PriceEntry): Price => {
  const { match: _match, ...price } = entry
  return price
}

/**
 * The price of a model: the user's overrides first (any matching override beats every default,
 * so `openai:*` in overrides really covers all of OpenAI), then what the provider itself
 * reports (OpenRouter), then the shipped table. null when nobody knows.
 */
export function resolvePrice(kind: ProviderKind | string, model: string, overrides: readonly PriceEntry[], providerPrice?: Price, defaults: readonly PriceEntry[] = DEFAULT_PRICES): ResolvedPrice | null {
  const override = bestMatch(overrides, kind, model)
  if (override) return { price: priceOnly(override), source: 'override', match: override.match }
  if (providerPrice) return { price: providerPrice, source: 'provider' }
  const shipped = bestMatch(defaults, kind, model)
  return shipped ? { price: priceOnly(shipped), source: 'default', match: shipped.match } : null
}

export function priceFor(kind: ProviderKind | string, model: string, overrides: readonly PriceEntry[], providerPrice?: Price): Price | null {
  return resolvePrice(kind, model, overrides, providerPrice)?.price ?? null
}

export const isFree = (price: Price | null): boolean => price !== null && price.inputPerMTok === 0 && price.outputPerMTok === 0 && (price.cachedInputPerMTok ?? 0) === 0

function count(name: string, value: number | undefined): number {
  if (value === undefined) return 0
  if (!Number.isFinite(value) || value < 0) throw new ValidationError(`Token counts must be zero or more; ${name} was ${value}.`)
  return value
}

/**
 * Dollars for one request. `inputTokens` is the whole prompt, cache reads and writes included
 * (adapters for APIs that report them apart add them up): the uncached rest is billed at the
 * input price, cache reads at the cached price (input price when none is known), cache
 * writes at 1.25× input, output at the output price.
 */
export function costOf(usage: ProviderUsage, price: Price): number {
  const input = count('inputTokens', usage.inputTokens)
  const output = count('outputTokens', usage.outputTokens)
  const cached = count('cachedTokens', usage.cachedTokens)
  const written = count('cacheWriteTokens', usage.cacheWriteTokens)
  const uncached = Math.max(0, input - cached - written)
  const cachedPrice = price.cachedInputPerMTok ?? price.inputPerMTok
  const micro = uncached * price.inputPerMTok + cached * cachedPrice + written * price.inputPerMTok * CACHE_WRITE_MULTIPLIER + output * price.outputPerMTok
  return micro / 1_000_000
}

/** Cost of a typical request (1k tokens in, 500 out): how routing compares models. */
export const typicalCost = (price: Price): number => costOf({ inputTokens: 1000, outputTokens: 500 }, price)

/** A rough count for when a provider reports no usage: about four characters a token. */
export const tokensForChars = (chars: number): number => Math.ceil(Math.max(0, chars) / 4)

export const estimateTokens = (text: string): number => tokensForChars(text.length)

export type EstimatedUsage = ProviderUsage & { estimated: true }

export function estimatedUsage(promptText: string, replyText: string): EstimatedUsage {
  return { inputTokens: estimateTokens(promptText), outputTokens: estimateTokens(replyText), estimated: true }
}
