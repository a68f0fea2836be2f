import type { ApiClient, LogLevel, RendererLogLine } from '../../../src-shared/contract'
import { LOG_BATCH_MAX } from '../../../src-shared/contract'

export interface LogForwardingOptions {
  /** How long lines wait to be sent together. */
  flushMs?: number
  /** Lines kept while waiting; the oldest are dropped past this. */
  maxQueue?: number
  /** After log.write fails, forwarding rests this long (a dead connection must not loop). */
  backoffMs?: number
  /** The console whose warn and error are forwarded (the page's own by default). */
  console?: Pick<Console, 'error' | 'warn'>
}

type ConsoleMethod = 'error' | 'warn'
const MAX_MESSAGE = 8000

function describe(value: unknown): string {
  if (value instanceof Error) return value.stack ?? `${value.name}: ${value.message}`
  if (typeof value === 'string') return value
  try {
    return JSON.stringify(value) ?? String(value)
  } catch {
    return String(value)
  }
}

const messageOf = (args: unknown[]): string => args.map(describe).join(' ').slice(0, MAX_MESSAGE)

/**
 * Sends the window's console.warn/error, uncaught errors and unhandled rejections to the main
 * log through `log.write`, in batches. It never throws into the page and never logs itself: lines
 * raised while it is sending are not forwarded, and a failed send pauses it. Returns the undo.
 */
export function installLogForwarding(api: Pick<ApiClient, 'call'>, target: EventTarget = window, options: LogForwardingOptions = {}): () => void {
  const sink = options.console ?? console
  const flushMs = options.flushMs ?? 1000
  const maxQueue = options.maxQueue ?? 200
  const backoffMs = options.backoffMs ?? 30_000
  const queue: RendererLogLine[] = []
  let dropped = 0
  let sending = false
  let restingUntil = 0
  let timer: ReturnType<typeof setTimeout> | undefined

  const rest = (): void => void (restingUntil = Date.now() + backoffMs)

  const flush = (): void => {
    timer = undefined
    if (queue.length === 0) return
    if (Date.now() < restingUntil) {
      timer = setTimeout(flush, restingUntil - Date.now())
      return
    }
    const lines = queue.splice(0, LOG_BATCH_MAX)
    if (dropped > 0) {
      lines.unshift({ level: 'warn', message: `${dropped} renderer log lines were dropped while the queue was full`, source: 'app' })
      if (lines.length > LOG_BATCH_MAX) queue.unshift(lines.pop()!)
      dropped = 0
    }
    // Whatever the transport logs while sending is not forwarded again.
    sending = true
    let sent: Promise<void>
    try {
      sent = api.call('log.write', { lines }).then((result) => void (result.ok || rest()), rest)
    } catch {
      rest()
      sent = Promise.resolve()
    } finally {
      sending = false
    }
    void sent.finally(() => {
      if (queue.length > 0) schedule()
    })
  }

  const schedule = (): void => {
    timer ??= setTimeout(flush, queue.length >= LOG_BATCH_MAX ? 0 : flushMs)
  }

  const enqueue = (level: LogLevel, source: RendererLogLine['source'], message: string, context?: RendererLogLine['context']): void => {
    if (sending) return
    try {
      if (queue.length >= maxQueue) {
        queue.shift()
        dropped++
      }
      queue.push({ level, source, message: message.slice(0, MAX_MESSAGE), ...(context ? { context } : {}) })
      // A full batch goes now rather than at the end of the wait.
      if (queue.length >= LOG_BATCH_MAX && timer) {
        clearTimeout(timer)
        timer = undefined
      }
      schedule()
    } catch {
      // Forwarding is best effort; the page goes on.
    }
  }

  const originals: Partial<Record<ConsoleMethod, (...args: unknown[]) => void>> = {}
  for (const method of ['error', 'warn'] as const) {
    const original = sink[method]
    originals[method] = original
    sink[method] = (...args: unknown[]) => {
      original.apply(sink, args)
      try {
        enqueue(method, 'console', messageOf(args))
      } catch {
        // An argument whose toString throws: the page's own console already showed it.
      }
    }
  }
  const onError = (event: Event): void => {
    const error = event as ErrorEvent
    // A failed <img> or <script> load is a plain Event with no message: not a page error.
    if (typeof error.message !== 'string' && error.error === undefined) return
    const where = error.filename ? { file: error.filename.slice(0, 500), line: error.lineno, column: error.colno } : undefined
    enqueue('error', 'error', error.error ? describe(error.error) : error.message, where)
  }
  const onRejection = (event: Event): void => enqueue('error', 'rejection', `Unhandled rejection: ${describe((event as PromiseRejectionEvent).reason)}`)
  const onHide = (): void => {
    if (timer) clearTimeout(timer)
    flush()
  }
  target.addEventListener('error', onError)
  target.addEventListener('unhandledrejection', onRejection)
  target.addEventListener('pagehide', onHide)

  return () => {
    for (const method of ['error', 'warn'] as const) if (originals[method]) sink[method] = originals[method]
    target.removeEventListener('error', onError)
    target.removeEventListener('unhandledrejection', onRejection)
    target.removeEventListener('pagehide', onHide)
    if (timer) clearTimeout(timer)
  }
}
