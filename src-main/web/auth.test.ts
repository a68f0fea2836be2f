import type { IncomingMessage } from 'node:http'
import { describe, expect, it } from 'vitest'
import { TOKEN_COOKIE, allowedHosts, checkRequest, isLoopbackHost, newToken, requestUrl } from './auth'

const req = (headers: Record<string, string>, url = '/') => ({ headers, url }) as unknown as IncomingMessage

describe('auth helpers', () => {
  it('newToken is long, URL-safe and fresh each time', () => {
    const a = newToken()
    expect(a).toMatch(/^[A-Za-z0-9_-]{32}$/)
    expect(newToken()).not.toBe(a)
  })

  it.each([
    ['localhost', true],
    ['127.0.0.1', true],
    ['127.8.9.10', true],
    ['::1', true],
    ['[::1]', true],
    ['0.0.0.0', false],
    ['192.168.1.2', false],
    ['::', false],
    ['example.com', false],
    ['128.0.0.1', false],
  ])('isLoopbackHost(%s) = %s', (host, expected) => {
    expect(isLoopbackHost(host)).toBe(expected)
  })

  it('allowedHosts lists the loopback names, plus a non-loopback bind address', () => {
    expect([...allowedHosts('127.0.0.1', 80)].sort()).toEqual(['127.0.0.1:80', '[::1]:80', 'localhost:80'])
    expect(allowedHosts('192.168.1.2', 5).has('192.168.1.2:5')).toBe(true)
    expect(allowedHosts('fe80::1', 5).has('[fe80::1]:5')).toBe(true)
  })

  it('answers to the address it was started on, also another loopback address (the printed URL works)', () => {
    expect(allowedHosts('127.0.0.2', 8080).has('127.0.0.2:8080')).toBe(true)
  })

  it('in LAN mode on every interface, answers to the machine’s own addresses and names, and configured ones, nothing else (issue 19.8)', () => {
    const machine = {
      hostname: 'studio',
      interfaces: {
        lo: [{ address: '127.0.0.1', family: 'IPv4' as const, internal: true }],
        eth0: [
          { address: '192.168.1.20', family: 'IPv4' as const, internal: false },
          { address: 'fe80::1c2d:3eff:fe4f:5a6b', family: 'IPv6' as const, internal: false },
        ],
      },
      extraHosts: ['desk.example.lan'],
    }
    const hosts = allowedHosts('0.0.0.0', 47800, machine)
    for (const name of ['192.168.1.20', 'studio', 'studio.local', 'desk.example.lan', 'localhost', '127.0.0.1']) {
      expect(hosts.has(`${name}:47800`), name).toBe(true)
    }
    // 0.0.0.0 listens on IPv4 only; '::' on both.
    expect(hosts.has('[fe80::1c2d:3eff:fe4f:5a6b]:47800')).toBe(false)
    expect(allowedHosts('::', 47800, machine).has('[fe80::1c2d:3eff:fe4f:5a6b]:47800')).toBe(true)
    for (const name of ['evil.example', '0.0.0.0', '192.168.1.21', 'studio.evil.example']) expect(hosts.has(`${name}:47800`), name).toBe(false)
    // Bound to one LAN address: that one and the names, not the machine's other addresses.
    const one = allowedHosts('192.168.1.20', 47800, machine)
    expect(one.has('192.168.1.20:47800')).toBe(true)
    expect(one.has('[fe80::1c2d:3eff:fe4f:5a6b]:47800')).toBe(false)
    // Without LAN mode none of the machine's names are taken.
    expect(allowedHosts('127.0.0.1', 47800, machine).has('studio:47800')).toBe(false)
  })

  it('requestUrl parses targets and returns undefined for broken ones', () => {
    expect(requestUrl(req({}, '/a?b=c'))?.searchParams.get('b')).toBe('c')
    expect(requestUrl({ headers: {} } as IncomingMessage)?.pathname).toBe('/')
    expect(requestUrl(req({}, 'http://[x/'))).toBeUndefined()
  })
})

describe('checkRequest', () => {
  const token = 'a'.repeat(32)
  const hosts = allowedHosts('127.0.0.1', 4000)
  const ok = { host: '127.0.0.1:4000' }

  it('checks Host before anything else, then Origin', () => {
    expect(checkRequest(req({ authorization: `Bearer ${token}` }), token, hosts)).toMatchObject({ ok: false, status: 403 })
    expect(checkRequest(req({ host: 'x'.repeat(500) }), token, hosts)).toMatchObject({ message: expect.stringMatching(/^Host "x{100}" is not allowed/) })
    expect(checkRequest(req({ ...ok, origin: 'http://evil', authorization: `Bearer ${token}` }), token, hosts)).toMatchObject({ status: 403, code: 'E_FORBIDDEN' })
    expect(checkRequest(req({ ...ok, origin: 'http://localhost:4000', authorization: `Bearer ${token}` }), token, hosts)).toEqual({ ok: true, via: 'header' })
  })

  it('accepts the token from the header, the cookie or the query, in that order', () => {
    expect(checkRequest(req({ ...ok, cookie: `a=b; ${TOKEN_COOKIE}=${token}; c=d` }), token, hosts)).toEqual({ ok: true, via: 'cookie' })
    expect(checkRequest(req(ok, `/?token=${token}`), token, hosts)).toEqual({ ok: true, via: 'query' })
    expect(checkRequest(req({ ...ok, authorization: 'Bearer wrong', cookie: `${TOKEN_COOKIE}=${token}` }), token, hosts)).toEqual({ ok: true, via: 'cookie' })
  })

  it('refuses missing, wrong and wrong-length tokens with 401', () => {
    const attempts: Record<string, string>[] = [{}, { authorization: `Basic ${token}` }, { authorization: 'Bearer short' }, { cookie: `${TOKEN_COOKIE}=${'b'.repeat(32)}` }, { cookie: 'junk' }]
    for (const headers of attempts) {
      expect(checkRequest(req({ ...ok, ...headers }), token, hosts)).toMatchObject({ ok: false, status: 401, code: 'E_UNAUTHORIZED' })
    }
    expect(checkRequest(req(ok, '/?token='), token, hosts)).toMatchObject({ status: 401 })
    expect(checkRequest(req(ok, 'http://[x/'), token, hosts)).toMatchObject({ status: 401 })
  })
})
