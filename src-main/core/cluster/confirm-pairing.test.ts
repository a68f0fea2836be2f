import { afterEach, describe, expect, it } from 'vitest'
import { makeTempDir, removeTempDirs } from '../../../test/support/tmp'
import type { Timers } from './admission'
import { LoopbackRegistry } from './discovery'
import type { JoiningMachine } from './pairing'
import { ClusterService } from './service'
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

const CONFIRM_MS = 120_000

describe('pairing waits for the local confirmation (issue 26)', () => {
  it('asks with the joining machine\'s name and fingerprint; unanswered until the time is up, it refuses and stores nothing', async () => {
    const registry = new LoopbackRegistry()
    const timers = manualTimers()
    const asked: JoiningMachine[] = []
    const a = new ClusterService(testServiceOptions(makeTempDir(), { registry, name: 'alpha', confirmTimeoutMs: CONFIRM_MS * 10 }))
    const b = new ClusterService(testServiceOptions(makeTempDir(), { registry, name: 'beta', timers, confirmTimeoutMs: CONFIRM_MS, confirmPairing: (joining) => (asked.push(joining), new Promise<boolean>(() => undefined)) }))
    services.push(a, b)
    await a.start({ host: '127.0.0.1', port: 0 })
    const address = await b.start({ host: '127.0.0.1', port: 0 })
    const pairing = a.pair(address, b.showPairingCode().code).then(() => 'paired', (error: { message: string }) => error.message)
    await expect.poll(() => asked.length, { timeout: 30_000 }).toBe(1)
    expect(asked[0]).toEqual({ id: a.selfId, name: 'alpha', fingerprint: a.fingerprint })
    // The code was proven: the admission deadline no longer holds the connection, the confirmation does.
    expect(b.unauthenticatedConnections).toBe(0)
    timers.fire(CONFIRM_MS)
    expect(await pairing).toMatch(/not confirmed on the other machine/)
    expect(b.peersStore.list()).toEqual([])
    expect(a.peersStore.list()).toEqual([])
  })

  it('a yes pairs both machines', async () => {
    const registry = new LoopbackRegistry()
    const a = new ClusterService(testServiceOptions(makeTempDir(), { registry, name: 'alpha' }))
    const b = new ClusterService(testServiceOptions(makeTempDir(), { registry, name: 'beta', confirmPairing: async () => true }))
    services.push(a, b)
    await a.start({ host: '127.0.0.1', port: 0 })
    const address = await b.start({ host: '127.0.0.1', port: 0 })
    await a.pair(address, b.showPairingCode().code)
    expect(b.peersStore.list().map((peer) => peer.id)).toEqual([a.selfId])
  })
})
