import { afterEach, describe, expect, it } from 'vitest'
import { createTestCore } from '../../../test/support/core'
import { startFakeOllamaApi, type FakeOllamaApi } from '../../../test/support/fake-ollama-api'
import { removeTempDirs } from '../../../test/support/tmp'
import type { PullEvent } from '../../../src-shared/contract'
import type { AnalyticsBatch } from '../analytics'
import { createLocalClient } from '../rpc'
import type { Core } from './create-core'

const cores: Core[] = []
const servers: FakeOllamaApi[] = []
afterEach(async () => {
  await Promise.all(cores.splice(0).map((c) => c.close()))
  await Promise.all(servers.splice(0).map((s) => s.close()))
  removeTempDirs()
})

async function setup() {
  const server = await startFakeOllamaApi({
    models: [{ name: 'llama3.2:3b', size: 2_000_000_000 }],
    running: ['llama3.2:3b'],
    registry: [
      // 20 steps 100 ms apart: a cancel at its first layer lands long before the pull could end, however busy the machine.
      { name: 'slow', layers: [10_000], steps: 20, stepMs: 100 },
      { name: 'fast', layers: [100, 200], steps: 2, stepMs: 5 },
    ],
  })
  servers.push(server)
  const { core } = createTestCore({ env: { OLLAMA_HOST: server.host }, machine: async () => ({ totalMemory: 16 * 1024 ** 3, freeDisk: null, modelsDir: '/m', gpu: 'unknown', note: 'n' }) })
  cores.push(core)
  const changes: unknown[] = []
  core.onBroadcast((name, payload) => name === 'models.changed' && changes.push(payload))
  return { server, core, api: createLocalClient(core.dispatcher), changes }
}

describe('models.* routes and the models.pull stream', () => {
  it('answers every route through the contract', async () => {
    const { api, changes } = await setup()
    const list = await api.call('models.list', {})
    expect(list.ok && list.value.models.map((m) => m.name)).toEqual(['llama3.2:3b'])
    const shown = await api.call('models.show', { name: 'llama3.2:3b' })
    expect(shown.ok && shown.value.capabilities).toContain('tools')
    const running = await api.call('models.running', {})
    expect(running.ok && running.value.models).toHaveLength(1)
    expect(await api.call('models.unload', { name: 'llama3.2:3b' })).toEqual({ ok: true, value: { name: 'llama3.2:3b', unloaded: true } })
    const recommended = await api.call('models.recommended', {})
    expect(recommended.ok && recommended.value.machine.gpu).toBe('unknown')

    const refused = await api.call('models.delete', { name: 'llama3.2:3b' })
    expect(refused.ok ? undefined : refused.error).toMatchObject({ code: 'E_VALIDATION', hint: expect.stringMatching(/--yes/) })
    expect(changes).toHaveLength(0)
    expect((await api.call('models.delete', { name: 'llama3.2:3b', confirm: true })).ok).toBe(true)
    expect(changes).toHaveLength(1)
    const missing = await api.call('models.show', { name: 'llama3.2:3b' })
    expect(missing.ok ? undefined : missing.error.code).toBe('E_NOT_FOUND')
    const bad = await api.call('models.show', { name: '../etc' })
    expect(bad.ok ? undefined : bad.error.code).toBe('E_VALIDATION')
  })

  it('streams a pull; cancelling one of two concurrent pulls leaves the other to finish', async () => {
    const { api, server, changes } = await setup()
    const slowEvents: PullEvent[] = []
    const fastEvents: PullEvent[] = []
    // Cancelled as soon as its first layer shows up, while the rest is still on its way.
    const slow = api.stream('models.pull', { name: 'slow' }, (e) => {
      slowEvents.push(e)
      if (e.digest) slow.cancel()
    })
    const fast = api.stream('models.pull', { name: 'fast' }, (e) => fastEvents.push(e))
    const cancelled = await slow.done
    expect(slowEvents.some((e) => e.digest)).toBe(true)
    expect(cancelled.ok ? undefined : cancelled.error.code).toBe('E_CANCELLED')
    expect(await fast.done).toEqual({ ok: true, value: { name: 'fast', status: 'success' } })
    expect(fastEvents.at(-1)).toMatchObject({ status: 'success', percent: 100 })
    expect(server.models.has('fast:latest')).toBe(true)
    expect(server.models.has('slow:latest')).toBe(false)
    expect(changes).toHaveLength(1)

    const unknown = await api.stream('models.pull', { name: 'ghost' }, () => undefined).done
    expect(unknown.ok ? undefined : unknown.error).toMatchObject({ code: 'E_NOT_FOUND', hint: expect.any(String) })
  })

  it('counts a finished pull for analytics by its size bucket only (with consent), never a cancelled one', async () => {
    const { api, core } = await setup()
    const batches: AnalyticsBatch[] = []
    // The core above has no spy: a second one over the same fake, with consent given.
    const { core: counted } = createTestCore({
      env: { OLLAMA_HOST: core.ollamaHost() },
      analyticsTransport: { send: async (_endpoint, batch) => void batches.push(batch) },
    })
    counted.settings.update({ analytics: { consent: 'granted', endpoint: 'http://127.0.0.1:9/events' } })
    const countedApi = createLocalClient(counted.dispatcher)
    expect((await countedApi.stream('models.pull', { name: 'fast' }, () => undefined).done).ok).toBe(true)
    const slow = countedApi.stream('models.pull', { name: 'slow' }, () => undefined)
    slow.cancel()
    await slow.done
    await counted.close() // flushes the queue
    const pulls = batches.flatMap((batch) => batch.events).filter((event) => event.type === 'model_pulled')
    expect(pulls.map((event) => event.fields)).toEqual([{ size_bucket: '<1GB' }])
    expect(JSON.stringify(batches)).not.toContain('fast')
    expect((await api.call('models.list', {})).ok).toBe(true)
  })
})
