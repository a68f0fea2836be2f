import { createContext, useContext } from 'react'
import type { Attempt, ErrorShape, SessionMessage } from '../../../../src-shared/contract'
import { formatCost, formatCount } from '../../lib/format'
import { useAppStore } from '../../store/app-store'

/** What a message in the open conversation can do, and the reply in flight (if any). */
export interface ThreadActions {
  /** No new send while a reply streams. */
  busy: boolean
  regenerate(messageId: string): void
  editAndResend(messageId: string, text: string): void
  retry(): void
  /** The id of the reply in flight and how it stands. */
  liveId: string | undefined
  liveError: ErrorShape | undefined
  liveAttempts: readonly Attempt[]
  budget: string | undefined
  notices?: readonly string[]
  retryNote: string | undefined
  stopped: boolean
}

export const ThreadContext = createContext<ThreadActions | null>(null)
export const useThread = (): ThreadActions | null => useContext(ThreadContext)

const who = (attempt: Attempt): string => `${attempt.providerId} · ${attempt.model}`

/** "Answered by X · skipped Y (circuit open), Z failed (401)"; nothing when the first choice answered. */
export function attemptsLine(attempts: readonly Attempt[]): string | undefined {
  const others = attempts.filter((a) => a.outcome !== 'answered')
  if (others.length === 0) return undefined
  const answered = attempts.find((a) => a.outcome === 'answered')
  const reason = (a: Attempt): string => (a.reason ? ` (${a.reason})` : '')
  const misses = others.map((a) => (a.outcome === 'skipped' ? `skipped ${who(a)}${reason(a)}` : `${who(a)} failed${reason(a)}`))
  return `${answered ? `Answered by ${who(answered)}` : 'No provider answered'} · ${misses.join(', ')}`
}

/** "120 in · 340 out tokens", marked when the counts are our estimate rather than the provider's. */
export function usageText(usage: NonNullable<SessionMessage['usage']>): string | undefined {
  const parts: string[] = []
  if (usage.inputTokens !== undefined) parts.push(`${formatCount(usage.inputTokens)} in`)
  if (usage.outputTokens !== undefined) parts.push(`${formatCount(usage.outputTokens)} out`)
  if (usage.cachedTokens) parts.push(`${formatCount(usage.cachedTokens)} cached`)
  if (parts.length === 0) return undefined
  // A prompt alone (what user messages carry) needs no "in".
  if (parts.length === 1 && usage.inputTokens !== undefined) parts[0] = formatCount(usage.inputTokens)
  return `${usage.estimated ? '≈ ' : ''}${parts.join(' · ')} tokens${usage.estimated ? ' (est.)' : ''}`
}

const duration = (ms: number): string => (ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`)

/**
 * Tokens, cost, speed and time to first token of a reply, from what the core stored. The figures
 * show only with Settings → Chat → Messages → "Show token counts…"; a price paid always shows.
 */
export function ReplyStats({ message }: { message: SessionMessage }) {
  const detailed = useAppStore((state) => state.settings?.display.showTokenEstimates ?? false)
  const usage = message.usage ? usageText(message.usage) : undefined
  const totalMs = message.timings?.totalMs
  const firstMs = message.timings?.firstTokenMs
  const out = message.usage?.outputTokens
  const streamMs = totalMs !== undefined ? totalMs - (firstMs ?? 0) : undefined
  const speed = out && streamMs && streamMs > 0 ? out / (streamMs / 1000) : undefined
  const paid = message.cost !== null && message.cost > 0
  if (!detailed) return paid ? <footer className="message-meta"><span>{formatCost(message.cost!)}</span></footer> : null
  if (!usage && message.cost === null && totalMs === undefined) return null
  return (
    <footer className="message-meta">
      {usage && <span title={message.usage?.estimated ? 'Estimated from the text length: the provider reported no counts' : undefined}>{usage}</span>}
      {message.cost !== null && <span>{message.cost === 0 ? 'free' : formatCost(message.cost)}</span>}
      {speed !== undefined && <span title="Output tokens per second once the answer started">{speed.toFixed(1)} tok/s</span>}
      {firstMs !== undefined && <span title="Time to first token: how long the model took to start answering">first token {duration(firstMs)}</span>}
      {totalMs !== undefined && <span title="How long the whole reply took">{(totalMs / 1000).toFixed(1)} s</span>}
    </footer>
  )
}

type ToolCall = NonNullable<SessionMessage['toolCalls']>[number]

export function ToolCards({ calls }: { calls: readonly ToolCall[] }) {
  return (
    <ul className="tool-cards" aria-label="Tool calls">
      {calls.map((call, i) => (
        <li key={call.id ?? i}>
          <details className="tool-card">
            <summary>
              <span className="cap">tool</span> <code>{call.name}</code>
            </summary>
            <pre>
              <code>{JSON.stringify(call.arguments, null, 2)}</code>
            </pre>
          </details>
        </li>
      ))}
    </ul>
  )
}

/** A reply that failed: what happened, what to do, and a way to try again. */
export function ReplyFailure({ message, hint, onRetry }: { message: string; hint?: string | undefined; onRetry?: (() => void) | undefined }) {
  return (
    <div className="reply-failure" role="alert">
      <p className="message-error">{message}</p>
      {hint && <p className="hint">{hint}</p>}
      {onRetry && <button type="button" className="button secondary" onClick={onRetry}>Retry</button>}
    </div>
  )
}

/** What the core said about this turn: a parameter the provider does not take, settings it could not read. */
export function TurnNotices({ live }: { live: ThreadActions | undefined }) {
  const notices = live?.notices ?? []
  if (notices.length === 0) return null
  return (
    <>
      {notices.map((notice) => (
        <p key={notice} className="budget-note param-note" role="status">
          {notice}
        </p>
      ))}
    </>
  )
}
