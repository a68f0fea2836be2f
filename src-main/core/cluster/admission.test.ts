import net from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { makeTempDir, removeTempDirs } from '../../../test/support/tmp'
import { parseTcpAddress } from '../rdma'
import type { Timers } from './admission'
import { testServiceOptions } from './testdata/service-options'
import { ClusterService } from './service'
import { jsonFrame } from './testdata/relay'

/** Timers that fire only when the test says so: the deadline is a condition, not a wall-clock wait. */
function manualTimers(): Timers & { fireAll(): void; pending(): number } {
  const callbacks = new Map<number, () => void>()
  let next = 0
  return {
    setTimeout: (callback) => {
      callbacks.set(++next, callback)
      return next
    },
    clearTimeout: (handle) => void callbacks.delete(handle as number),
    fireAll: () => {
      const due = [...callbacks.values()]
      callbacks.clear()
      for (const callback of due) callback()
    },
    pending: () => callbacks.size,
  }
}

const services: ClusterService[] = []
const sockets: net.Socket[] = []
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy()
  await Promise.all(services.splice(0).map((service) => service.stop()))
  removeTempDirs()
})

describe('connections before authentication (issue 26)', () => {
  it('40 unauthenticated connections: at most the cap wait, the rest are closed at once, and the deadline closes the waiting ones', async () => {
    const dataDir = makeTempDir()
    const timers = manualTimers()
    const service = new ClusterService(testServiceOptions(dataDir, { admission: { perAddress: 4, total: 16 }, timers }))
    services.push(service)
    const { port } = parseTcpAddress(await service.start({ host: '127.0.0.1', port: 0 }))

    let closed = 0
    for (let i = 0; i < 40; i++) {
      const socket = net.connect(port, '127.0.0.1')
      socket.on('error', () => undefined)
      socket.on('close', () => closed++)
      // Open a secure connection, then announce a 16 MiB frame and stall inside it.
      socket.write(Buffer.concat([jsonFrame({ type: 'cluster-open', v: 2, kind: 'secure' }), Buffer.from([0, 0, 0x3f, 0xff]), Buffer.alloc(8 * 1024, 0x41)]))
      sockets.push(socket)
    }
    await expect.poll(() => closed, { timeout: 30_000 }).toBe(36)
    expect(service.unauthenticatedConnections).toBe(4)
    expect(timers.pending()).toBe(4)

    timers.fireAll()
    await expect.poll(() => closed, { timeout: 30_000 }).toBe(40)
    expect(service.unauthenticatedConnections).toBe(0)
  })

  it('a frame over 16 KiB before authentication closes the connection at once', async () => {
    const dataDir = makeTempDir()
    const service = new ClusterService(testServiceOptions(dataDir, { timers: manualTimers() }))
    services.push(service)
    const { port } = parseTcpAddress(await service.start({ host: '127.0.0.1', port: 0 }))
    const socket = net.connect(port, '127.0.0.1')
    sockets.push(socket)
    socket.on('error', () => undefined)
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()))
    socket.write(Buffer.concat([jsonFrame({ type: 'cluster-open', v: 2, kind: 'secure' }), Buffer.from([0, 1, 0, 0])]))
    await closed
    expect(service.unauthenticatedConnections).toBe(0)
  })
})
