import type { PriceEntry } from '../../../src-shared/contract'

/** When the shipped prices were last checked against the providers' pricing pages. */
export const PRICES_DATE = '2026-11-01'

const p = (match: string, inputPerMTok: number, outputPerMTok: number, cachedInputPerMTok?: number): PriceEntry =>
  cachedInputPerMTok === undefined ? { match, inputPerMTok, outputPerMTok } : { match, inputPerMTok, outputPerMTok, cachedInputPerMTok }

/**
 * US dollars per million tokens, standard (non-batch) tier. Patterns end in `*` so dated
 * snapshots (gpt-4o-2024-08-06, claude-sonnet-4-5-20250929) match their family; the longer
 * literal wins, so gpt-4o-mini* beats gpt-4o*. Users override any row in Providers & Health.
 */
export const DEFAULT_PRICES: PriceEntry[] = [
  // OpenAI
  p('openai:gpt-4o*', 2.5, 10, 1.25),
  p('openai:gpt-4o-mini*', 0.15, 0.6, 0.075),
  p('openai:gpt-4.1*', 2, 8, 0.5),
  p('openai:gpt-4.1-mini*', 0.4, 1.6, 0.1),
  p('openai:gpt-4.1-nano*', 0.1, 0.4, 0.025),
  p('openai:o3*', 2, 8, 0.5),
  p('openai:o3-mini*', 1.1, 4.4, 0.55),
  p('openai:o3-pro*', 20, 80),
  p('openai:o4-mini*', 1.1, 4.4, 0.275),
  p('openai:gpt-5*', 1.25, 10, 0.125),
  p('openai:gpt-5-mini*', 0.25, 2, 0.025),
  p('openai:gpt-5-nano*', 0.05, 0.4, 0.005),
  p('openai:gpt-5-pro*', 15, 120),
  // Anthropic
  p('anthropic:claude-opus-4*', 15, 75, 1.5),
  p('anthropic:claude-opus-4-5*', 5, 25, 0.5),
  p('anthropic:claude-sonnet-4*', 3, 15, 0.3),
  p('anthropic:claude-haiku-4*', 1, 5, 0.1),
  p('anthropic:claude-3-5-haiku*', 0.8, 4, 0.08),
  // Google (prompts up to 200k tokens)
  p('gemini:gemini-2.5-pro*', 1.25, 10, 0.125),
  p('gemini:gemini-2.5-flash*', 0.3, 2.5, 0.03),
  p('gemini:gemini-2.5-flash-lite*', 0.1, 0.4, 0.01),
  // On this machine: free.
  p('ollama:*', 0, 0),
  p('gguf:*', 0, 0),
]
