import { useCallback, useEffect, useRef, useState } from 'react'
import type { ApiClient, ErrorShape, MessageVersion, SessionMessage } from '../../../../src-shared/contract'
import { useAppStore } from '../../store/app-store'

/** Messages per sessions.branch call. */
export const MESSAGE_PAGE = 100

export interface MessagePages {
  /** The branch being read, oldest first, as the contract returns it. */
  messages: SessionMessage[]
  /** Versions ‹2/3› of the loaded messages that have siblings, by message id. */
  versions: Record<string, MessageVersion>
  hasOlder: boolean
  status: 'loading' | 'ready' | 'error'
  error: ErrorShape | undefined
  loadingOlder: boolean
  loadOlder(): void
  /** Fetch the latest page again and merge it in (a message changed or arrived, or the branch moved). */
  reload(): void
  /** The same as reload, for callers that wait for the new page. */
  refresh(): Promise<void>
}

/**
 * The latest page of the branch being read first, then older pages on demand via `before`. A
 * reload keeps the older pages it shares with the new latest page; when the branch moved (another
 * version, a deleted message), what no longer continues into it is dropped.
 */
export function useMessagePages(api: ApiClient, sessionId: string): MessagePages {
  const [messages, setMessages] = useState<SessionMessage[]>([])
  const [versions, setVersions] = useState<Record<string, MessageVersion>>({})
  const [nextBefore, setNextBefore] = useState<string | null>(null)
  const [status, setStatus] = useState<MessagePages['status']>('loading')
  const [error, setError] = useState<ErrorShape | undefined>()
  const [loadingOlder, setLoadingOlder] = useState(false)
  const olderInFlight = useRef(false)
  const loaded = useRef<{ messages: SessionMessage[]; nextBefore: string | null }>({ messages: [], nextBefore: null })

  const loadLatest = useCallback(async () => {
    const result = await api.call('sessions.branch', { sessionId, limit: MESSAGE_PAGE })
    if (!result.ok) {
      useAppStore.getState().notifyError(result.error)
      setError(result.error)
      setStatus('error')
      return
    }
    const page = result.value.messages
    const previous = loaded.current.messages
    // The older pages still lead into the new page when its first message is one of them.
    const joint = page.length > 0 ? previous.findIndex((message) => message.id === page[0]!.id) : -1
    const next = joint > 0 ? { messages: [...previous.slice(0, joint), ...page], nextBefore: loaded.current.nextBefore } : { messages: page, nextBefore: result.value.nextBefore }
    loaded.current = next
    setMessages(next.messages)
    setNextBefore(next.nextBefore)
    setVersions((old) => (joint > 0 ? { ...old, ...result.value.versions } : result.value.versions))
    setStatus('ready')
  }, [api, sessionId])

  useEffect(() => {
    void loadLatest()
  }, [loadLatest])

  const loadOlder = useCallback(() => {
    if (!nextBefore || olderInFlight.current) return
    olderInFlight.current = true
    setLoadingOlder(true)
    void api.call('sessions.branch', { sessionId, before: nextBefore, limit: MESSAGE_PAGE }).then((result) => {
      olderInFlight.current = false
      setLoadingOlder(false)
      if (!result.ok) return useAppStore.getState().notifyError(result.error)
      loaded.current = { messages: [...result.value.messages, ...loaded.current.messages], nextBefore: result.value.nextBefore }
      setMessages(loaded.current.messages)
      setVersions((old) => ({ ...result.value.versions, ...old }))
      setNextBefore(result.value.nextBefore)
    })
  }, [api, sessionId, nextBefore])

  const reload = useCallback(() => void loadLatest(), [loadLatest])

  return { messages, versions, hasOlder: nextBefore !== null, status, error, loadingOlder, loadOlder, reload, refresh: loadLatest }
}
