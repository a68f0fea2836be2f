import { useEffect, useState } from 'react'
import type { ModelInfo } from '../../../../src-shared/contract'
import { useApi } from '../../api/context'
import { Markdown, StreamingMarkdown } from '../../components/Markdown'
import { useAppStore } from '../../store/app-store'
import '../../branches.css'
import { settle } from './branch-actions'
import { useChatPrefs } from './chat-prefs'
import { formatDuration, streamFigures } from './compare-stats'
import { compareStreaming, useCompare, type CompareColumn, type CompareRun } from './compare-store'

/** A clock that ticks while something streams, so the live speed moves. */
function useNow(ticking: boolean): number {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    if (!ticking) return
    const timer = setInterval(() => setNow(Date.now()), 250)
    return () => clearInterval(timer)
  }, [ticking])
  return ticking ? now : Date.now()
}

const STATUS: Record<CompareColumn['status'], string> = { waiting: 'Waiting for the prompt…', streaming: 'Writing…', done: 'Done', failed: 'Failed', cancelled: 'Stopped' }

function ColumnStats({ column, now }: { column: CompareColumn; now: number }) {
  const figures = streamFigures(column, now)
  return (
    <p className="compare-stats" aria-label="Speed and cost">
      <span>{figures.tokensPerSecond === undefined ? '– tok/s' : `${figures.estimated ? '≈ ' : ''}${figures.tokensPerSecond.toFixed(1)} tok/s`}</span>
      <span>{figures.firstTokenMs === undefined ? 'first token –' : `first token ${formatDuration(figures.firstTokenMs)}`}</span>
      {figures.cost && <span>{figures.cost}</span>}
      <span>{STATUS[column.status]}</span>
    </p>
  )
}

/** One prompt answered by 2–4 models side by side, live; "Use this reply" continues the chat on one. */
export function CompareColumns({ runKey, run, models, onChosen }: { runKey: string; run: CompareRun; models: readonly ModelInfo[]; onChosen(): void }) {
  const api = useApi()
  const streaming = compareStreaming(run)
  const now = useNow(streaming)
  const name = (column: CompareColumn): string => models.find((m) => m.providerId === column.target.providerId && m.id === column.target.model)?.name ?? column.target.model
  const use = async (column: CompareColumn): Promise<void> => {
    const { sessionId } = run
    if (!sessionId || !column.assistantMessageId) return
    const result = await api.call('sessions.setBranch', { sessionId, messageId: column.assistantMessageId })
    if (!result.ok) return useAppStore.getState().notifyError(result.error)
    useChatPrefs.getState().choose(column.target)
    useCompare.getState().close(runKey)
    // The other replies stay as versions of this one (the ‹1/3› switcher).
    settle(sessionId, onChosen)
  }
  return (
    <section className="compare-view" aria-label="Compare models">
      <p className="compare-prompt"><span className="muted">You asked:</span> {run.prompt}</p>
      <div className="compare-columns">
        {run.columns.map((column, i) => (
          <article key={`${column.target.providerId}/${column.target.model}/${i}`} className="compare-column" aria-label={`Reply from ${name(column)}`} aria-busy={column.status === 'streaming'}>
            <h3>{name(column)}</h3>
            <ColumnStats column={column} now={now} />
            <div className="compare-text">
              {column.text ? column.status === 'streaming' ? <StreamingMarkdown text={column.text} /> : <Markdown text={column.text} /> : column.status === 'failed' ? null : <p className="muted">…</p>}
              {/* A stop is the user's own doing: the neutral "Stopped" above says it, never an error. */}
              {column.error && column.status === 'failed' && <p className="message-error" role="alert">{column.error.message}</p>}
            </div>
            <button type="button" className="button" disabled={streaming || !column.assistantMessageId || column.status === 'failed'} onClick={() => void use(column)}>
              Use this reply
            </button>
          </article>
        ))}
      </div>
      {streaming && (
        <button type="button" className="button secondary" onClick={() => useCompare.getState().stop(runKey)}>Stop all</button>
      )}
    </section>
  )
}
