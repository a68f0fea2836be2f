import { useEffect, useState } from 'react'
import type { ApiClient, RouteOutput } from '../../../../src-shared/contract'
import { formatCost, formatCount } from '../../lib/format'

export type SessionSpend = RouteOutput<'sessions.spend'>

/**
 * What a session's replies cost, fetched again whenever `version` moves (the session changed or a
 * reply finished). A failure leaves the figures out: they are a header detail, not worth an alert.
 */
export function useSessionSpend(api: ApiClient, sessionId: string, version: unknown): SessionSpend | undefined {
  const [spend, setSpend] = useState<{ sessionId: string; value: SessionSpend } | undefined>()
  useEffect(() => {
    let live = true
    void api.call('sessions.spend', { id: sessionId }).then((result) => {
      if (live) setSpend(result.ok ? { sessionId, value: result.value } : undefined)
    })
    return () => {
      live = false
    }
  }, [api, sessionId, version])
  // Never show one session's figures under another's title while the new ones load.
  return spend?.sessionId === sessionId ? spend.value : undefined
}

/** A session's sum to a hundredth of a cent below $1, where cents alone would hide most of it. */
function sessionCost(usd: number): string {
  if (usd >= 1 || usd < 0.0001) return formatCost(usd)
  return `$${usd.toFixed(4).replace(/0+$/, '')}`
}

/** "1,234 in / 567 out tokens · $0.0123" ("est." when a provider gave no counts); '' before any reply. */
export function spendLabel(spend: SessionSpend | undefined): string {
  if (!spend || spend.replies === 0) return ''
  const tokens = `${formatCount(spend.inputTokens)} in / ${formatCount(spend.outputTokens)} out tokens`
  const known = spend.costUsd === 0 ? 'free' : sessionCost(spend.costUsd)
  // Replies of models without a known price are not free: say their cost is missing.
  const cost = spend.unpriced === 0 ? known : spend.unpriced === spend.replies ? 'cost unknown' : `${sessionCost(spend.costUsd)} + ${spend.unpriced} ${spend.unpriced === 1 ? 'reply' : 'replies'} without a known price`
  return `${spend.estimated ? 'est. ' : ''}${tokens} · ${cost}`
}
