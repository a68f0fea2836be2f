import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createRpcClient } from '../../../src-shared/contract/client'
import { companionSocketUrl, createWebPort, type ConnectionState } from './web-port'

/** A WebSocket double that records what was sent and lets the test open, message and drop it. */
class FakeSocket {
  static readonly OPEN = 1
  static instances: FakeSocket[] = []
  readonly OPEN = 1
  readyState = 0
  sent: string[] = []
  onopen: (() => void) | null = null
  onmessage: ((event: { data: unknown }) => void) | null = null
  onclose: (() => void) | null = null
  constructor(readonly url: string) {
    FakeSocket.instances.push(this)
  }
  send(text: string): void {
    this.sent.push(text)
  }
  close(): void {
    this.readyState = 3
    this.onclose?.()
  }
  open(): void {
    this.readyState = 1
    this.onopen?.()
  }
  drop(): void {
    this.readyState = 3
    this.onclose?.()
  }
}

const Impl = FakeSocket as unknown as typeof WebSocket

describe('createWebPort', () => {
  beforeEach(() => {
    FakeSocket.instances = []
    vi.useFakeTimers()
  })
  afterEach(() => vi.useRealTimers())

  it('queues messages until the socket opens, then flushes them in order', () => {
    const states: ConnectionState[] = []
    const port = createWebPort({ url: 'ws://x/api/ws', WebSocketImpl: Impl, onState: (s) => states.push(s) })
    port.send('a')
    port.send('b')
    const socket = FakeSocket.instances[0]!
    expect(socket.sent).toEqual([])
    socket.open()
    expect(socket.sent).toEqual(['a', 'b'])
    port.send('c')
    expect(socket.sent).toEqual(['a', 'b', 'c'])
    expect(states).toEqual(['connecting', 'open'])
  })

  it('delivers text frames and ignores binary ones', () => {
    const port = createWebPort({ url: 'ws://x/api/ws', WebSocketImpl: Impl })
    const got: string[] = []
    const off = port.onMessage((text) => got.push(text))
    const socket = FakeSocket.instances[0]!
    socket.onmessage?.({ data: 'hello' })
    socket.onmessage?.({ data: new ArrayBuffer(2) })
    off()
    socket.onmessage?.({ data: 'after' })
    expect(got).toEqual(['hello'])
  })

  it('reconnects with backoff after a drop and tells close listeners', () => {
    const port = createWebPort({ url: 'ws://x/api/ws', WebSocketImpl: Impl, retryDelayMs: (n) => 100 * (n + 1) })
    const closes = vi.fn()
    port.onClose?.(closes)
    FakeSocket.instances[0]!.open()
    FakeSocket.instances[0]!.drop()
    expect(closes).toHaveBeenCalledTimes(1)
    expect(FakeSocket.instances).toHaveLength(1)
    vi.advanceTimersByTime(100)
    expect(FakeSocket.instances).toHaveLength(2)
    FakeSocket.instances[1]!.drop()
    vi.advanceTimersByTime(150)
    expect(FakeSocket.instances).toHaveLength(2)
    vi.advanceTimersByTime(50)
    expect(FakeSocket.instances).toHaveLength(3)
  })

  it('stops for good when closed', () => {
    const states: ConnectionState[] = []
    const port = createWebPort({ url: 'ws://x/api/ws', WebSocketImpl: Impl, onState: (s) => states.push(s) })
    FakeSocket.instances[0]!.open()
    port.close()
    vi.advanceTimersByTime(10_000)
    expect(FakeSocket.instances).toHaveLength(1)
    expect(states.at(-1)).toBe('closed')
  })

  it('fails requests in flight when the socket drops, through the contract client', async () => {
    const port = createWebPort({ url: 'ws://x/api/ws', WebSocketImpl: Impl })
    const api = createRpcClient(port)
    FakeSocket.instances[0]!.open()
    const pending = api.call('app.info', {})
    FakeSocket.instances[0]!.drop()
    const result = await pending
    expect(result).toMatchObject({ ok: false, error: { code: 'E_NETWORK', retryable: true } })
  })

  it('builds the socket URL from the page origin', () => {
    expect(companionSocketUrl({ protocol: 'http:', host: '127.0.0.1:47800' })).toBe('ws://127.0.0.1:47800/api/ws')
    expect(companionSocketUrl({ protocol: 'https:', host: 'h:1' })).toBe('wss://h:1/api/ws')
  })
})
