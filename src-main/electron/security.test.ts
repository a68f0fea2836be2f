import type { Session } from 'electron'
import { describe, expect, it, vi } from 'vitest'
import { hardenSession, isAppUrl, isExternalLink, rendererCsp, type TrustedOrigins } from './security'

const built: TrustedOrigins = { rendererDir: '/opt/Ollama Desk/resources/app.asar/out/renderer' }
const dev: TrustedOrigins = { ...built, devServerUrl: 'http://localhost:5173/' }

describe('isAppUrl', () => {
  it.each([
    [built, 'app://ollama-desk/index.html', true],
    [built, 'app://ollama-desk/index.html#/settings', true],
    [built, 'app://ollama-desk/assets/index.js?x=1', true],
    [built, 'app://evil/index.html', false],
    [built, 'file:///opt/Ollama%20Desk/resources/app.asar/out/renderer/index.html', false],
    [built, 'file:///etc/passwd', false],
    [built, 'http://localhost:5173/', false],
    [built, 'https://ollama.com/', false],
    [built, 'not a url', false],
    [built, '', false],
    [dev, 'http://localhost:5173/', true],
    [dev, 'http://localhost:5173/#/chat', true],
    [dev, 'http://localhost:5174/', false],
    [dev, 'https://localhost:5173/', false],
    [dev, 'http://evil.example/', false],
    [dev, 'app://ollama-desk/index.html', false],
  ])('%#: %s', (origins, url, expected) => {
    expect(isAppUrl(url, origins)).toBe(expected)
  })
})

describe('isExternalLink', () => {
  it.each([
    ['https://ollama.com', true],
    ['HTTP://example.com', true],
    ['file:///etc/passwd', false],
    ['javascript:alert(1)', false],
    ['mailto:a@b.c', false],
    ['ollama://x', false],
  ])('%s → %s', (url, expected) => {
    expect(isExternalLink(url)).toBe(expected)
  })
})

describe('rendererCsp', () => {
  it('is strict for built files', () => {
    const csp = rendererCsp()
    expect(csp).toContain("script-src 'self';")
    expect(csp).toContain("connect-src 'self';")
    expect(csp).not.toContain('unsafe-eval')
    expect(csp).not.toContain('localhost')
    // Code-block previews are srcdoc frames: no frame may load or navigate to any URL.
    expect(csp).toContain("frame-src 'none';")
  })

  it('lets the dev server and its HMR socket in during development only', () => {
    const csp = rendererCsp('http://localhost:5173/')
    expect(csp).toContain("script-src 'self' 'unsafe-inline' http://localhost:5173 ws://localhost:5173")
    expect(csp).toContain("connect-src 'self' http://localhost:5173 ws://localhost:5173")
  })
})

describe('hardenSession', () => {
  function fakeSession() {
    const session = {
      webRequest: { onHeadersReceived: vi.fn() },
      setPermissionRequestHandler: vi.fn(),
      setPermissionCheckHandler: vi.fn(),
    }
    return session
  }

  it('adds the CSP to every response and keeps the other headers', () => {
    const session = fakeSession()
    hardenSession(session as unknown as Session, built)
    const handler = session.webRequest.onHeadersReceived.mock.calls[0]?.[0] as (details: object, callback: (response: object) => void) => void
    const callback = vi.fn()
    handler({ responseHeaders: { 'X-Other': ['1'] } }, callback)
    expect(callback).toHaveBeenCalledWith({ responseHeaders: { 'X-Other': ['1'], 'Content-Security-Policy': [rendererCsp()] } })
  })

  it('uses the dev CSP when a dev server is given', () => {
    const session = fakeSession()
    hardenSession(session as unknown as Session, { rendererDir: '/x', devServerUrl: 'http://localhost:5173' })
    const handler = session.webRequest.onHeadersReceived.mock.calls[0]?.[0] as (details: object, callback: (response: object) => void) => void
    const callback = vi.fn()
    handler({}, callback)
    expect(callback.mock.calls[0]?.[0]).toEqual({ responseHeaders: { 'Content-Security-Policy': [rendererCsp('http://localhost:5173')] } })
  })

  type RequestHandler = (wc: unknown, permission: string, callback: (granted: boolean) => void, details: object) => void
  type CheckHandler = (wc: unknown, permission: string, origin: string, details: object) => boolean
  const handlers = (origins: TrustedOrigins, ask?: () => Promise<boolean>) => {
    const session = fakeSession()
    hardenSession(session as unknown as Session, origins, ask)
    const request = session.setPermissionRequestHandler.mock.calls[0]?.[0] as RequestHandler
    const ask1 = (permission: string, details: object) =>
      new Promise<boolean>((resolve) => request({}, permission, resolve, details))
    return { ask: ask1, check: session.setPermissionCheckHandler.mock.calls[0]?.[0] as CheckHandler }
  }
  const page = 'app://ollama-desk/index.html#/chat'

  it('refuses every permission except the microphone, and that only to the app pages', async () => {
    const { ask, check } = handlers(built)
    for (const permission of ['geolocation', 'notifications', 'clipboard-read', 'display-capture']) {
      expect(await ask(permission, { requestingUrl: page })).toBe(false)
      expect(check({}, permission, 'app://ollama-desk', {})).toBe(false)
    }
    expect(await ask('media', { requestingUrl: page, mediaTypes: ['video'] })).toBe(false)
    expect(await ask('media', { requestingUrl: page, mediaTypes: ['audio', 'video'] })).toBe(false)
    expect(await ask('media', { requestingUrl: page, mediaTypes: [] })).toBe(false)
    expect(await ask('media', { requestingUrl: 'https://evil.example/', mediaTypes: ['audio'] })).toBe(false)
    expect(await ask('media', { requestingUrl: page, mediaTypes: ['audio'] })).toBe(true)
    expect(check({}, 'media', 'app://ollama-desk', { mediaType: 'audio', requestingUrl: page })).toBe(true)
    expect(check({}, 'media', 'app://ollama-desk', { mediaType: 'video', requestingUrl: page })).toBe(false)
    expect(check({}, 'media', 'https://evil.example', { mediaType: 'audio' })).toBe(false)
  })

  it('grants the microphone only when the OS prompt says yes, and never on a failed prompt', async () => {
    expect(await handlers(built, async () => false).ask('media', { requestingUrl: page, mediaTypes: ['audio'] })).toBe(false)
    expect(await handlers(built, () => Promise.reject(new Error('no TCC'))).ask('media', { requestingUrl: page, mediaTypes: ['audio'] })).toBe(false)
    // In development the pages come from the dev server, and app:// is not ours then.
    const devSide = handlers(dev)
    expect(await devSide.ask('media', { requestingUrl: 'http://localhost:5173/#/chat', mediaTypes: ['audio'] })).toBe(true)
    expect(await devSide.ask('media', { requestingUrl: page, mediaTypes: ['audio'] })).toBe(false)
  })
})
