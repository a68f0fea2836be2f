import { useEffect, useState } from 'react'
import type { ApiClient, ChatContext } from '../../../../src-shared/contract'
import { useChatPrefs } from './chat-prefs'

/**
 * How full the open chat's context window is (chat.context), for the model the composer sends to
 * (or the latest reply's under Auto). Fetched again whenever `version` moves: the session changed
 * or a reply finished. A failure leaves the meter out; it is a detail, not worth an alert.
 */
export function useChatContext(api: ApiClient, sessionId: string, version: unknown): ChatContext | undefined {
  const target = useChatPrefs((state) => state.target)
  const providerId = 'providerId' in target ? target.providerId : undefined
  const model = 'model' in target ? target.model : undefined
  const [context, setContext] = useState<{ sessionId: string; value: ChatContext } | undefined>()
  useEffect(() => {
    let live = true
    void api.call('chat.context', { sessionId, ...(providerId && model ? { providerId, model } : {}) }).then((result) => {
      if (live) setContext(result.ok ? { sessionId, value: result.value } : undefined)
    })
    return () => {
      live = false
    }
  }, [api, sessionId, providerId, model, version])
  // Never show one chat's figures under another's title while the new ones load.
  return context?.sessionId === sessionId ? context.value : undefined
}

/** "6.4k" for 6,400 tokens, "32k" for 32,768, "950" below a thousand. */
export function shortTokens(n: number): string {
  if (n < 1000) return String(Math.round(n))
  const k = n / 1000
  return `${k >= 100 || Number.isInteger(Math.round(k * 10) / 10) ? Math.round(k) : (Math.round(k * 10) / 10).toFixed(1)}k`
}
