import { createContext, useContext } from 'react'
import { plural } from '../../lib/format'
import type { MarkerInfo } from './compaction-view'
import { shortTokens } from './use-chat-context'

/** The compaction markers of the thread being read, by the id of their summary message. */
export const CompactionMarkers = createContext<ReadonlyMap<string, MarkerInfo>>(new Map())

export const useCompactionMarker = (id: string): MarkerInfo | undefined => useContext(CompactionMarkers).get(id)

/**
 * Where older messages were summarised to fit the model's context window. Collapsed, it stands in
 * for them; "Show originals" brings them back above it (they were never deleted), and the summary
 * the model is sent instead can be read in full.
 */
export function CompactionMarker({ marker }: { marker: MarkerInfo }) {
  const { compaction, expanded, originals, summary } = marker
  const count = originals > 0 ? `${plural(originals, 'message')}${expanded ? '' : ' hidden'}` : 'older messages'
  return (
    <section className={`compaction-marker${expanded ? ' expanded' : ''}`} aria-label="Earlier messages summarised">
      <div className="compaction-marker-head">
        <span className="compaction-marker-title">Earlier messages summarised</span>
        <span className="muted">
          {count} · {shortTokens(compaction.tokensBefore)} → {shortTokens(compaction.tokensAfter)} tokens
        </span>
        <button type="button" className="link-button" aria-expanded={expanded} onClick={marker.toggle}>
          {expanded ? 'Hide originals' : 'Show originals'}
        </button>
      </div>
      {summary && (
        <details className="compaction-summary">
          <summary>What the model is sent instead</summary>
          <p>{summary}</p>
        </details>
      )}
    </section>
  )
}
