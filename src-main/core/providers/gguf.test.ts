/**
 * No GGUF model file can be downloaded on the build machines (and node-llama-cpp is not
 * installed), so the engine call itself is tested with a double: FakeEngine below implements the
 * slice of node-llama-cpp that gguf.ts uses and says plainly that it is fake. The file checks run
 * against real files in a temp folder.
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { ProviderConfigSchema } from '../../../src-shared/contract'
import { makeTempDir, removeTempDirs } from '../../../test/support/tmp'
import { AppError, ValidationError } from '../errors'
import { createGgufProvider, GgufProvider, toGgufTurns, type GgufContextSequence, type GgufEngineModule, type GgufHistoryItem, type GgufPromptOptions, type GgufUsage } from './gguf'
import type { ChatChunk, ChatRequest } from './types'

afterEach(() => removeTempDirs())

interface EngineLog {
  getLlama: number
  loadModel: string[]
  contexts: number
  disposed: number
  histories: GgufHistoryItem[][]
  prompts: string[]
  signals: AbortSignal[]
}

/** A stand-in for node-llama-cpp: streams the given pieces through onTextChunk, honours the signal, counts everything. */
function fakeEngine(pieces: string[], options: { delayMs?: number; meter?: boolean; tokenize?: boolean; failAfter?: number } = {}): { module: GgufEngineModule; log: EngineLog } {
  const log: EngineLog = { getLlama: 0, loadModel: [], contexts: 0, disposed: 0, histories: [], prompts: [], signals: [] }
  class FakeSession {
    private readonly sequence: { tokenMeter?: { usedInputTokens: number; usedOutputTokens: number } }
    constructor({ contextSequence }: { contextSequence: GgufContextSequence }) {
      this.sequence = contextSequence as typeof this.sequence
    }
    setChatHistory(history: GgufHistoryItem[]) {
      log.histories.push(history)
    }
    async prompt(text: string, opts: GgufPromptOptions = {}): Promise<string> {
      log.prompts.push(text)
      if (opts.signal) log.signals.push(opts.signal)
      let out = ''
      for (const [index, piece] of pieces.entries()) {
        if (options.failAfter === index) throw new Error('ggml_new_object: not enough space in the context memory pool')
        if (opts.signal?.aborted) throw Object.assign(new Error('aborted'), { name: 'AbortError' })
        await new Promise((resolve) => setTimeout(resolve, options.delayMs ?? 0))
        if (opts.signal?.aborted) throw Object.assign(new Error('aborted'), { name: 'AbortError' })
        opts.onTextChunk?.(piece)
        out += piece
        if (this.sequence.tokenMeter) {
          this.sequence.tokenMeter.usedOutputTokens += 1
        }
      }
      return out
    }
  }
  const module: GgufEngineModule = {
    async getLlama() {
      log.getLlama++
      return {
        async loadModel({ modelPath }: { modelPath: string }) {
          log.loadModel.push(modelPath)
          return {
            async createContext() {
              log.contexts++
              const sequence = options.meter ? { tokenMeter: { usedInputTokens: 17, usedOutputTokens: 0 } } : {}
              return {
                getSequence: () => sequence,
                async dispose() {
                  log.disposed++
                },
              }
            },
            ...(options.tokenize ? { tokenize: (t: string) => t.split(/\s+/).filter(Boolean) } : {}),
          }
        },
      }
    },
    LlamaChatSession: FakeSession,
  }
  return { module, log }
}

function ggufFile(name = 'tiny-q4.gguf', content: Buffer = Buffer.concat([Buffer.from('GGUF'), Buffer.from([3, 0, 0, 0])])): string {
  const file = path.join(makeTempDir(), name)
  fs.writeFileSync(file, content)
  return file
}

function provider(modelPath: string | undefined, engine: () => Promise<GgufEngineModule>) {
  const config = ProviderConfigSchema.parse({ id: 'local', kind: 'gguf', name: 'Tiny', ...(modelPath === undefined ? {} : { modelPath }) })
  return new GgufProvider({ config, fetch: globalThis.fetch }, { loadEngine: engine })
}

const ask = (text = 'Hi'): ChatRequest => ({ model: 'tiny', messages: [{ role: 'user', content: text }] })

async function collect(chunks: AsyncIterable<ChatChunk>): Promise<ChatChunk[]> {
  const out: ChatChunk[] = []
  for await (const chunk of chunks) out.push(chunk)
  return out
}

async function failure(run: () => Promise<unknown>): Promise<AppError> {
  try {
    await run()
  } catch (error) {
    expect(error).toBeInstanceOf(AppError)
    return error as AppError
  }
  throw new Error('expected a failure')
}

const missingPackage = () => Promise.reject(Object.assign(new Error("Cannot find package 'node-llama-cpp' imported from gguf.ts"), { code: 'ERR_MODULE_NOT_FOUND' }))

describe('GGUF provider without node-llama-cpp', () => {
  it('answers E_UNSUPPORTED with how to install it', async () => {
    const gguf = provider(ggufFile(), missingPackage)
    const error = await failure(() => collect(gguf.chat(ask(), new AbortController().signal)))
    expect(error.code).toBe('E_UNSUPPORTED')
    expect(error.message).toMatch(/Local GGUF files need node-llama-cpp/)
    expect(error.hint).toMatch(/npm install node-llama-cpp/)
    expect((await gguf.probe()).error?.code).toBe('E_UNSUPPORTED')
  })

  it('the real dynamic import fails the same way here, where the package is not installed', async () => {
    const config = ProviderConfigSchema.parse({ id: 'local', kind: 'gguf', name: 'Tiny', modelPath: ggufFile() })
    const result = await createGgufProvider({ config, fetch: globalThis.fetch }).probe()
    expect(result.ok).toBe(false)
    expect(result.error?.code).toBe('E_UNSUPPORTED')
  })
})

describe('GGUF file checks', () => {
  it.each([
    ['no file chosen', () => undefined, /No GGUF model file is chosen/],
    ['a missing file', () => path.join(makeTempDir(), 'gone.gguf'), /gone\.gguf does not exist/],
    ['a folder', () => makeTempDir(), /is not a file/],
    ['a file with the wrong magic', () => ggufFile('old.bin', Buffer.from('GGML\x01\x00')), /old\.bin is not a GGUF model file/],
    ['an empty file', () => ggufFile('empty.gguf', Buffer.alloc(0)), /empty\.gguf is not a GGUF model file/],
    ['a text file', () => ggufFile('notes.gguf', Buffer.from('hello world')), /notes\.gguf is not a GGUF model file/],
  ])('%s → ValidationError naming it', async (_label, file, message) => {
    const { module, log } = fakeEngine(['x'])
    const gguf = provider(file(), () => Promise.resolve(module))
    const error = await failure(() => collect(gguf.chat(ask(), new AbortController().signal)))
    expect(error).toBeInstanceOf(ValidationError)
    expect(error.message).toMatch(message)
    expect(error.hint).toBeTruthy()
    expect(log.loadModel).toEqual([])
    expect((await gguf.probe()).error?.code).toBe('E_VALIDATION')
  })
})

describe('GGUF provider with an engine double', () => {
  it('streams text through onTextChunk in order, then usage from the token meter and done', async () => {
    const file = ggufFile()
    const { module, log } = fakeEngine(['Hel', 'lo', '!'], { meter: true })
    const chunks = await collect(provider(file, () => Promise.resolve(module)).chat(ask('Say hello'), new AbortController().signal))
    expect(chunks).toEqual([
      { type: 'text', text: 'Hel' },
      { type: 'text', text: 'lo' },
      { type: 'text', text: '!' },
      { type: 'usage', usage: { inputTokens: 17, outputTokens: 3 } },
      { type: 'done', finishReason: 'stop' },
    ])
    expect(log.loadModel).toEqual([file])
    expect(log.prompts).toEqual(['Say hello'])
  })

  it('loads the model once and keeps it; each request gets its own context, disposed after', async () => {
    const { module, log } = fakeEngine(['ok'])
    const gguf = provider(ggufFile(), () => Promise.resolve(module))
    await Promise.all([collect(gguf.chat(ask(), new AbortController().signal)), collect(gguf.chat(ask(), new AbortController().signal))])
    await collect(gguf.chat(ask(), new AbortController().signal))
    expect(log.getLlama).toBe(1)
    expect(log.loadModel).toHaveLength(1)
    expect(log.contexts).toBe(3)
    expect(log.disposed).toBe(3)
  })

  it('passes earlier turns as chat history and the last user message as the prompt', async () => {
    const { module, log } = fakeEngine(['fine'])
    const request: ChatRequest = {
      model: 'tiny',
      messages: [
        { role: 'system', content: 'Be kind.' },
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Hello!' },
        { role: 'user', content: 'How are you?' },
      ],
    }
    await collect(provider(ggufFile(), () => Promise.resolve(module)).chat(request, new AbortController().signal))
    expect(log.histories).toEqual([
      [
        { type: 'system', text: 'Be kind.' },
        { type: 'user', text: 'Hi' },
        { type: 'model', response: ['Hello!'] },
      ],
    ])
    expect(log.prompts).toEqual(['How are you?'])
  })

  it('stopping mid-reply → E_CANCELLED, the engine’s signal fires and the context is freed', async () => {
    const { module, log } = fakeEngine(['a', 'b', 'c', 'd', 'e'], { delayMs: 20 })
    const controller = new AbortController()
    const seen: ChatChunk[] = []
    const error = await failure(async () => {
      for await (const chunk of provider(ggufFile(), () => Promise.resolve(module)).chat(ask(), controller.signal)) {
        seen.push(chunk)
        if (seen.length === 2) controller.abort()
      }
    })
    expect(error.code).toBe('E_CANCELLED')
    expect(seen).toEqual([
      { type: 'text', text: 'a' },
      { type: 'text', text: 'b' },
    ])
    expect(log.signals[0]!.aborted).toBe(true)
    expect(log.disposed).toBe(1)
  })

  it('a reader that stops early also stops the engine', async () => {
    const { module, log } = fakeEngine(['a', 'b', 'c'], { delayMs: 10 })
    for await (const chunk of provider(ggufFile(), () => Promise.resolve(module)).chat(ask(), new AbortController().signal)) {
      expect(chunk).toEqual({ type: 'text', text: 'a' })
      break
    }
    expect(log.signals[0]!.aborted).toBe(true)
    expect(log.disposed).toBe(1)
  })

  it('counts tokens with the model’s tokenizer when there is no meter, else estimates and says so', async () => {
    const counted = fakeEngine(['two words'], { tokenize: true })
    const withTokenizer = await collect(provider(ggufFile(), () => Promise.resolve(counted.module)).chat(ask('one two three'), new AbortController().signal))
    expect(withTokenizer.find((c) => c.type === 'usage')).toEqual({ type: 'usage', usage: { inputTokens: 3, outputTokens: 2 } })
    const plain = fakeEngine(['12345678'])
    const estimated = await collect(provider(ggufFile(), () => Promise.resolve(plain.module)).chat(ask('abcd'), new AbortController().signal))
    const usage = estimated.find((c) => c.type === 'usage') as { usage: GgufUsage }
    expect(usage.usage).toEqual({ inputTokens: 1, outputTokens: 2, estimated: true })
  })

  it('an engine failure mid-reply → E_PROVIDER_SERVER after the text that came', async () => {
    const { module } = fakeEngine(['a', 'b'], { failAfter: 1 })
    const seen: ChatChunk[] = []
    const error = await failure(async () => {
      for await (const chunk of provider(ggufFile(), () => Promise.resolve(module)).chat(ask(), new AbortController().signal)) seen.push(chunk)
    })
    expect(error.code).toBe('E_PROVIDER_SERVER')
    expect(seen).toEqual([{ type: 'text', text: 'a' }])
  })

  it('a failed load is tried again on the next request', async () => {
    const { module, log } = fakeEngine(['ok'])
    let attempts = 0
    const gguf = provider(ggufFile(), () => (++attempts === 1 ? missingPackage() : Promise.resolve(module)))
    expect((await failure(() => collect(gguf.chat(ask(), new AbortController().signal)))).code).toBe('E_UNSUPPORTED')
    expect((await collect(gguf.chat(ask(), new AbortController().signal))).at(-1)).toEqual({ type: 'done', finishReason: 'stop' })
    expect(log.loadModel).toHaveLength(1)
  })

  it('refuses pictures and conversations that do not end with the user', async () => {
    const { module } = fakeEngine(['x'])
    const gguf = provider(ggufFile(), () => Promise.resolve(module))
    const picture: ChatRequest = { model: 'tiny', messages: [{ role: 'user', content: 'What is this?', images: [{ mime: 'image/png', data: 'AAAA' }] }] }
    expect((await failure(() => collect(gguf.chat(picture, new AbortController().signal)))).code).toBe('E_UNSUPPORTED')
    expect(() => toGgufTurns([{ role: 'assistant', content: 'Hi' }])).toThrow(/must end with a user message/)
  })

  it('lists the file as its one free model, and probes ok without loading it', async () => {
    const { module, log } = fakeEngine(['x'])
    const gguf = provider(ggufFile('Qwen2.5-0.5B-Instruct-Q4_K_M.gguf'), () => Promise.resolve(module))
    expect(await gguf.listModels()).toEqual([
      {
        id: 'Qwen2.5-0.5B-Instruct-Q4_K_M',
        name: 'Qwen2.5-0.5B-Instruct-Q4_K_M',
        capabilities: { tools: false, vision: false, reasoning: false, contextWindow: null },
        price: { inputPerMTok: 0, outputPerMTok: 0 },
      },
    ])
    expect((await gguf.probe()).ok).toBe(true)
    expect(log.loadModel).toEqual([])
  })
})
