import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import type { ProxySetting } from '../../../src-shared/contract'
import { ValidationError } from '../errors'
import { createProviderFetch, isLocalOrPrivateHost, noProxyMatches, proxyFor } from './proxy'

const auto: ProxySetting = { mode: 'auto' }
const env = { HTTPS_PROXY: 'http://corp-proxy:3128', HTTP_PROXY: 'http://corp-proxy:8080' }

describe('isLocalOrPrivateHost', () => {
  it.each(['localhost', 'LOCALHOST', 'app.localhost', 'gpu-box.local', 'gpu-box.local.', '127.0.0.1', '127.9.9.9', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.20', '169.254.1.1', '0.0.0.0', '[::1]', '::1', '[fd12:3456::1]', 'fc00::1', '[fe80::1]', '[::ffff:192.168.1.1]', '::ffff:a00:1'])('%s is local or private', (host) => {
    expect(isLocalOrPrivateHost(host)).toBe(true)
  })
  it.each(['api.openai.com', '8.8.8.8', '172.15.255.255', '172.32.0.1', '192.169.0.1', '11.0.0.1', '[2001:db8::1]', '[::ffff:8.8.8.8]', 'local.example.com', 'localhost.example.com'])('%s is not', (host) => {
    expect(isLocalOrPrivateHost(host)).toBe(false)
  })
})

describe('proxyFor', () => {
  it('auto: public hosts use the env proxy for their scheme', () => {
    expect(proxyFor(auto, 'https://api.openai.com/v1/models', env)).toBe('http://corp-proxy:3128')
    expect(proxyFor(auto, 'http://api.example.com/v1', env)).toBe('http://corp-proxy:8080')
  })

  it('auto: loopback, localhost, *.local and private ranges go direct even with a proxy set', () => {
    for (const url of ['http://127.0.0.1:8080/v1', 'http://localhost:1234/v1', 'http://gpu-box.local:8000/v1', 'http://10.0.0.5:52415/v1', 'http://172.20.1.1/v1', 'https://192.168.0.9/v1', 'http://[fd00::5]:8080/v1', 'http://[fe80::1]/v1', 'http://[::1]:8080/v1']) {
      expect(proxyFor(auto, url, env), url).toBeNull()
    }
  })

  it('auto: no proxy in the environment means direct', () => {
    expect(proxyFor(auto, 'https://api.openai.com/v1', {})).toBeNull()
    expect(proxyFor(auto, 'https://api.openai.com/v1', { HTTPS_PROXY: '  ' })).toBeNull()
    // An https_proxy does not apply to http targets.
    expect(proxyFor(auto, 'http://api.example.com/v1', { HTTPS_PROXY: 'http://p:1' })).toBeNull()
  })

  it('auto: lower-case variables win, ALL_PROXY is the fallback, a bare host:port gets http://', () => {
    expect(proxyFor(auto, 'https://a.example.com', { https_proxy: 'http://lower:1', HTTPS_PROXY: 'http://upper:2' })).toBe('http://lower:1')
    expect(proxyFor(auto, 'https://a.example.com', { ALL_PROXY: 'socks5://s:1080' })).toBe('socks5://s:1080')
    expect(proxyFor(auto, 'https://a.example.com', { HTTPS_PROXY: 'corp:3128' })).toBe('http://corp:3128')
  })

  it.each([
    ['*', 'https://api.openai.com', true],
    ['openai.com', 'https://api.openai.com', true],
    ['.openai.com', 'https://api.openai.com', true],
    ['*.openai.com', 'https://openai.com', true],
    ['notopenai.com', 'https://api.openai.com', false],
    ['penai.com', 'https://api.openai.com', false],
    ['api.openai.com:443', 'https://api.openai.com/v1', true],
    ['api.openai.com:8443', 'https://api.openai.com/v1', false],
    ['example.com, api.openai.com', 'https://api.openai.com', true],
    ['example.com api.openai.com', 'https://api.openai.com', true],
    ['100.64.0.0/10', 'http://100.100.1.2:8080', true],
    ['100.64.0.0/10', 'http://100.128.0.1:8080', false],
    ['[2001:db8::1]', 'http://[2001:db8::1]:80', true],
  ])('NO_PROXY %j for %s → %s', (noProxy, url, matches) => {
    expect(noProxyMatches(noProxy, new URL(url))).toBe(matches)
    expect(proxyFor(auto, url, { ...env, NO_PROXY: noProxy }) === null).toBe(matches)
  })

  it('reads no_proxy too', () => {
    expect(proxyFor(auto, 'https://api.openai.com', { ...env, no_proxy: 'openai.com' })).toBeNull()
  })

  it('none: always direct; custom: always the given proxy, even for loopback', () => {
    expect(proxyFor({ mode: 'none' }, 'https://api.openai.com', env)).toBeNull()
    expect(proxyFor({ mode: 'custom', url: 'http://mine:3128' }, 'http://127.0.0.1:8080/v1', {})).toBe('http://mine:3128')
    expect(proxyFor({ mode: 'custom', url: 'http://mine:3128' }, 'https://api.openai.com', { NO_PROXY: '*' })).toBe('http://mine:3128')
  })

  it('refuses a custom proxy that is not a URL', () => {
    expect(() => createProviderFetch({ mode: 'custom', url: 'http://' }, 'http://127.0.0.1/v1', {})).toThrow(ValidationError)
  })
})

/** A plain forward proxy (absolute-form requests, no CONNECT) that records what it carried. */
function startForwardProxy() {
  const seen: string[] = []
  const server = http.createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`)
    const target = new URL(req.url ?? '')
    if (target.hostname !== '127.0.0.1') {
      // Somewhere this test cannot go: answer for it, proving the request came here.
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ answeredBy: 'proxy' }))
      return
    }
    const upstream = http.request(target, { method: req.method, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers)
      up.pipe(res)
    })
    upstream.on('error', () => res.writeHead(502).end())
    req.pipe(upstream)
  })
  return new Promise<{ url: string; seen: string[]; server: http.Server }>((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, server }))
  })
}

function startTarget() {
  const server = http.createServer((req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ answeredBy: 'target', path: req.url })))
  return new Promise<{ url: string; server: http.Server }>((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server }))
  })
}

describe('createProviderFetch over loopback', () => {
  const servers: http.Server[] = []
  afterEach(async () => {
    for (const server of servers.splice(0)) {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    }
  })

  it('custom goes through the proxy; auto with HTTP_PROXY set goes direct to 127.0.0.1', async () => {
    const proxy = await startForwardProxy()
    const target = await startTarget()
    servers.push(proxy.server, target.server)

    const viaCustom = createProviderFetch({ mode: 'custom', url: proxy.url }, `${target.url}/v1`, {})
    const custom = await viaCustom(`${target.url}/v1/models`)
    expect(await custom.json()).toEqual({ answeredBy: 'target', path: '/v1/models' })
    expect(proxy.seen).toEqual([`GET ${target.url}/v1/models`])

    const viaAuto = createProviderFetch(auto, `${target.url}/v1`, { HTTP_PROXY: proxy.url })
    const direct = await viaAuto(`${target.url}/v1/models`)
    expect(await direct.json()).toEqual({ answeredBy: 'target', path: '/v1/models' })
    expect(proxy.seen).toHaveLength(1)
  })

  it('auto sends a public host to the env proxy', async () => {
    const proxy = await startForwardProxy()
    servers.push(proxy.server)
    const viaAuto = createProviderFetch(auto, 'http://models.example.invalid/v1', { HTTP_PROXY: proxy.url })
    const reply = await viaAuto('http://models.example.invalid/v1/models')
    expect(await reply.json()).toEqual({ answeredBy: 'proxy' })
    expect(proxy.seen).toEqual(['GET http://models.example.invalid/v1/models'])
  })

  it('none ignores the env proxy', async () => {
    const proxy = await startForwardProxy()
    servers.push(proxy.server)
    const viaNone = createProviderFetch({ mode: 'none' }, 'http://models.example.invalid/v1', { HTTP_PROXY: proxy.url })
    await expect(viaNone('http://models.example.invalid/v1/models')).rejects.toThrow()
    expect(proxy.seen).toEqual([])
  })
})
