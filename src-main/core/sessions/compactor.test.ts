import { afterEach, describe, expect, it } from 'vitest'
import { AppError, NetworkError } from '../errors/app-error'
import { compactSession, type CompactionInfo, type Summarizer } from './compactor'
import { SessionStore } from './store'
import { useTempDirs } from './testdata/helpers'
import type { Message } from './types'

const bootstrap = new URL('./testdata/worker-bootstrap.mjs', import.meta.url)
const workerEntry = new URL('./worker-entry.ts', import.meta.url).href

/** Stands in for a model: summarises by listing the first word of every message it is given. */
class FakeSummarizer implements Summarizer {
  readonly calls: Message[][] = []
  async summarize(messages: Message[]) {
    this.calls.push(messages)
    return { text: `Summary of ${messages.map((m) => m.text.split(' ')[0]).join(', ')}`, provider: 'fake', model: 'fake-summarizer' }
  }
}

/** A summarizer that answers only when told to (or never), and reports whether it saw the abort. */
function stalled(listen: boolean): Summarizer & { started: Promise<void>; sawAbort: boolean } {
  let started = () => {}
  const fake = {
    started: new Promise<void>((resolve) => (started = resolve)),
    sawAbort: false,
    summarize(_messages: Message[], { signal }: { signal: AbortSignal }) {
      started()
      return new Promise<{ text: string }>((_, reject) => {
        signal.addEventListener('abort', () => {
          fake.sawAbort = true
          if (listen) reject(Object.assign(new Error('aborted'), { name: 'AbortError' }))
        })
      })
    },
  }
  return fake
}

const signal = () => new AbortController().signal

describe('compactSession', () => {
  const tempDir = useTempDirs()
  const stores: SessionStore[] = []
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close()
  })

  /** A store with one session of `count` messages, 100 estimated tokens each. */
  async function longChat(count: number, options: { worker?: boolean } = {}) {
    const store = await SessionStore.open({ dataDir: tempDir(), ...(options.worker ? { worker: { entry: bootstrap, workerData: { tsEntry: workerEntry } } } : {}) })
    stores.push(store)
    const session = await store.createSession({ title: 'Long' })
    for (let i = 0; i < count; i++) await store.appendMessage(session.id, { role: i % 2 ? 'assistant' : 'user', text: `m${i} `.padEnd(400, '.') })
    const snapshot = async () => ({ messages: (await store.getMessages(session.id, { limit: 1000 })).messages, compactions: await store.listCompactions(session.id) })
    return { store, id: session.id, snapshot }
  }

  it('does nothing below the threshold, and compacts at it', async () => {
    const { store, id, snapshot } = await longChat(12) // 1200 tokens
    const summarizer = new FakeSummarizer()
    const seen: CompactionInfo[] = []
    const options = { summarizer, keepRecent: 4, signal: signal(), beforeCompact: (info: CompactionInfo) => void seen.push(info) }
    const before = await snapshot()
    expect(await compactSession(store, id, { ...options, contextWindow: 2000 })).toEqual({ compacted: false, reason: 'below-threshold', tokens: 1200 })
    expect(summarizer.calls).toEqual([])
    expect(await snapshot()).toEqual(before)

    const result = await compactSession(store, id, { ...options, contextWindow: 1500 })
    expect(result).toEqual({ compacted: true, summaryMessageId: expect.any(String), messagesSummarized: 8, tokensBefore: 1200, tokensAfter: expect.any(Number) })
    expect(seen).toEqual([{ sessionId: id, trigger: 'auto', uptoMessageId: before.messages[7]!.id, messages: 8, tokensBefore: 1200, contextWindow: 1500 }])
    expect(summarizer.calls[0]!.map((m) => m.id)).toEqual(before.messages.slice(0, 8).map((m) => m.id))
    const context = await store.contextMessages(id)
    expect(context[0]).toMatchObject({ id: result.compacted && result.summaryMessageId, role: 'system', text: 'Summary of m0, m1, m2, m3, m4, m5, m6, m7', provider: 'fake', model: 'fake-summarizer' })
    expect(context.slice(1)).toEqual(before.messages.slice(8))
    expect(result.compacted && result.tokensAfter).toBe(11 + 400)
    expect((await snapshot()).messages.filter((m) => m.role !== 'system')).toEqual(before.messages)
  })

  it('compacts on demand (force), summarising the previous summary again, until nothing is left', async () => {
    const { store, id } = await longChat(6)
    const summarizer = new FakeSummarizer()
    const manual = { summarizer, contextWindow: 100_000, keepRecent: 2, force: true, signal: signal() }
    const seen: CompactionInfo[] = []
    const first = await compactSession(store, id, { ...manual, beforeCompact: async (info) => void seen.push(info) })
    expect(first).toMatchObject({ compacted: true, messagesSummarized: 4 })
    expect(seen[0]).toMatchObject({ trigger: 'manual' })
    await store.appendMessage(id, { role: 'user', text: 'm6 and more' })
    const second = await compactSession(store, id, manual)
    expect(second).toMatchObject({ compacted: true, messagesSummarized: 2 })
    expect(summarizer.calls[1]!.map((m) => m.text)).toEqual(['Summary of m0, m1, m2, m3', expect.stringMatching(/^m4 /)])
    const context = await store.contextMessages(id)
    expect(context.map((m) => m.text)).toEqual(['Summary of Summary, m4', expect.stringMatching(/^m5 /), 'm6 and more'])
    expect(context[0]!.id).toBe(second.compacted && second.summaryMessageId)
    expect(await store.listCompactions(id)).toHaveLength(2)

    expect(await compactSession(store, id, { ...manual, keepRecent: 2 })).toMatchObject({ compacted: false, reason: 'nothing-to-compact' })
    // Over the threshold, but everything is among the messages kept word for word.
    expect(await compactSession(store, id, { summarizer, contextWindow: 100, keepRecent: 20, signal: signal() })).toMatchObject({ compacted: false, reason: 'nothing-to-compact' })
    expect(summarizer.calls).toHaveLength(2)
  })

  it('leaves the store untouched when the summarizer fails or writes nothing', async () => {
    const { store, id, snapshot } = await longChat(10)
    const before = await snapshot()
    const run = (summarize: Summarizer['summarize']) => compactSession(store, id, { summarizer: { summarize }, contextWindow: 500, signal: signal() })

    await expect(run(async () => Promise.reject(new NetworkError('Ollama is not answering.', { hint: 'Start Ollama.' })))).rejects.toMatchObject({
      code: 'E_NETWORK', message: 'Ollama is not answering.', hint: 'Start Ollama.',
    })
    await expect(run(async () => Promise.reject(new AppError('E_UNSUPPORTED', 'This model cannot summarise.')))).rejects.toMatchObject({ code: 'E_UNSUPPORTED' })
    await expect(run(async () => Promise.reject(new TypeError('boom')))).rejects.toMatchObject({
      code: 'E_INTERNAL', message: 'The model could not write a summary of this conversation.', hint: expect.stringContaining('Your messages are unchanged.'),
    })
    await expect(run(() => { throw new Error('sync boom') })).rejects.toMatchObject({ code: 'E_INTERNAL' })
    for (const text of ['', '  \n\t ']) {
      await expect(run(async () => ({ text }))).rejects.toMatchObject({ code: 'E_INTERNAL', message: 'The model returned an empty summary, so nothing was compacted.' })
    }
    await expect(run(async () => undefined as never)).rejects.toMatchObject({ message: expect.stringMatching(/empty summary/) })
    await expect(
      compactSession(store, id, { summarizer: new FakeSummarizer(), contextWindow: 500, signal: signal(), beforeCompact: () => Promise.reject(new AppError('E_FORBIDDEN', 'A hook said no.')) }),
    ).rejects.toMatchObject({ code: 'E_FORBIDDEN' })
    expect(await snapshot()).toEqual(before)
  })

  it('honours the abort signal before, during and after the summary', async () => {
    const { store, id, snapshot } = await longChat(10)
    const before = await snapshot()
    const aborted = AbortSignal.abort()
    const summarizer = new FakeSummarizer()
    await expect(compactSession(store, id, { summarizer, contextWindow: 500, signal: aborted })).rejects.toMatchObject({ code: 'E_CANCELLED' })

    for (const listens of [true, false]) {
      const controller = new AbortController()
      const slow = stalled(listens)
      const running = compactSession(store, id, { summarizer: slow, contextWindow: 500, signal: controller.signal })
      await slow.started
      controller.abort()
      await expect(running).rejects.toMatchObject({ code: 'E_CANCELLED', message: expect.stringContaining('unchanged') })
      expect(slow.sawAbort).toBe(true)
    }

    const late = new AbortController()
    const abortsAtTheEnd: Summarizer = {
      async summarize() {
        late.abort()
        return { text: 'too late' }
      },
    }
    await expect(compactSession(store, id, { summarizer: abortsAtTheEnd, contextWindow: 500, signal: late.signal })).rejects.toMatchObject({ code: 'E_CANCELLED' })
    const hookAborts = new AbortController()
    await expect(
      compactSession(store, id, { summarizer, contextWindow: 500, signal: hookAborts.signal, beforeCompact: () => hookAborts.abort() }),
    ).rejects.toMatchObject({ code: 'E_CANCELLED' })
    expect(summarizer.calls).toEqual([])
    expect(await snapshot()).toEqual(before)
  })

  it('compacts the branch it is given', async () => {
    const { store, id, snapshot } = await longChat(10)
    const { messages } = await snapshot()
    const fork = await store.appendMessage(id, { role: 'user', text: 'a different turn', parentId: messages[5]!.id })
    const summarizer = new FakeSummarizer()
    const result = await compactSession(store, id, { summarizer, contextWindow: 100, keepRecent: 2, leafId: messages[9]!.id, signal: signal() })
    expect(result).toMatchObject({ compacted: true, messagesSummarized: 8, tokensBefore: 1000 })
    expect((await store.contextMessages(id, messages[9]!.id)).map((m) => m.id).slice(1)).toEqual([messages[8]!.id, messages[9]!.id])
    // The fork left the branch at m5, before what the summary covers (up to m7): it keeps its own history.
    expect((await store.contextMessages(id)).map((m) => m.id)).toEqual([...messages.slice(0, 6).map((m) => m.id), fork.id])
    expect(await compactSession(store, id, { summarizer, contextWindow: 100_000, leafId: messages[9]!.id, signal: signal() })).toMatchObject({ reason: 'below-threshold' })
  })

  it('works across the worker boundary', async () => {
    const { store, id } = await longChat(10, { worker: true })
    const result = await compactSession(store, id, { summarizer: new FakeSummarizer(), contextWindow: 1000, signal: signal() })
    expect(result).toMatchObject({ compacted: true, messagesSummarized: 2, tokensBefore: 1000 })
    expect((await store.contextMessages(id))[0]).toMatchObject({ role: 'system', text: 'Summary of m0, m1' })
    expect((await store.planCompaction(id, { contextWindow: 1000 }))).toBeNull()
    await expect(store.recordCompaction(id, { uptoMessageId: 'nope', summary: 'x', tokensBefore: 1 })).rejects.toMatchObject({ code: 'E_NOT_FOUND' })
  })
})
