import type { MessagePort } from '../../../src-shared/contract'

export type ConnectionState = 'connecting' | 'open' | 'closed'

export interface WebPortOptions {
  url: string
  /** Injected for tests; the browser's WebSocket otherwise. */
  WebSocketImpl?: typeof WebSocket
  onState?: (state: ConnectionState) => void
  retryDelayMs?: (attempt: number) => number
}

export interface WebPort extends MessagePort {
  close(): void
}

/**
 * A WebSocket that reconnects with backoff. Messages sent while it reconnects wait in a queue;
 * requests that were in flight when it dropped fail (the client turns that into E_NETWORK).
 */
export function createWebPort(options: WebPortOptions): WebPort {
  const Impl = options.WebSocketImpl ?? WebSocket
  const delay = options.retryDelayMs ?? ((attempt) => Math.min(5000, 250 * 2 ** attempt))
  const messageListeners = new Set<(text: string) => void>()
  const closeListeners = new Set<() => void>()
  const queue: string[] = []
  let socket: WebSocket | undefined
  let attempt = 0
  let stopped = false
  let timer: ReturnType<typeof setTimeout> | undefined

  const connect = (): void => {
    options.onState?.('connecting')
    const ws = new Impl(options.url)
    socket = ws
    ws.onopen = () => {
      attempt = 0
      options.onState?.('open')
      for (const text of queue.splice(0)) ws.send(text)
    }
    ws.onmessage = (event: MessageEvent) => {
      if (typeof event.data === 'string') messageListeners.forEach((listener) => listener(event.data as string))
    }
    ws.onclose = () => {
      if (socket !== ws) return
      socket = undefined
      closeListeners.forEach((listener) => listener())
      if (stopped) return options.onState?.('closed')
      options.onState?.('connecting')
      timer = setTimeout(connect, delay(attempt++))
    }
  }
  connect()

  return {
    send(text) {
      if (socket?.readyState === Impl.OPEN) socket.send(text)
      else queue.push(text)
    },
    onMessage(listener) {
      messageListeners.add(listener)
      return () => messageListeners.delete(listener)
    },
    onClose(listener) {
      closeListeners.add(listener)
      return () => closeListeners.delete(listener)
    },
    close() {
      stopped = true
      clearTimeout(timer)
      socket?.close()
    },
  }
}

/** The companion serves the page and the socket from one origin; the cookie carries the token. */
export function companionSocketUrl(location: Pick<Location, 'protocol' | 'host'>): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/ws`
}
