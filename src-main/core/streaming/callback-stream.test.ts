import { describe, expect, it } from 'vitest'
import { streamCallbacks } from './callback-stream'

async function drain<E, R>(stream: AsyncGenerator<E, R, void>): Promise<{ events: E[]; result: R }> {
  const events: E[] = []
  for (;;) {
    const step = await stream.next()
    if (step.done) return { events, result: step.value }
    events.push(step.value)
  }
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 1))

describe('streamCallbacks', () => {
  it('yields every report in order, those sent before the first read too, then returns the result', async () => {
    const stream = streamCallbacks<number, string>(async (emit) => {
      emit(1)
      emit(2)
      await tick()
      emit(3)
      await tick()
      return 'done'
    })
    expect(await drain(stream)).toEqual({ events: [1, 2, 3], result: 'done' })
  })

  it('throws the job’s error only after the reports that came before it', async () => {
    const stream = streamCallbacks<string, never>(async (emit) => {
      emit('started')
      await tick()
      throw new Error('disk full')
    })
    expect(await stream.next()).toEqual({ done: false, value: 'started' })
    await expect(stream.next()).rejects.toThrow('disk full')
  })

  it('a job that fails before reporting anything fails the stream, with no unhandled rejection', async () => {
    const stream = streamCallbacks<string, never>(() => Promise.reject(new Error('refused')))
    await tick()
    await expect(drain(stream)).rejects.toThrow('refused')
  })
})
