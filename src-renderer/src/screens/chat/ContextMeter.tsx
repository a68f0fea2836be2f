import { useState } from 'react'
import type { ChatContext } from '../../../../src-shared/contract'
import { useApi } from '../../api/context'
import { useAppStore } from '../../store/app-store'
import { CompactDialog } from './CompactDialog'
import { shortTokens } from './use-chat-context'

const percent = (share: number): string => `${Math.round(share * 100)} %`

/**
 * Tokens used of the model's context window as a bar ("6.4k / 32k"), in a warning style from the
 * warning share (80 %), with "Compact now": asked what to focus on (optional), the older messages
 * are summarised (PreCompact hooks may refuse, and then say why) and the originals stay in the chat.
 */
export function ContextMeter({ sessionId, context, streaming }: { sessionId: string; context: ChatContext; streaming: boolean }) {
  const api = useApi()
  const [compacting, setCompacting] = useState(false)
  const [asking, setAsking] = useState(false)
  const share = context.contextWindow > 0 ? context.tokens / context.contextWindow : 0
  const warn = share >= context.warnAt
  const label = `${shortTokens(context.tokens)} / ${shortTokens(context.contextWindow)}`
  const model = context.model ? context.model.model : 'the model'
  const details = [
    `${context.estimated ? 'About ' : ''}${context.tokens.toLocaleString()} of ${context.contextWindow.toLocaleString()} tokens (${percent(share)}) of ${model}’s context window`,
    context.windowSource === 'default' ? `${model}’s window is unknown, so ${shortTokens(context.contextWindow)} is assumed` : '',
    context.windowSource === 'chat' ? 'the window is this chat’s own context length (Chat settings)' : '',
    context.compactAt === null ? 'automatic compaction is off' : `older messages are summarised automatically from ${percent(context.compactAt)}`,
  ].filter(Boolean)

  const compact = async (instructions: string): Promise<void> => {
    setCompacting(true)
    const result = await api.call('sessions.compact', { sessionId, contextWindow: context.contextWindow, force: true, ...(instructions ? { instructions } : {}) })
    setCompacting(false)
    setAsking(false)
    const { notify, notifyError } = useAppStore.getState()
    if (!result.ok) return notifyError(result.error)
    if (!result.value.compacted) return notify({ level: 'info', message: 'Nothing to compact yet: the chat is short enough to keep every message.' })
    notify({ level: 'info', message: `Summarised ${result.value.messagesSummarized} earlier messages (${shortTokens(result.value.tokensBefore)} → ${shortTokens(result.value.tokensAfter)} tokens). The originals are kept.` })
  }

  return (
    <div className={`context-meter${warn ? ' warn' : ''}`} title={details.join(' · ')}>
      <div
        className="context-meter-bar"
        role="meter"
        aria-label="Context window used"
        aria-valuemin={0}
        aria-valuemax={context.contextWindow}
        aria-valuenow={Math.min(context.tokens, context.contextWindow)}
        aria-valuetext={`${label} tokens (${percent(share)})${warn ? ', nearly full' : ''}`}
      >
        <span style={{ width: `${Math.min(100, share * 100)}%` }} />
      </div>
      <span className="context-meter-label">
        {context.estimated ? '~' : ''}
        {label}
        {warn && <span className="context-meter-note"> · nearly full</span>}
      </span>
      <span className="compact-anchor">
        <button type="button" className="button secondary small" onClick={() => setAsking((open) => !open)} disabled={compacting || streaming} aria-busy={compacting} aria-expanded={asking} aria-haspopup="dialog">
          {compacting ? 'Compacting…' : 'Compact now'}
        </button>
        {asking && <CompactDialog busy={compacting} onCompact={(instructions) => void compact(instructions)} onClose={() => setAsking(false)} />}
      </span>
    </div>
  )
}
