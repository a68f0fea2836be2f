import { AppError, CancelledError } from '../errors'
import type { SessionStore } from './store'
import type { Message } from './types'

// Main-side only (it awaits a model): never import this from the worker's files.

/** What a summary is written for: the chat, the user's focus, and the model to write it. */
export interface SummarizeOptions {
  signal: AbortSignal
  /** The session being compacted: a summarizer may write with the chat's own model. */
  sessionId?: string
  /** What the user wants the summary to focus on ("Compact now" with instructions). */
  instructions?: string
  /** The model to write with (automatic compaction: the model about to answer). */
  target?: { providerId: string; model: string }
}

/** Writes the summary that replaces older messages in a model's context. Model providers implement it. */
export interface Summarizer {
  summarize(messages: Message[], options: SummarizeOptions): Promise<{ text: string; provider?: string; model?: string }>
}

/** What the PreCompact hook is told before the summarizer runs; throwing there cancels the compaction. */
export interface CompactionInfo {
  sessionId: string
  trigger: 'auto' | 'manual'
  uptoMessageId: string
  /** Messages handed to the summarizer (a previous summary counts as one). */
  messages: number
  tokensBefore: number
  contextWindow: number
  /** The user's instructions for the summary (PreCompact's `custom_instructions`); none for automatic compaction. */
  instructions?: string
}

export interface CompactSessionOptions {
  summarizer: Summarizer
  /** The model's context window, in tokens. */
  contextWindow: number
  /** Share of the window that triggers compaction (default 0.8). */
  threshold?: number
  /** Original messages kept word for word (default 8). */
  keepRecent?: number
  /** Compact now, even below the threshold (a manual "compact"), if there is anything to summarise. */
  force?: boolean
  /** What the PreCompact hook is told; default 'manual' when forced, else 'auto'. A send that decided itself to compact forces with 'auto'. */
  trigger?: CompactionInfo['trigger']
  /** The branch to compact; default: the one ending at the latest message. */
  leafId?: string
  signal: AbortSignal
  /** The seam for the PreCompact lifecycle hook. */
  beforeCompact?: (info: CompactionInfo) => void | Promise<void>
  /** What the summary should focus on, from the user. */
  instructions?: string
  /** The model that writes the summary; default: the summarizer's choice (the chat's own model). */
  target?: SummarizeOptions['target']
}

export type CompactResult =
  | { compacted: false; reason: 'below-threshold' | 'nothing-to-compact'; tokens: number }
  | { compacted: true; summaryMessageId: string; messagesSummarized: number; tokensBefore: number; tokensAfter: number }

/** The part of SessionStore compaction uses. */
export type CompactionStore = Pick<SessionStore, 'planCompaction' | 'recordCompaction' | 'contextWindowUsage'>

const UNCHANGED = 'Your messages are unchanged.'

function cancelled(): CancelledError {
  return new CancelledError(`Compacting was cancelled. ${UNCHANGED}`)
}

/** Runs the summarizer, giving up as soon as the signal aborts even if the summarizer does not listen. */
async function summarize(summarizer: Summarizer, messages: Message[], options: SummarizeOptions): Promise<{ text: string; provider?: string; model?: string }> {
  const { signal } = options
  let onAbort = (): void => {}
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(cancelled())
    signal.addEventListener('abort', onAbort, { once: true })
  })
  try {
    return await Promise.race([summarizer.summarize(messages, options), aborted])
  } catch (error) {
    if (signal.aborted) throw cancelled()
    if (error instanceof AppError) throw error
    throw new AppError('E_INTERNAL', 'The model could not write a summary of this conversation.', {
      cause: error,
      hint: `Try again, or pick another model. ${UNCHANGED}`,
      retryable: true,
    })
  } finally {
    signal.removeEventListener('abort', onAbort)
  }
}

/**
 * Compacts a session when its context passed threshold × window (or when forced): plans, tells
 * `beforeCompact`, asks the summarizer, then stores the summary and the compaction in one
 * transaction. Any failure before that last step (summarizer error, empty summary, abort) leaves
 * the store untouched; errors from the summarizer that are AppErrors pass through as they are.
 */
export async function compactSession(store: CompactionStore, sessionId: string, options: CompactSessionOptions): Promise<CompactResult> {
  const { summarizer, contextWindow, threshold = 0.8, keepRecent = 8, force = false, leafId, signal } = options
  const trigger = options.trigger ?? (force ? 'manual' : 'auto')
  if (signal.aborted) throw cancelled()
  const plan = await store.planCompaction(sessionId, { contextWindow, threshold, keepRecent, force, ...(leafId === undefined ? {} : { leafId }) })
  if (plan === null) {
    const { tokens } = await store.contextWindowUsage(sessionId, leafId)
    return { compacted: false, reason: !force && tokens < threshold * contextWindow ? 'below-threshold' : 'nothing-to-compact', tokens }
  }
  await options.beforeCompact?.({
    sessionId, trigger, uptoMessageId: plan.upto, messages: plan.toSummarize.length, tokensBefore: plan.tokensBefore, contextWindow,
    ...(options.instructions ? { instructions: options.instructions } : {}),
  })
  if (signal.aborted) throw cancelled()
  const written = await summarize(summarizer, plan.toSummarize, {
    signal, sessionId, ...(options.instructions ? { instructions: options.instructions } : {}), ...(options.target ? { target: options.target } : {}),
  })
  const text = typeof written?.text === 'string' ? written.text.trim() : ''
  if (text.length === 0) {
    throw new AppError('E_INTERNAL', 'The model returned an empty summary, so nothing was compacted.', { hint: `Try again, or pick another model. ${UNCHANGED}`, retryable: true })
  }
  if (signal.aborted) throw cancelled()
  const compaction = await store.recordCompaction(sessionId, {
    uptoMessageId: plan.upto, summary: text, provider: written.provider ?? null, model: written.model ?? null, tokensBefore: plan.tokensBefore,
    ...(leafId === undefined ? {} : { leafId }),
  })
  return {
    compacted: true,
    summaryMessageId: compaction.summaryMessageId,
    messagesSummarized: plan.toSummarize.length,
    tokensBefore: compaction.tokensBefore,
    tokensAfter: compaction.tokensAfter,
  }
}
