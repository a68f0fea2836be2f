import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { ApiClient, RendererLogLine, Result } from '../../../src-shared/contract'
import { installLogForwarding } from './log-forwarding'

type Answer = Result<unknown> | 'throw' | 'reject'

/** An api whose log.write records each batch and answers as told. */
function recordingApi(answer: () => Answer = () => ({ ok: true, value: {} })) {
  const batches: RendererLogLine[][] = []
  const api: Pick<ApiClient, 'call'> = {
    call: ((route: string, input: { lines: RendererLogLine[] }) => {
      if (route !== 'log.write') throw new Error(`unexpected ${route}`)
      batches.push(input.lines)
      const result = answer()
      if (result === 'throw') throw new Error('transport gone')
      if (result === 'reject') return Promise.reject(new Error('socket closed'))
      return Promise.resolve(result)
    }) as ApiClient['call'],
  }
  return { api, batches }
}

function fakeConsole() {
  const shown: unknown[][] = []
  return { shown, console: { error: (...args: unknown[]) => void shown.push(args), warn: (...args: unknown[]) => void shown.push(args) } }
}

let undo: (() => void) | undefined
beforeEach(() => vi.useFakeTimers())
afterEach(() => {
  undo?.()
  undo = undefined
  vi.useRealTimers()
})

describe('installLogForwarding', () => {
  it('forwards console.warn/error in one batch after the wait, still showing them in the console', async () => {
    const { api, batches } = recordingApi()
    const page = fakeConsole()
    undo = installLogForwarding(api, new EventTarget(), { console: page.console, flushMs: 500 })
    page.console.warn('slow render', { ms: 120 })
    page.console.error(new Error('boom'))
    expect(batches).toEqual([])
    await vi.advanceTimersByTimeAsync(500)
    expect(batches).toHaveLength(1)
    expect(batches[0]![0]).toEqual({ level: 'warn', source: 'console', message: 'slow render {"ms":120}' })
    expect(batches[0]![1]).toMatchObject({ level: 'error', source: 'console' })
    expect(batches[0]![1]!.message).toContain('Error: boom')
    expect(page.shown).toHaveLength(2)
  })

  it('forwards uncaught errors with where they happened, and unhandled rejections; ignores failed resource loads', async () => {
    const { api, batches } = recordingApi()
    const target = new EventTarget()
    undo = installLogForwarding(api, target, { console: fakeConsole().console, flushMs: 10 })
    target.dispatchEvent(Object.assign(new Event('error'), { message: 'x is not defined', filename: 'app.js', lineno: 3, colno: 7, error: undefined }))
    target.dispatchEvent(Object.assign(new Event('error'), { message: 'wrapped', error: new TypeError('bad type') }))
    target.dispatchEvent(new Event('error'))
    target.dispatchEvent(Object.assign(new Event('unhandledrejection'), { reason: 'nobody caught me' }))
    await vi.advanceTimersByTimeAsync(10)
    expect(batches[0]).toEqual([
      { level: 'error', source: 'error', message: 'x is not defined', context: { file: 'app.js', line: 3, column: 7 } },
      expect.objectContaining({ level: 'error', source: 'error', message: expect.stringContaining('TypeError: bad type') }),
      { level: 'error', source: 'rejection', message: 'Unhandled rejection: nobody caught me' },
    ])
  })

  it('sends at most a full batch at once and the rest right after', async () => {
    const { api, batches } = recordingApi()
    const page = fakeConsole()
    undo = installLogForwarding(api, new EventTarget(), { console: page.console, flushMs: 10_000 })
    for (let n = 0; n < 120; n++) page.console.error(`e${n}`)
    for (let tick = 0; tick < 5; tick++) await vi.advanceTimersByTimeAsync(1)
    expect(batches.map((b) => b.length)).toEqual([50, 50])
    await vi.advanceTimersByTimeAsync(10_000)
    expect(batches.map((b) => b.length)).toEqual([50, 50, 20])
  })

  it('never forwards what is logged while it sends, and rests after a failed send instead of looping', async () => {
    const page = fakeConsole()
    let answer: Answer = 'throw'
    const batches: RendererLogLine[][] = []
    const api: Pick<ApiClient, 'call'> = {
      call: ((_route: string, input: { lines: RendererLogLine[] }) => {
        batches.push(input.lines)
        page.console.error('transport: send failed') // what a transport might log while sending
        if (answer === 'throw') throw new Error('gone')
        if (answer === 'reject') return Promise.reject(new Error('closed'))
        return Promise.resolve(answer)
      }) as ApiClient['call'],
    }
    undo = installLogForwarding(api, new EventTarget(), { console: page.console, flushMs: 10, backoffMs: 1000 })
    page.console.error('first')
    await vi.advanceTimersByTimeAsync(10)
    expect(batches).toHaveLength(1)
    page.console.error('second')
    await vi.advanceTimersByTimeAsync(500)
    expect(batches).toHaveLength(1) // resting
    answer = 'reject'
    await vi.advanceTimersByTimeAsync(600)
    expect(batches).toHaveLength(2)
    expect(batches[1]!.map((l) => l.message)).toEqual(['second'])
    answer = { ok: false, error: { code: 'E_VALIDATION', message: 'no', retryable: false } }
    page.console.error('third')
    await vi.advanceTimersByTimeAsync(1100)
    expect(batches).toHaveLength(3)
    answer = { ok: true, value: {} }
    page.console.error('fourth')
    await vi.advanceTimersByTimeAsync(1100)
    expect(batches.map((b) => b.map((l) => l.message))).toEqual([['first'], ['second'], ['third'], ['fourth']])
  })

  it('keeps the newest lines when the queue is full and says how many were dropped', async () => {
    const { api, batches } = recordingApi()
    const page = fakeConsole()
    undo = installLogForwarding(api, new EventTarget(), { console: page.console, flushMs: 10, maxQueue: 3 })
    for (const text of ['a', 'b', 'c', 'd', 'e']) page.console.warn(text)
    await vi.advanceTimersByTimeAsync(10)
    expect(batches[0]!.map((l) => l.message)).toEqual(['2 renderer log lines were dropped while the queue was full', 'c', 'd', 'e'])
  })

  it('sends what is waiting when the page hides, cuts huge messages, survives odd arguments, and undoes itself', async () => {
    const { api, batches } = recordingApi()
    const page = fakeConsole()
    const original = page.console.error
    const target = new EventTarget()
    undo = installLogForwarding(api, target, { console: page.console, flushMs: 60_000 })
    const circular: Record<string, unknown> = {}
    circular.self = circular
    page.console.error('x'.repeat(10_000), circular, { toJSON: () => undefined })
    const hostile = { toString: () => { throw new Error('no') }, toJSON: () => { throw new Error('no') } }
    expect(() => page.console.error(hostile)).not.toThrow()
    target.dispatchEvent(new Event('pagehide'))
    await vi.advanceTimersByTimeAsync(0)
    expect(batches).toHaveLength(1)
    expect(batches[0]![0]!.message.length).toBe(8000)
    undo()
    undo = undefined
    expect(page.console.error).toBe(original)
    page.console.error('after undo')
    target.dispatchEvent(new Event('pagehide'))
    await vi.advanceTimersByTimeAsync(60_000)
    expect(batches).toHaveLength(1)
  })
})
