import net from 'node:net'
import type os from 'node:os'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { EventName, Result } from '../../../src-shared/contract'
import { createTestCore } from '../../../test/support/core'
import { removeTempDirs } from '../../../test/support/tmp'
import type { Core } from '.'

/* Issue 26: the cluster listener binds the interface the user chose instead of every interface. */

const cores: Core[] = []
afterEach(async () => {
  await Promise.all(cores.splice(0).map((core) => core.close()))
  removeTempDirs()
})

const entry = (address: string, internal: boolean): os.NetworkInterfaceInfo => ({ address, netmask: '255.0.0.0', family: 'IPv4', mac: '00:00:00:00:00:00', internal, cidr: `${address}/8` })
/** The interfaces the controller sees: a loopback under a made-up name, and an address nobody here has. */
const interfaces = () => ({ testlo0: [entry('127.0.0.1', true)], testlan0: [entry('192.0.2.254', false)] })

function appCore() {
  const events: Array<[EventName, unknown]> = []
  // No OLLAMA_DESK_CLUSTER_HOST: where it listens comes from the setting alone.
  const { core } = createTestCore({ ownsHistory: true, env: {}, cluster: { probeTimeoutMs: 60_000, handshakeTimeoutMs: 60_000, networkInterfaces: interfaces } })
  cores.push(core)
  core.onBroadcast((name, payload) => events.push([name, payload]))
  const call = async <T>(route: string, input: unknown): Promise<T> => {
    const result = (await core.dispatcher.call(route, input, { signal: new AbortController().signal, clientId: 'test' })) as Result<T>
    if (!result.ok) throw Object.assign(new Error(result.error.message), result.error)
    return result.value
  }
  const count = (reason: string) => events.filter(([name, payload]) => name === 'cluster.changed' && (payload as { reason: string }).reason === reason).length
  return { call, count }
}

const until = (check: () => boolean) => vi.waitFor(() => expect(check()).toBe(true), { interval: 20 })

describe('cluster: listen on a chosen interface (issue 26)', () => {
  it('binds the interface named in the settings (by name or address), lists the choices, and says so when it does not exist', async () => {
    const app = appCore()
    await app.call('settings.update', { cluster: { enabled: true, port: 0, discovery: 'static', bind: 'testlo0' } })
    await until(() => app.count('started') === 1)
    const byName = await app.call<{ listening: string; bind: string; interfaces: Array<{ name: string; address: string }> }>('cluster.status', {})
    expect(byName.listening).toMatch(/^tcp:\/\/127\.0\.0\.1:\d+$/)
    expect(byName.bind).toBe('testlo0')
    expect(byName.interfaces).toEqual([
      { name: 'testlo0', address: '127.0.0.1' },
      { name: 'testlan0', address: '192.0.2.254' },
    ])
    // Only that interface: the machine's other addresses do not answer.
    const port = Number(byName.listening.split(':').pop())
    const other = Object.values((await import('node:os')).networkInterfaces()).flat().find((info) => info?.family === 'IPv4' && !info.internal)
    if (other) await expect(connect(other.address, port)).rejects.toThrow(/ECONNREFUSED/)

    await app.call('settings.update', { cluster: { bind: '127.0.0.1' } })
    await until(() => app.count('started') === 2)
    expect((await app.call<{ listening: string }>('cluster.status', {})).listening).toMatch(/^tcp:\/\/127\.0\.0\.1:\d+$/)

    await app.call('settings.update', { cluster: { bind: 'nope0' } })
    await until(() => app.count('failed') === 1)
    expect(await app.call('cluster.status', {})).toMatchObject({ listening: null, error: expect.stringMatching(/No network interface "nope0".*testlo0, testlan0/) })
  })

  it('refuses a bind value that is neither an interface name nor an address', async () => {
    const app = appCore()
    await expect(app.call('settings.update', { cluster: { bind: 'eth0; rm -rf' } })).rejects.toMatchObject({ code: 'E_VALIDATION', message: expect.stringMatching(/interface name or an IP address/) })
    await expect(app.call('settings.update', { cluster: { bind: 'x'.repeat(80) } })).rejects.toMatchObject({ code: 'E_VALIDATION' })
  })
})

function connect(host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, host)
    socket.once('connect', () => {
      socket.destroy()
      resolve()
    })
    socket.once('error', reject)
  })
}
