import type { CompactionEntry, SessionMessage } from '../../../../src-shared/contract'

/** What the thread shows for a compaction: where its marker goes and what it stands for. */
export interface MarkerInfo {
  compaction: CompactionEntry
  /** The summary the model is sent in place of the originals. */
  summary: string
  /** Originals it stands for that are loaded in the view (older pages may hold more). */
  originals: number
  expanded: boolean
  toggle(): void
}

export interface CompactedThread {
  messages: SessionMessage[]
  /** Marker info by the id of the summary message standing in the list as the marker. */
  markers: Map<string, MarkerInfo>
  /** Older pages hold only summarised originals: while collapsed, there is nothing to page back to. */
  hidesOlder: boolean
}

/** Summary messages stand beside the conversation: they never take part in the branch being read. */
export function withoutSummaries(messages: readonly SessionMessage[], compactions: readonly CompactionEntry[]): SessionMessage[] {
  if (compactions.length === 0) return [...messages]
  const summaries = new Set(compactions.map((c) => c.summaryMessageId))
  return messages.filter((m) => !summaries.has(m.id))
}

/**
 * The thread with the compaction that applies to it (the one whose last summarised message lies
 * deepest on it) shown as a marker: collapsed, the marker stands in for the originals; expanded,
 * the originals come back above it. Nothing is removed from the store either way.
 */
export function withCompactionMarker(
  thread: readonly SessionMessage[],
  loaded: readonly SessionMessage[],
  compactions: readonly CompactionEntry[],
  hasOlder: boolean,
  expanded: boolean,
  toggle: () => void,
): CompactedThread {
  const none: CompactedThread = { messages: [...thread], markers: new Map(), hidesOlder: false }
  if (compactions.length === 0) return none
  const position = new Map(thread.map((m, i) => [m.id, i]))
  let best: { compaction: CompactionEntry; index: number } | undefined
  for (const compaction of compactions) {
    const index = position.get(compaction.uptoMessageId)
    if (index !== undefined && (best === undefined || index >= best.index)) best = { compaction, index }
  }
  // Not in view: on an older page when there is one (everything shown came after it), else on another branch.
  if (!best && hasOlder) {
    const newest = compactions.reduce((a, b) => (b.createdAt >= a.createdAt ? b : a))
    best = { compaction: newest, index: -1 }
  }
  if (!best) return none
  const summaryMessage = loaded.find((m) => m.id === best.compaction.summaryMessageId)
  const marker: SessionMessage = summaryMessage ?? {
    ...(thread[0] ?? loaded[0])!,
    id: best.compaction.summaryMessageId,
    parentId: null,
    role: 'system',
    text: '',
    content: [],
    createdAt: best.compaction.createdAt,
  }
  const info: MarkerInfo = { compaction: best.compaction, summary: best.compaction.summary, originals: best.index + 1, expanded, toggle }
  const kept = thread.slice(best.index + 1)
  const messages = expanded ? [...thread.slice(0, best.index + 1), marker, ...kept] : [marker, ...kept]
  return { messages, markers: new Map([[marker.id, info]]), hidesOlder: !expanded }
}
