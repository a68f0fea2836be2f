import { formatCost } from '../../lib/format'

/** What a compare column measured while its reply streamed (epoch ms). */
export interface StreamClock {
  startedAt: number
  /** When the first text arrived. */
  firstTokenAt?: number | undefined
  /** When the latest text arrived. */
  lastTokenAt?: number | undefined
  /** Characters streamed so far (tokens are estimated from them until the provider counts them). */
  chars: number
  /** The provider's output token count, once the usage event came. */
  outputTokens?: number | undefined
  /** The turn's cost from the usage event: 0 for local models, null when the price is unknown. */
  costUsd?: number | null | undefined
}

export interface StreamFigures {
  /** Time to first token, ms. */
  firstTokenMs: number | undefined
  tokensPerSecond: number | undefined
  /** "free", "$0.0004", or undefined while the cost is not known. */
  cost: string | undefined
  /** True while the token count is our estimate (about 4 characters a token). */
  estimated: boolean
}

/** Tokens/s, time to first token and cost of a streaming (or finished) reply; `now` for the live speed. */
export function streamFigures(clock: StreamClock, now: number): StreamFigures {
  const firstTokenMs = clock.firstTokenAt === undefined ? undefined : Math.max(0, clock.firstTokenAt - clock.startedAt)
  const estimated = clock.outputTokens === undefined
  const tokens = clock.outputTokens ?? Math.ceil(clock.chars / 4)
  // Speed is measured from the first token: the wait before it is the TTFT, not slowness.
  const end = clock.outputTokens !== undefined ? (clock.lastTokenAt ?? now) : now
  const seconds = clock.firstTokenAt === undefined ? 0 : (end - clock.firstTokenAt) / 1000
  const tokensPerSecond = tokens > 0 && seconds > 0 ? tokens / seconds : undefined
  const cost = clock.costUsd === undefined || clock.costUsd === null ? undefined : clock.costUsd === 0 ? 'free' : formatCost(clock.costUsd)
  return { firstTokenMs, tokensPerSecond, cost, estimated }
}

/** "850 ms" or "1.2 s". */
export const formatDuration = (ms: number): string => (ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`)
