import { create } from 'zustand'
import type { ApiClient, ChatEvent, ChatSendInput, ChatTarget, ErrorShape } from '../../../../src-shared/contract'
import type { StreamClock } from './compare-stats'

/** Compare mode sends one prompt to this many models at once. */
export const COMPARE_MIN = 2
export const COMPARE_MAX = 4

/** One model's reply in a compare run. */
export interface CompareColumn extends StreamClock {
  target: Extract<ChatTarget, { providerId: string }>
  status: 'waiting' | 'streaming' | 'done' | 'failed' | 'cancelled'
  text: string
  assistantMessageId?: string
  error?: ErrorShape
  cancel?: () => void
}

/** One prompt sent to several models: the first send writes the prompt, the others answer it (`replyTo`). */
export interface CompareRun {
  sessionId?: string
  userMessageId?: string
  prompt: string
  columns: CompareColumn[]
}

type ModelTarget = CompareColumn['target']
export const sameTarget = (a: ModelTarget, b: ModelTarget): boolean => a.providerId === b.providerId && a.model === b.model

interface CompareState {
  /** The composer's Compare toggle and the models ticked in it. */
  on: boolean
  chosen: ModelTarget[]
  /** Runs by session key (a session id, or the new chat's key until the core names the session). */
  runs: Record<string, CompareRun>
  toggle(): void
  /** Ticks or unticks a model; at most COMPARE_MAX stay ticked. */
  pick(target: ModelTarget): void
  start(api: ApiClient, key: string, input: Omit<ChatSendInput, 'target'>, onStarted?: (sessionId: string) => void): void
  /** Stops every column still streaming. */
  stop(key: string): void
  /** Leaves the compare view (the replies are stored as versions). */
  close(key: string): void
}

/** `at`: when the event arrived (text timings are measured on arrival, not on repaint). */
const onEvent = (column: CompareColumn, { event, at }: { event: ChatEvent; at: number }): CompareColumn => {
  switch (event.type) {
    case 'started':
      return { ...column, status: 'streaming', assistantMessageId: event.assistantMessageId }
    case 'answering':
      return { ...column, text: '', chars: 0 }
    case 'text':
      return { ...column, text: column.text + event.text, chars: column.chars + event.text.length, firstTokenAt: column.firstTokenAt ?? at, lastTokenAt: at }
    case 'usage':
      return { ...column, outputTokens: event.usage.outputTokens, costUsd: event.costUsd }
    default:
      return column
  }
}

const nextFrame = (run: () => void): void => {
  if (typeof requestAnimationFrame === 'function') requestAnimationFrame(run)
  else setTimeout(run, 16)
}

export const useCompare = create<CompareState>((set, get) => {
  const update = (key: string, index: number, change: (column: CompareColumn) => CompareColumn): void =>
    set((state) => {
      const run = state.runs[key]
      if (!run) return state
      return { runs: { ...state.runs, [key]: { ...run, columns: run.columns.map((column, i) => (i === index ? change(column) : column)) } } }
    })

  /** Streams one column; `onStarted` hears the `started` event, `onEnd` whether it failed before it. */
  const stream = (api: ApiClient, keyNow: () => string, index: number, input: ChatSendInput, onStarted?: (event: Extract<ChatEvent, { type: 'started' }>) => void, onEnd?: (failed: boolean) => void): void => {
    // Streamed text arrives in many small pieces: the columns repaint at most once a frame.
    let pending: { event: ChatEvent; at: number }[] = []
    const flush = (): void => {
      if (pending.length === 0) return
      const events = pending
      pending = []
      update(keyNow(), index, (column) => events.reduce(onEvent, column))
    }
    const handle = api.stream('chat.send', input, (event) => {
      pending.push({ event, at: Date.now() })
      if (event.type === 'started') {
        flush()
        onStarted?.(event)
      } else if (pending.length === 1) nextFrame(flush)
    })
    update(keyNow(), index, (column) => ({ ...column, status: 'streaming', startedAt: Date.now(), cancel: () => handle.cancel() }))
    void handle.done.then((result) => {
      flush()
      update(keyNow(), index, (column) =>
        result.ok
          ? { ...column, status: 'done', assistantMessageId: result.value.message.id, lastTokenAt: column.lastTokenAt ?? Date.now() }
          : { ...column, status: result.error.code === 'E_CANCELLED' ? 'cancelled' : 'failed', error: result.error },
      )
      onEnd?.(!result.ok)
    })
  }

  return {
    on: false,
    chosen: [],
    runs: {},
    toggle: () => set((state) => ({ on: !state.on })),
    pick: (target) =>
      set((state) => {
        if (state.chosen.some((t) => sameTarget(t, target))) return { chosen: state.chosen.filter((t) => !sameTarget(t, target)) }
        return state.chosen.length >= COMPARE_MAX ? state : { chosen: [...state.chosen, target] }
      }),
    start(api, key, input, onStarted) {
      const targets = get().chosen.slice(0, COMPARE_MAX)
      const [first, ...others] = targets
      if (!first || targets.length < COMPARE_MIN) return
      let currentKey = key
      const keyNow = (): string => currentKey
      const run: CompareRun = { prompt: input.text, columns: targets.map((target) => ({ target, status: 'waiting', text: '', startedAt: Date.now(), chars: 0 })) }
      set((state) => ({ runs: { ...state.runs, [key]: run } }))
      let prompted = false
      const began = (started: Extract<ChatEvent, { type: 'started' }>): void => {
        const userMessageId = started.userMessageId ?? undefined
        set((state) => {
          const { [currentKey]: live, ...rest } = state.runs
          return live ? { runs: { ...rest, [started.sessionId]: { ...live, sessionId: started.sessionId, userMessageId } } } : state
        })
        currentKey = started.sessionId
        onStarted?.(started.sessionId)
        if (!userMessageId) return
        prompted = true
        // The prompt is stored now: every other model answers the same message, concurrently.
        others.forEach((target, i) => stream(api, keyNow, i + 1, { sessionId: started.sessionId, text: '', replyTo: userMessageId, target }))
      }
      // Without a stored prompt the other models have nothing to answer.
      const ended = (failed: boolean): void => {
        if (!failed || prompted) return
        others.forEach((_, i) => update(keyNow(), i + 1, (column) => ({ ...column, status: 'cancelled' })))
      }
      stream(api, keyNow, 0, { ...input, target: first }, began, ended)
    },
    stop: (key) => get().runs[key]?.columns.forEach((column) => column.status === 'streaming' && column.cancel?.()),
    close: (key) =>
      set((state) => {
        const { [key]: _gone, ...rest } = state.runs
        return { runs: rest }
      }),
  }
})

/** Whether any column of a run is still being written. */
export const compareStreaming = (run: CompareRun | undefined): boolean => run?.columns.some((c) => c.status === 'streaming' || c.status === 'waiting') ?? false
