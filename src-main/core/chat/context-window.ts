import { CONTEXT_WARN_SHARE, DEFAULT_CONTEXT_WINDOW, type ChatContext, type ChatEvent, type ChatParams, type CompactionSettings } from '../../../src-shared/contract'
import { toAppError } from '../errors'
import type { ModelCatalog } from '../providers'
import { estimateTokens, type CompactResult, type CompactSessionOptions, type SessionStore } from '../sessions'

/** Runs a compaction with the app's summarizer and PreCompact hooks (see session-wiring.ts). */
export type SessionCompactor = (sessionId: string, options: Omit<CompactSessionOptions, 'summarizer' | 'beforeCompact'>) => Promise<CompactResult>

export interface ContextWindowDeps {
  sessions: () => Promise<SessionStore>
  catalog: Pick<ModelCatalog, 'cached' | 'list'>
  /** The `compaction` settings, read at each use so a change applies to the next send. */
  settings: () => CompactionSettings
  compact: SessionCompactor
  /**
   * The context length this chat sets for `target` (Ollama's `num_ctx` in the chat's parameters),
   * or null when it sets none or the provider does not take one. `params`: the turn's own, which
   * win over the stored ones.
   */
  chatContextLength?: (sessionId: string, target: ModelRef, params?: ChatParams) => Promise<number | null>
}

export interface ModelRef {
  providerId: string
  model: string
}

/** A model's context window from its capabilities (Ollama's `context_length`, a provider's listing), or null when unknown. */
export async function modelContextWindow(catalog: ContextWindowDeps['catalog'], target: ModelRef, signal?: AbortSignal): Promise<number | null> {
  const known = catalog.cached(target.providerId, target.model)
  if (known) return known.capabilities.contextWindow
  try {
    const { models } = await catalog.list({ providerId: target.providerId, ...(signal ? { signal } : {}) })
    return models.find((m) => m.id === target.model)?.capabilities.contextWindow ?? null
  } catch {
    // A provider that does not answer leaves the window unknown; the meter says it assumed one.
    return null
  }
}

/**
 * The window a chat's next request has: the chat's own context length when it sets one the
 * provider takes (the model is loaded with it), else the model's, else Ollama's default.
 * The meter and automatic compaction both measure against this.
 */
export async function chatWindow(
  deps: Pick<ContextWindowDeps, 'catalog' | 'chatContextLength'>,
  sessionId: string,
  target: ModelRef | null,
  options: { params?: ChatParams; signal?: AbortSignal } = {},
): Promise<{ window: number; source: ChatContext['windowSource'] }> {
  if (!target) return { window: DEFAULT_CONTEXT_WINDOW, source: 'default' }
  const own = deps.chatContextLength ? await deps.chatContextLength(sessionId, target, options.params) : null
  if (own) return { window: own, source: 'chat' }
  const known = await modelContextWindow(deps.catalog, target, options.signal)
  return known ? { window: known, source: 'model' } : { window: DEFAULT_CONTEXT_WINDOW, source: 'default' }
}

/** The model of the latest reply in a session: the one a chat opened without a pick continues with. */
export async function latestModel(store: SessionStore, sessionId: string): Promise<ModelRef | null> {
  const { messages } = await store.getMessages(sessionId, { limit: 50 })
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i]!
    if (m.role === 'assistant' && m.provider && m.model) return { providerId: m.provider, model: m.model }
  }
  return null
}

/** What the context meter shows: tokens used of the model's window, the thresholds, and the summaries written. */
export async function chatContext(deps: ContextWindowDeps, input: { sessionId: string; providerId?: string; model?: string }, signal?: AbortSignal): Promise<ChatContext> {
  const store = await deps.sessions()
  const usage = await store.contextWindowUsage(input.sessionId)
  const model = input.providerId && input.model ? { providerId: input.providerId, model: input.model } : await latestModel(store, input.sessionId)
  const { window, source } = await chatWindow(deps, input.sessionId, model, signal ? { signal } : {})
  const settings = deps.settings()
  const compactions = await Promise.all(
    (await store.listCompactions(input.sessionId)).map(async ({ summaryMessageId, uptoMessageId, tokensBefore, tokensAfter, createdAt }) => ({
      summaryMessageId, uptoMessageId, tokensBefore, tokensAfter, createdAt, summary: (await store.getMessage(summaryMessageId)).text,
    })),
  )
  return {
    tokens: usage.tokens,
    estimated: usage.estimated,
    messages: usage.messages,
    contextWindow: window,
    windowSource: source,
    model,
    warnAt: CONTEXT_WARN_SHARE,
    compactAt: settings.auto ? settings.threshold : null,
    compactions,
  }
}

const thousands = (n: number): string => (n >= 1000 ? `${(n / 1000).toFixed(1)}k` : String(n))

/** Whether a send of `promptText` should compact first: the context plus the prompt reach threshold × window. */
export function shouldCompact(tokens: number, promptText: string, window: number, settings: CompactionSettings): boolean {
  return settings.auto && tokens + estimateTokens(promptText) >= settings.threshold * window
}

/**
 * Automatic compaction before a send: when the stored context plus the new prompt reach the
 * threshold share of the answering model's window (the chat's own context length when it sets
 * one: `params` are the turn's), the older messages are summarised first (PreCompact hooks told
 * `trigger: 'auto'`). A hook's block or a failed summary never stops the
 * message: the user is told why and it is sent as it is.
 */
export async function* compactBeforeSend(deps: ContextWindowDeps, sessionId: string, target: ModelRef, promptText: string, signal: AbortSignal, params?: ChatParams): AsyncGenerator<ChatEvent, void> {
  const settings = deps.settings()
  if (!settings.auto) return
  const store = await deps.sessions()
  const usage = await store.contextWindowUsage(sessionId)
  const { window } = await chatWindow(deps, sessionId, target, { signal, ...(params ? { params } : {}) })
  if (!shouldCompact(usage.tokens, promptText, window, settings)) return
  try {
    // The summary is written by the model about to answer, which the user picked for this chat.
    const result = await deps.compact(sessionId, { contextWindow: window, threshold: settings.threshold, force: true, trigger: 'auto', target, signal })
    if (!result.compacted) return
    yield {
      type: 'hook',
      event: 'Compaction',
      blocked: false,
      message: `Earlier messages were summarised to fit ${target.model}’s context window (${result.messagesSummarized} messages, ${thousands(result.tokensBefore)} → ${thousands(result.tokensAfter)} tokens). The originals are kept.`,
    }
  } catch (error) {
    if (signal.aborted) throw error
    const problem = toAppError(error)
    const blocked = problem.code === 'E_BLOCKED'
    yield {
      type: 'hook',
      event: 'PreCompact',
      blocked,
      message: blocked
        ? `${problem.message.replace(/^A PreCompact hook stopped the compaction: /, '').replace(/\.$/, '')}. The message was sent without compacting.`
        : `Automatic compaction failed: ${problem.message} The message was sent as it is.`,
    }
  }
}
