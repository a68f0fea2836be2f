import { describe, expect, it, vi } from 'vitest'
import { fakeApi } from '../../test/fake-api'
import { connectApi } from './connect'

describe('connectApi', () => {
  it('uses the Electron bridge when the preload exposed one', () => {
    const { api } = fakeApi()
    const onState = vi.fn()
    const connected = connectApi({ ollamaDesk: api } as unknown as Window, onState)
    expect(connected).toEqual({ api, transport: 'electron' })
    expect(onState).toHaveBeenCalledWith('open')
  })

  it('falls back to the web companion socket in a browser', () => {
    const sockets: string[] = []
    class Socket {
      static readonly OPEN = 1
      constructor(url: string) {
        sockets.push(url)
      }
      close(): void {}
    }
    vi.stubGlobal('WebSocket', Socket)
    const connected = connectApi({ location: { protocol: 'http:', host: '127.0.0.1:1234' } } as unknown as Window, vi.fn())
    expect(connected.transport).toBe('web')
    expect(sockets).toEqual(['ws://127.0.0.1:1234/api/ws'])
    vi.unstubAllGlobals()
  })
})
