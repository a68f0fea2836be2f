import { afterEach, describe, expect, it, vi } from 'vitest'
import { closedPort } from '../../../test/support/fake-ollama'
import { startFakeOllamaApi, type FakeOllamaApi, type FakeOllamaApiOptions } from '../../../test/support/fake-ollama-api'
import { makeTempDir, removeTempDirs } from '../../../test/support/tmp'
import type { Machine, PullEvent } from '../../../src-shared/contract'
import { AppError } from '../errors/app-error'
import type { FetchLike } from '../ollama'
import { catalog, freeDiskBytes, mapOllamaError, ModelService, modelsDir, probeMachine, PullProgress, recommend } from '.'

const GB = 1024 ** 3
const servers: FakeOllamaApi[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()))
  removeTempDirs()
})

const machine: Machine = { totalMemory: 16 * GB, freeDisk: 100 * GB, modelsDir: '/m', gpu: 'unknown', note: '' }
/** For requests that must get their answer: the 15 s default is for a user's machine, not a busy test machine. */
const PATIENT_MS = 30_000

async function setup(options: FakeOllamaApiOptions = {}, extra: { timeoutMs?: number } = {}) {
  const server = await startFakeOllamaApi(options)
  servers.push(server)
  const service = new ModelService({ host: () => server.host, machine: async () => machine, timeoutMs: PATIENT_MS, ...extra })
  return { server, service }
}

async function drain(gen: AsyncGenerator<PullEvent, { name: string; status: string }>) {
  const events: PullEvent[] = []
  for (;;) {
    const next = await gen.next()
    if (next.done) return { events, result: next.value }
    events.push(next.value)
  }
}

const failure = async (promise: Promise<unknown>): Promise<AppError> => {
  try {
    await promise
  } catch (error) {
    return error as AppError
  }
  throw new Error('expected a failure')
}

describe('ModelService over the real ollama package', () => {
  it('lists, shows, lists running, unloads and deletes', async () => {
    const { server, service } = await setup({
      models: [
        { name: 'llama3.2:3b', size: 2_019_393_189, modifiedAt: '2025-01-01T00:00:00Z' },
        { name: 'qwen3', size: 5_200_000_000, family: 'qwen3', parameterSize: '8.2B', quantization: 'Q4_K_M', modifiedAt: '2025-06-01T00:00:00Z' },
      ],
      running: ['llama3.2:3b'],
    })
    const list = await service.list()
    expect(list.map((m) => m.name)).toEqual(['qwen3:latest', 'llama3.2:3b'])
    expect(list[0]).toMatchObject({ family: 'qwen3', parameterSize: '8.2B', quantization: 'Q4_K_M', size: 5_200_000_000, modifiedAt: Date.parse('2025-06-01T00:00:00Z') })

    const details = await service.show('llama3.2:3b')
    expect(details).toMatchObject({ name: 'llama3.2:3b', family: 'llama', contextLength: 131072, capabilities: ['completion', 'tools'] })
    expect(details.template).toContain('.System')
    expect(details.license).toMatch(/LICENSE/)
    expect(details.parameters).toMatch(/temperature/)

    expect(await service.running()).toEqual([expect.objectContaining({ name: 'llama3.2:3b', sizeVram: Math.round(2_019_393_189 * 0.8) })])
    expect((await service.running())[0]?.expiresAt).toBeUndefined()
    expect(await service.unload('llama3.2:3b')).toEqual({ name: 'llama3.2:3b', unloaded: true })
    expect(await service.running()).toEqual([])
    expect(server.requests).toContain('POST /api/generate')

    const refused = await failure(service.delete('qwen3', false))
    expect(refused.code).toBe('E_VALIDATION')
    expect(server.models.has('qwen3:latest')).toBe(true)
    expect(await service.delete('qwen3', true)).toEqual({ name: 'qwen3', deleted: true })
    expect(server.models.has('qwen3:latest')).toBe(false)
  })

  it('maps missing models to E_NOT_FOUND with a hint', async () => {
    const { service } = await setup()
    for (const error of [await failure(service.show('nope')), await failure(service.delete('nope', true)), await failure(service.unload('nope'))]) {
      expect(error.code).toBe('E_NOT_FOUND')
      expect(error.message).toContain('"nope"')
      expect(error.hint).toMatch(/models list/)
    }
  })

  it('says Ollama is unreachable, with a hint, and times out on a silent server', async () => {
    const port = await closedPort()
    const service = new ModelService({ host: () => `127.0.0.1:${port}`, machine: async () => machine, timeoutMs: PATIENT_MS })
    const error = await failure(service.list())
    expect(error).toMatchObject({ code: 'E_NETWORK', retryable: true, message: `Ollama is not reachable at http://127.0.0.1:${port}.` })
    expect(error.hint).toMatch(/ollama serve/)

    const silent: FetchLike = (_url, init) => new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal?.reason)))
    const hung = new ModelService({ host: () => '127.0.0.1:1', machine: async () => machine, timeoutMs: 50, fetch: silent })
    const timedOut = await failure(hung.list())
    expect(timedOut).toMatchObject({ code: 'E_TIMEOUT', retryable: true })
  })

  it('pulls with per-layer progress, overall percent and speed', async () => {
    let tick = 0
    const server = await startFakeOllamaApi({ registry: [{ name: 'tiny', layers: [1000, 3000], steps: 2 }] })
    servers.push(server)
    const service = new ModelService({ host: () => server.host, machine: async () => machine, timeoutMs: PATIENT_MS, now: () => (tick += 500) })
    const { events, result } = await drain(service.pull('tiny', new AbortController().signal))
    expect(result).toEqual({ name: 'tiny', status: 'success' })
    expect(events[0]).toEqual({ status: 'pulling manifest' })
    const layer = events.filter((e) => e.digest)
    expect(new Set(layer.map((e) => e.digest)).size).toBe(2)
    expect(layer[0]).toMatchObject({ completed: 0, total: 1000, percent: 0 })
    expect(layer.at(-1)).toMatchObject({ completed: 3000, total: 3000, percent: 100 })
    expect(layer.at(-1)?.bytesPerSecond).toBeGreaterThan(0)
    expect(events.map((e) => e.status).slice(-3)).toEqual(['verifying sha256 digest', 'writing manifest', 'success'])
    expect(events.at(-1)?.percent).toBe(100)
    expect(server.models.has('tiny:latest')).toBe(true)
  })

  it('refuses an unknown model, survives a disconnect, and resumes on the next pull', async () => {
    const { server, service } = await setup({ registry: [{ name: 'big', layers: [4000], steps: 4 }] })
    const missing = await failure(drain(service.pull('nope', new AbortController().signal)))
    expect(missing).toMatchObject({ code: 'E_NOT_FOUND', message: '"nope" was not found in the registry.' })
    expect(missing.hint).toMatch(/ollama.com\/library/)

    server.faults.set('big:latest', { kind: 'disconnect', afterLines: 3 })
    const dropped = await failure(drain(service.pull('big', new AbortController().signal)))
    expect(dropped.code).toBe('E_NETWORK')
    expect(dropped.hint).toMatch(/resumes/)

    const { events } = await drain(service.pull('big', new AbortController().signal))
    const first = events.find((e) => e.digest)
    expect(first?.completed).toBe(1000) // resumed where the dropped pull stopped
    expect(server.models.has('big:latest')).toBe(true)
  })

  it('maps a server error during a pull', async () => {
    const { server, service } = await setup({ registry: [{ name: 'x', layers: [1] }] })
    server.faults.set('x:latest', { kind: 'error', status: 500, error: 'disk full' })
    const error = await failure(drain(service.pull('x', new AbortController().signal)))
    expect(error).toMatchObject({ code: 'E_NETWORK', message: 'Ollama answered with an error: disk full' })
    server.faults.set('x:latest', { kind: 'error', status: 400, error: 'invalid model name' })
    expect((await failure(drain(service.pull('x', new AbortController().signal)))).code).toBe('E_VALIDATION')
  })

  it('cancels one of two concurrent pulls; the other completes', async () => {
    const { server, service } = await setup({
      registry: [
        { name: 'a', layers: [5000], steps: 10, stepMs: 10 },
        { name: 'b', layers: [5000], steps: 10, stepMs: 10 },
      ],
    })
    const cancel = new AbortController()
    const a = service.pull('a', cancel.signal)
    const b = drain(service.pull('b', new AbortController().signal))
    // Cancelled once its download is under way (ten steps are still to come).
    expect((await a.next()).done).toBe(false)
    cancel.abort()
    const cancelled = await failure(drain(a))
    expect(cancelled.code).toBe('E_CANCELLED')
    expect((await b).result).toEqual({ name: 'b', status: 'success' })
    expect(server.models.has('b:latest')).toBe(true)
    expect(server.models.has('a:latest')).toBe(false)
  })

  it('cancels a pull whose server never answers, and one cancelled before it starts', async () => {
    const { server, service } = await setup({ registry: [{ name: 'h', layers: [1] }] })
    server.faults.set('h:latest', { kind: 'hang' })
    const cancel = new AbortController()
    const pending = failure(drain(service.pull('h', cancel.signal)))
    // Cancelled while the server keeps the pull waiting.
    await vi.waitFor(() => expect(server.requests).toContain('POST /api/pull'))
    cancel.abort()
    expect((await pending).code).toBe('E_CANCELLED')
    expect((await failure(drain(service.pull('h', AbortSignal.abort())))).code).toBe('E_CANCELLED')
  })

  it('recommends from the catalog, marking installed models', async () => {
    const { service } = await setup({ models: [{ name: 'llama3.2:3b', size: 1 }] })
    const { machine: m, models } = await service.recommended()
    expect(m.gpu).toBe('unknown')
    expect(models.find((x) => x.name === 'llama3.2:3b')?.installed).toBe(true)
    const port = await closedPort()
    const offline = new ModelService({ host: () => `127.0.0.1:${port}`, machine: async () => machine, timeoutMs: PATIENT_MS })
    expect((await offline.recommended()).models.every((x) => !x.installed)).toBe(true)
  })
})

describe('recommend', () => {
  it('ranks what fits first, biggest first, and explains the rest', () => {
    const small = recommend({ ...machine, totalMemory: 14 * GB }, new Set())
    expect(small[0]?.fit).toBe('good')
    expect(small.filter((m) => m.fit === 'good').every((m) => m.ram <= 14 * GB)).toBe(true)
    expect(small.at(-1)).toMatchObject({ name: 'llama3.3:70b', fit: 'too-big' })
    expect(small.find((m) => m.name === 'gemma3:12b')).toMatchObject({ fit: 'tight', reason: expect.stringMatching(/slowly/) })
    const noDisk = recommend({ ...machine, freeDisk: 1 * GB }, new Set(['qwen3:8b']))
    expect(noDisk.find((m) => m.name === 'qwen3:8b')).toMatchObject({ fit: 'too-big', installed: true, reason: expect.stringMatching(/disk/) })
    expect(catalog.length).toBeGreaterThan(8)
  })

  it('probes memory and disk, walking up to an existing folder', async () => {
    const dir = makeTempDir()
    expect(modelsDir({ OLLAMA_MODELS: dir })).toBe(dir)
    expect(modelsDir({}, '/home/u')).toBe('/home/u/.ollama/models')
    expect(await freeDiskBytes(`${dir}/not/yet`)).toBeGreaterThan(0)
    const probed = await probeMachine({}, dir)
    expect(probed).toMatchObject({ gpu: 'unknown', modelsDir: `${dir}/.ollama/models` })
    expect(probed.totalMemory).toBeGreaterThan(0)
  })
})

describe('PullProgress and mapOllamaError', () => {
  it('handles lines without totals', () => {
    const progress = new PullProgress(() => 0)
    expect(progress.update({ status: 'pulling x', digest: 'sha256:1' })).toMatchObject({ percent: 0, completed: 0, total: 0 })
    expect(progress.update({})).toMatchObject({ status: '' })
  })

  it('maps the remaining failure shapes', () => {
    const host = 'http://h'
    expect(mapOllamaError(new AppError('E_IO', 'x'), { host, action: 'list' }).code).toBe('E_IO')
    expect(mapOllamaError(Object.assign(new Error('a'), { name: 'AbortError' }), { host, action: 'list' }).code).toBe('E_CANCELLED')
    expect(mapOllamaError('weird', { host, action: 'list' })).toMatchObject({ code: 'E_NETWORK', message: 'Talking to Ollama failed: weird.' })
    expect(mapOllamaError(new TypeError('terminated'), { host, action: 'pull' }).message).toBe('The download of The model stopped: terminated.')
  })
})

describe('a server that is not Ollama', () => {
  it('says so when /api/tags is missing', async () => {
    const { startFakeServer } = await import('../../../test/support/fake-ollama')
    const other = await startFakeServer()
    try {
      const service = new ModelService({ host: () => other.url, machine: async () => machine, timeoutMs: PATIENT_MS })
      const error = await failure(service.list())
      expect(error).toMatchObject({ code: 'E_NETWORK', message: expect.stringMatching(/does not look like Ollama/) })
    } finally {
      await other.close()
    }
  })
})
