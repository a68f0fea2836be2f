import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { makeTempDir, removeTempDirs } from '../../../test/support/tmp'
import { TcpTransport } from '../rdma'
import type { Timers } from './admission'
import { LoopbackRegistry } from './discovery'
import { openSecure } from './peer-auth'
import { ClusterService, type ClusterEvent } from './service'
import { jsonFrame } from './testdata/relay'
import { testServiceOptions } from './testdata/service-options'

/** Timers that fire only when the test says so, each one named by its delay. */
function manualTimers(): Timers & { fire(ms: number): void; delays(): number[] } {
  const callbacks = new Map<number, { callback: () => void; ms: number }>()
  let next = 0
  return {
    setTimeout: (callback, ms) => {
      callbacks.set(++next, { callback, ms })
      return next
    },
    clearTimeout: (handle) => void callbacks.delete(handle as number),
    fire: (ms) => {
      for (const [handle, timer] of [...callbacks]) {
        if (timer.ms !== ms) continue
        callbacks.delete(handle)
        timer.callback()
      }
    },
    delays: () => [...callbacks.values()].map((timer) => timer.ms),
  }
}

const services: ClusterService[] = []
afterEach(async () => {
  await Promise.all(services.splice(0).map((service) => service.stop()))
  removeTempDirs()
})

const IDLE_MS = 120_000

describe('idle timeouts after authentication (issue 26)', () => {
  it('a paired machine that authenticates and then sends nothing is closed when the idle timeout fires', async () => {
    const registry = new LoopbackRegistry()
    const timers = manualTimers()
    const events: ClusterEvent[] = []
    const a = new ClusterService(testServiceOptions(makeTempDir(), { registry, name: 'alpha' }))
    const bDir = makeTempDir()
    const b = new ClusterService(testServiceOptions(bDir, { registry, name: 'beta', timers, idleTimeoutMs: IDLE_MS, modelsDir: path.join(bDir, 'models'), onEvent: (event) => events.push(event) }))
    services.push(a, b)
    await a.start({ host: '127.0.0.1', port: 0 })
    const address = await b.start({ host: '127.0.0.1', port: 0 })
    await a.pair(address, b.showPairingCode().code)

    const channel = await new TcpTransport().connect(address)
    await channel.write(jsonFrame({ type: 'cluster-open', v: 2, kind: 'secure' }))
    const secure = await openSecure(channel, { peersStore: a.peersStore, selfId: a.selfId, purpose: 'transfer', timeoutMs: 60_000 })
    // Authenticated, then silent: only the idle timer waits on this connection.
    await expect.poll(() => b.unauthenticatedConnections === 0 && timers.delays().includes(IDLE_MS), { timeout: 30_000 }).toBe(true)

    timers.fire(IDLE_MS)
    // The server's transfer HELLO may arrive first; after it, the connection ends cut short.
    const reading = (async () => {
      for await (const chunk of secure.channel) void chunk
    })()
    await expect(reading).rejects.toMatchObject({ fault: 'truncated' })
    await expect.poll(() => events.find((event) => event.type === 'failed'), { timeout: 30_000 }).toMatchObject({ purpose: 'transfer', error: { code: 'E_TIMEOUT', message: expect.stringMatching(/sent nothing for 120 s/) } })
  })
})
