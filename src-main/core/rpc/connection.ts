import {
  ClientMessageSchema,
  MAX_MESSAGE_CHARS,
  events,
  type EventName,
  type EventPayload,
  type Result,
  type ServerMessage,
} from '../../../src-shared/contract'
import { AppError, PayloadTooLargeError, ValidationError, issuesOf } from '../errors'
import type { Dispatcher } from './dispatcher'

export interface ConnectionOptions {
  clientId: string
  maxMessageChars?: number
  /** Most streams one client may have open at once; more is a bug or abuse. */
  maxOpenStreams?: number
  /** Most calls and streams one client may have waiting for an answer at once (default 256). */
  maxInFlight?: number
  /** Resolves when the transport can take more; lets fast streams respect slow sockets. */
  drain?: () => Promise<void> | undefined
  /** Bytes written to the transport that the client has not read yet. */
  backlog?: () => number
  /** Past this backlog no new request is taken until the client reads its answers (default 16 MB). */
  maxBacklogBytes?: number
}

export interface Connection {
  receive(message: unknown): void
  push<K extends EventName>(name: K, payload: EventPayload<K>): void
  /** Cancels everything still running for this client. */
  close(): void
  readonly openRequests: number
}

/** A batched frame is sent as soon as it holds this much, so frames stay small and drain stays honest. */
const MAX_BATCH_CHARS = 64 * 1024

// Our own client writes `{"t":"call","id":N` first, so an oversize message can still be answered.
const leadingId = /^\{"t":"(?:call|stream)","id":(\d{1,15})[,}]/

/** One client's session over any text transport: Electron IPC and WebSocket use the same code. */
export function createConnection(
  dispatcher: Dispatcher,
  send: (text: string) => void,
  options: ConnectionOptions,
): Connection {
  const maxChars = options.maxMessageChars ?? MAX_MESSAGE_CHARS
  const maxOpen = options.maxOpenStreams ?? 64
  const maxInFlight = options.maxInFlight ?? 256
  const maxBacklog = options.maxBacklogBytes ?? 16 * 1024 * 1024
  const running = new Map<number, AbortController>()
  let closed = false

  const write = (message: ServerMessage): void => {
    if (closed) return
    try {
      send(JSON.stringify(message))
    } catch {
      // The transport is gone; close() will follow from its own close event.
    }
  }
  const reject = (error: AppError, id?: number): void =>
    id === undefined ? write({ t: 'rejected', error: error.toShape() }) : write({ t: 'result', id, result: { ok: false, error: error.toShape() } })

  const begin = (id: number): AbortController | undefined => {
    if (running.has(id)) {
      reject(new ValidationError(`Request id ${id} is already in use.`), id)
      return undefined
    }
    const controller = new AbortController()
    running.set(id, controller)
    return controller
  }

  // Stream events produced in the same tick go out as one frame: a fast model emits hundreds of
  // small deltas per read, and one transport write each was the largest cost of streaming. Each
  // event is encoded once, so a frame can be cut by size without encoding twice.
  const queued = new Map<number, { parts: string[]; chars: number }>()
  let flushing = false
  const writeBatch = (id: number, parts: string[]): void => {
    if (closed || parts.length === 0) return
    try {
      send(parts.length === 1 ? `{"t":"event","id":${id},"event":${parts[0]}}` : `{"t":"events","id":${id},"events":[${parts.join(',')}]}`)
    } catch {
      // The transport is gone; close() will follow from its own close event.
    }
  }
  const flush = (): void => {
    flushing = false
    for (const [id, batch] of queued) writeBatch(id, batch.parts)
    queued.clear()
  }
  const queue = (id: number, event: unknown): void => {
    const text = JSON.stringify(event) ?? 'null'
    const batch = queued.get(id) ?? { parts: [], chars: 0 }
    queued.set(id, batch)
    batch.parts.push(text)
    batch.chars += text.length
    if (batch.chars >= MAX_BATCH_CHARS) {
      queued.delete(id)
      writeBatch(id, batch.parts)
    } else if (!flushing) {
      flushing = true
      setImmediate(flush)
    }
  }

  const finish = (id: number, kind: 'result' | 'end', result: Result<unknown>): void => {
    if (queued.has(id)) flush()
    running.delete(id)
    write({ t: kind, id, result })
  }

  // A client that pipelines requests without reading the answers would otherwise make the server
  // hold every answer in memory: past either limit, new requests are refused until it catches up.
  const overloaded = (kind: 'call' | 'stream'): AppError | undefined => {
    if (kind === 'stream' && running.size >= maxOpen) return new AppError('E_VALIDATION', `Too many open streams (limit ${maxOpen}).`)
    if (running.size >= maxInFlight) {
      return new AppError('E_RATE_LIMITED', `Too many requests waiting for an answer on this connection (limit ${maxInFlight}).`, {
        retryable: true,
        hint: 'Wait for answers before sending more.',
      })
    }
    const backlog = options.backlog?.() ?? 0
    if (backlog > maxBacklog) {
      return new AppError('E_RATE_LIMITED', `${Math.round(backlog / 1024 / 1024)} MB of answers are waiting to be read on this connection.`, {
        retryable: true,
        hint: 'Read the answers before sending more requests.',
      })
    }
    return undefined
  }

  const receive = (text: unknown): void => {
    if (closed) return
    if (typeof text !== 'string') return reject(new ValidationError('Messages must be JSON text.'))
    if (text.length > maxChars) {
      const match = leadingId.exec(text.slice(0, 64))
      return reject(new PayloadTooLargeError(text.length, maxChars), match ? Number(match[1]) : undefined)
    }
    let raw: unknown
    try {
      raw = JSON.parse(text)
    } catch {
      return reject(new ValidationError('The message is not valid JSON.'))
    }
    const parsed = ClientMessageSchema.safeParse(raw)
    if (!parsed.success) {
      const id = (raw as { id?: unknown } | null)?.id
      const validId = Number.isSafeInteger(id) && (id as number) >= 0 && !running.has(id as number)
      return reject(
        new ValidationError('The message does not follow the protocol.', issuesOf(parsed.error)),
        validId ? (id as number) : undefined,
      )
    }
    const message = parsed.data
    if (message.t === 'cancel') {
      running.get(message.id)?.abort()
      return
    }
    const refusal = overloaded(message.t)
    if (refusal) return reject(refusal, message.id)
    const controller = begin(message.id)
    if (!controller) return
    const ctx = { signal: controller.signal, clientId: options.clientId }
    const { id } = message
    if (message.t === 'call') {
      void dispatcher.call(message.route, message.input, ctx).then((result) => finish(id, 'result', result))
      return
    }
    const onEvent = (event: unknown): Promise<void> | undefined => {
      queue(id, event)
      return options.drain?.()
    }
    void dispatcher.stream(message.route, message.input, ctx, onEvent).then((result) => finish(id, 'end', result))
  }

  return {
    receive,
    push(name, payload) {
      write({ t: 'push', name, payload: events[name].parse(payload) })
    },
    close() {
      if (closed) return
      for (const controller of running.values()) controller.abort()
      running.clear()
      queued.clear()
      closed = true
    },
    get openRequests() {
      return running.size
    },
  }
}
