import type { ErrorShape, Result } from './errors'
import type { EventName, EventPayload } from './events'
import type { RouteInput, RouteName, RouteOutput } from './routes'
import type { StreamEvent, StreamInput, StreamName, StreamResult } from './streams'
import type { ClientMessage, ServerMessage } from './wire'

/** A text pipe to the server: an Electron IPC channel or a WebSocket. */
export interface MessagePort {
  send(text: string): void
  onMessage(listener: (text: string) => void): () => void
  /** Called when the pipe breaks; pending requests then fail with a retryable E_NETWORK. */
  onClose?(listener: () => void): () => void
}

export interface StreamHandle<R> {
  readonly id: number
  cancel(): void
  readonly done: Promise<Result<R>>
}

export interface ApiClient {
  call<K extends RouteName>(route: K, input: RouteInput<K>): Promise<Result<RouteOutput<K>>>
  stream<K extends StreamName>(
    route: K,
    input: StreamInput<K>,
    onEvent: (event: StreamEvent<K>) => void,
  ): StreamHandle<StreamResult<K>>
  on<K extends EventName>(name: K, listener: (payload: EventPayload<K>) => void): () => void
}

const disconnected: ErrorShape = {
  code: 'E_NETWORK',
  message: 'The connection to Ollama Desk closed before the reply arrived.',
  hint: 'Try again; if it keeps happening, restart the app.',
  retryable: true,
}

interface Pending {
  settle(result: Result<unknown>): void
  onEvent?: (event: unknown) => void
}

/** Builds the typed client over any MessagePort. Errors come back as values, never thrown. */
export function createRpcClient(port: MessagePort): ApiClient {
  let nextId = 1
  const pending = new Map<number, Pending>()
  const listeners = new Map<string, Set<(payload: unknown) => void>>()

  const settle = (id: number, result: Result<unknown>): void => {
    const entry = pending.get(id)
    if (!entry) return
    pending.delete(id)
    entry.settle(result)
  }

  port.onMessage((text) => {
    let message: ServerMessage
    try {
      message = JSON.parse(text) as ServerMessage
    } catch {
      return
    }
    // JSON text may be `null` or a number; only objects are messages.
    if (typeof message !== 'object' || message === null) return
    switch (message.t) {
      case 'result':
      case 'end':
        settle(message.id, message.result as Result<unknown>)
        break
      case 'event':
        pending.get(message.id)?.onEvent?.(message.event)
        break
      case 'events':
        for (const event of message.events) pending.get(message.id)?.onEvent?.(event)
        break
      case 'push':
        listeners.get(message.name)?.forEach((listener) => listener(message.payload))
        break
      case 'rejected':
        break
    }
  })

  port.onClose?.(() => {
    for (const id of [...pending.keys()]) settle(id, { ok: false, error: disconnected })
  })

  const send = (message: ClientMessage): void => port.send(JSON.stringify(message))

  const open = (message: ClientMessage, entry: Pending): void => {
    pending.set(message.id, entry)
    try {
      send(message)
    } catch {
      settle(message.id, { ok: false, error: disconnected })
    }
  }

  return {
    call(route, input) {
      const id = nextId++
      return new Promise((resolve) => {
        open({ t: 'call', id, route, input }, { settle: resolve as Pending['settle'] })
      })
    },
    stream(route, input, onEvent) {
      const id = nextId++
      const done = new Promise<Result<never>>((resolve) => {
        open(
          { t: 'stream', id, route, input },
          { settle: resolve as Pending['settle'], onEvent: onEvent as (event: unknown) => void },
        )
      })
      return {
        id,
        done,
        cancel: () => {
          if (pending.has(id)) send({ t: 'cancel', id })
        },
      }
    },
    on(name, listener) {
      const set = listeners.get(name) ?? new Set()
      listeners.set(name, set)
      const wrapped = listener as (payload: unknown) => void
      set.add(wrapped)
      return () => set.delete(wrapped)
    },
  }
}
