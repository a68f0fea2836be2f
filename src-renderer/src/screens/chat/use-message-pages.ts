import { useCallback, useEffect, useRef, useState } from 'react'
import type { ApiClient, ErrorShape, SessionMessage } from '../../../../src-shared/contract'
import { useAppStore } from '../../store/app-store'

/** Messages per sessions.messages call. */
export const MESSAGE_PAGE = 100

export interface MessagePages {
  /** Oldest first, as the contract returns them. */
  messages: SessionMessage[]
  hasOlder: boolean
  status: 'loading' | 'ready' | 'error'
  error: ErrorShape | undefined
  loadingOlder: boolean
  loadOlder(): void
  /** Fetch the latest page again and merge it in (a message changed or arrived). */
  reload(): void
}

/** The latest page of a conversation first, then older pages on demand via `before`. */
export function useMessagePages(api: ApiClient, sessionId: string): MessagePages {
  const [messages, setMessages] = useState<SessionMessage[]>([])
  const [nextBefore, setNextBefore] = useState<string | null>(null)
  const [status, setStatus] = useState<MessagePages['status']>('loading')
  const [error, setError] = useState<ErrorShape | undefined>()
  const [loadingOlder, setLoadingOlder] = useState(false)
  const olderInFlight = useRef(false)
  const loadedOnce = useRef(false)

  const loadLatest = useCallback(async () => {
    const result = await api.call('sessions.messages', { sessionId, limit: MESSAGE_PAGE })
    if (!result.ok) {
      useAppStore.getState().notifyError(result.error)
      setError(result.error)
      setStatus('error')
      return
    }
    const page = result.value.messages
    const first = !loadedOnce.current
    loadedOnce.current = true
    if (first) {
      setMessages(page)
      setNextBefore(result.value.nextBefore)
    } else {
      // Keep older pages already loaded; replace what changed, append what is new.
      setMessages((previous) => {
        const fresh = new Map(page.map((message) => [message.id, message]))
        const known = new Set(previous.map((message) => message.id))
        return [...previous.map((message) => fresh.get(message.id) ?? message), ...page.filter((message) => !known.has(message.id))]
      })
    }
    setStatus('ready')
  }, [api, sessionId])

  useEffect(() => {
    void loadLatest()
  }, [loadLatest])

  const loadOlder = useCallback(() => {
    if (!nextBefore || olderInFlight.current) return
    olderInFlight.current = true
    setLoadingOlder(true)
    void api.call('sessions.messages', { sessionId, before: nextBefore, limit: MESSAGE_PAGE }).then((result) => {
      olderInFlight.current = false
      setLoadingOlder(false)
      if (!result.ok) return useAppStore.getState().notifyError(result.error)
      setMessages((previous) => [...result.value.messages, ...previous])
      setNextBefore(result.value.nextBefore)
    })
  }, [api, sessionId, nextBefore])

  const reload = useCallback(() => void loadLatest(), [loadLatest])

  return { messages, hasOlder: nextBefore !== null, status, error, loadingOlder, loadOlder, reload }
}
