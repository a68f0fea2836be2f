import { describe, expect, it, vi } from 'vitest'
import { AppError } from '../errors/app-error'
import { StreamingMessageWriter, type StreamingSink, type StreamTimers } from './streaming-writer'
import type { Message } from './types'

function manualTimers() {
  const scheduled = new Map<number, { fn: () => void; ms: number }>()
  let next = 1
  const timers: StreamTimers = {
    setTimeout: (fn, ms) => {
      scheduled.set(next, { fn, ms })
      return next++
    },
    clearTimeout: (handle) => void scheduled.delete(handle as number),
  }
  return {
    timers,
    scheduled,
    fire() {
      const due = [...scheduled.values()]
      scheduled.clear()
      for (const timer of due) timer.fn()
    },
  }
}

/** Records every write; `failNext` makes the next call reject once. */
function recordingSink() {
  const writes: string[] = []
  let failures = 0
  const maybeFail = () => {
    if (failures > 0) {
      failures--
      throw new AppError('E_IO', 'disk full', { retryable: true })
    }
  }
  const sink: StreamingSink = {
    appendStreamingText: vi.fn(async (_id: string, text: string, reasoning?: string) => {
      maybeFail()
      writes.push(`append:${text}${reasoning ? `|${reasoning}` : ''}`)
    }),
    completeStreamingMessage: vi.fn(async (_id: string, tail: { text?: string; reasoning?: string }, final?: unknown) => {
      maybeFail()
      writes.push(`complete:${tail.text ?? ''}${tail.reasoning ? `|${tail.reasoning}` : ''}:${JSON.stringify(final ?? {})}`)
      return { id: 'm1', status: 'complete' } as Message
    }),
    failStreamingMessage: vi.fn(async (_id: string, tail: { text?: string }, error: string) => {
      maybeFail()
      writes.push(`fail:${tail.text ?? ''}:${error}`)
      return { id: 'm1', status: 'error' } as Message
    }),
  }
  return { sink, writes, failNext: (n = 1) => void (failures += n) }
}

const message = { id: 'm1' } as Message
const settle = () => new Promise((resolve) => setImmediate(resolve))

describe('StreamingMessageWriter', () => {
  it('batches deltas and writes them when the interval fires', async () => {
    const clock = manualTimers()
    const { sink, writes } = recordingSink()
    const writer = new StreamingMessageWriter(message, sink, { timers: clock.timers, flushIntervalMs: 250 })
    writer.append('Hel')
    writer.append('lo', 'think')
    writer.append(' world')
    expect([...clock.scheduled.values()].map((t) => t.ms)).toEqual([250]) // one timer for the batch
    expect(writes).toEqual([])
    expect(writer.buffered).toBe(16)
    clock.fire()
    await settle()
    expect(writes).toEqual(['append:Hello world|think'])
    expect(writer.buffered).toBe(0)
    expect(writer.id).toBe('m1')
  })

  it('writes at once when enough characters are waiting', async () => {
    const clock = manualTimers()
    const { sink, writes } = recordingSink()
    const writer = new StreamingMessageWriter(message, sink, { timers: clock.timers, flushChars: 10 })
    writer.append('12345')
    writer.append('678901')
    await settle()
    expect(writes).toEqual(['append:12345678901'])
    expect(clock.scheduled.size).toBe(0)
    await writer.flush() // nothing buffered: no write
    expect(writes).toHaveLength(1)
  })

  it('keeps text that failed to save and writes it first, in order, next time', async () => {
    const clock = manualTimers()
    const { sink, writes, failNext } = recordingSink()
    const errors: AppError[] = []
    const writer = new StreamingMessageWriter(message, sink, { timers: clock.timers, onFlushError: (e) => errors.push(e) })
    failNext()
    writer.append('first ')
    clock.fire()
    writer.append('second ')
    await settle()
    expect(errors.map((e) => e.code)).toEqual(['E_IO'])
    expect(writes).toEqual([])
    await writer.flush()
    expect(writes).toEqual(['append:first second '])
  })

  it('rejects flush() for a caller who waits on it, without losing the text', async () => {
    const { sink, writes, failNext } = recordingSink()
    const writer = new StreamingMessageWriter(message, sink, { timers: manualTimers().timers })
    writer.append('abc')
    failNext()
    await expect(writer.flush()).rejects.toThrow('disk full')
    expect(writer.buffered).toBe(3)
    await writer.flush()
    expect(writes).toEqual(['append:abc'])
  })

  it('complete() writes the tail with the final usage once; later appends are refused', async () => {
    const clock = manualTimers()
    const { sink, writes } = recordingSink()
    const writer = new StreamingMessageWriter(message, sink, { timers: clock.timers })
    writer.append('a')
    await writer.flush()
    writer.append('b', 'r')
    const done = await writer.complete({ usage: { outputTokens: 2 } })
    expect(done.status).toBe('complete')
    expect(writes).toEqual(['append:a', 'complete:b|r:{"usage":{"outputTokens":2}}'])
    expect(clock.scheduled.size).toBe(0)
    expect(() => writer.append('c')).toThrow(/already finished/)
    await expect(writer.complete()).rejects.toThrow(/already finished/)
    await expect(writer.fail('x')).rejects.toThrow(/already finished/)
  })

  it('a complete() that fails can be retried and still carries all the text', async () => {
    const { sink, writes, failNext } = recordingSink()
    const writer = new StreamingMessageWriter(message, sink, { timers: manualTimers().timers })
    writer.append('tail')
    failNext()
    await expect(writer.complete()).rejects.toThrow('disk full')
    writer.append(' more')
    await writer.complete()
    expect(writes).toEqual(['complete:tail more:{}'])
  })

  it('fail() keeps what arrived and records why', async () => {
    const { sink, writes } = recordingSink()
    const writer = new StreamingMessageWriter(message, sink)
    writer.append('partial')
    expect((await writer.fail('timeout')).status).toBe('error')
    expect(writes).toEqual(['fail:partial:timeout'])
  })

  it('uses real timers by default', async () => {
    const { sink, writes } = recordingSink()
    const writer = new StreamingMessageWriter(message, sink, { flushIntervalMs: 5 })
    writer.append('tick')
    await vi.waitFor(() => expect(writes).toEqual(['append:tick']))
    writer.append('cancelled')
    await writer.complete()
    expect(writes).toEqual(['append:tick', 'complete:cancelled:{}'])
  })
})
