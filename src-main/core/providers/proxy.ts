import { isIP } from 'node:net'
import type { Dispatcher } from 'undici'
import type { ProxySetting } from '../../../src-shared/contract'
import { ValidationError } from '../errors'

/** The proxy variables of the environment (process.env in the app; a plain object in tests). */
export type ProxyEnv = Readonly<Record<string, string | undefined>>

function ipv4ToInt(ip: string): number {
  return ip.split('.').reduce((acc, part) => acc * 256 + Number(part), 0)
}

function inV4Range(ip: string, base: string, bits: number): boolean {
  const size = 2 ** (32 - bits)
  return Math.floor(ipv4ToInt(ip) / size) === Math.floor(ipv4ToInt(base) / size)
}

const PRIVATE_V4: [string, number][] = [
  ['127.0.0.0', 8],
  ['10.0.0.0', 8],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['169.254.0.0', 16],
  ['0.0.0.0', 8],
]

/** `::ffff:10.0.0.1` and the hex form URL turns it into (`::ffff:a00:1`) as IPv4, else null. */
function mappedV4(host: string): string | null {
  const dotted = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(host)
  if (dotted) return dotted[1]!
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(host)
  if (!hex) return null
  const high = parseInt(hex[1]!, 16)
  const low = parseInt(hex[2]!, 16)
  return [high >> 8, high & 255, low >> 8, low & 255].join('.')
}

/** Loopback, localhost, *.local and the private and link-local ranges: the places a proxy cannot reach. */
export function isLocalOrPrivateHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '')
  if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.local')) return true
  const version = isIP(host)
  if (version === 4) return PRIVATE_V4.some(([base, bits]) => inV4Range(host, base, bits))
  if (version !== 6) return false
  const v4 = mappedV4(host)
  if (v4) return isLocalOrPrivateHost(v4)
  if (host === '::1' || host === '::') return true
  const first = parseInt(host.split(':')[0] || '0', 16)
  // fc00::/7 (unique local) and fe80::/10 (link-local).
  return (first & 0xfe00) === 0xfc00 || (first & 0xffc0) === 0xfe80
}

function entryMatches(entry: string, host: string, port: string): boolean {
  if (entry === '*') return true
  const cidr = /^(\d+\.\d+\.\d+\.\d+)\/(\d{1,2})$/.exec(entry)
  if (cidr) return isIP(host) === 4 && inV4Range(host, cidr[1]!, Number(cidr[2]))
  const withPort = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(entry)
  const name = (withPort ? withPort[1]! : entry).replace(/^\[|\]$/g, '').replace(/^\*?\./, '').toLowerCase()
  if (withPort && withPort[2] !== port) return false
  return host === name || host.endsWith(`.${name}`)
}

/** NO_PROXY as curl and most tools read it: comma or space separated, `*`, domains (with or without a leading dot or `*.`), `host:port`, IPv4 CIDR. */
export function noProxyMatches(noProxy: string, url: URL): boolean {
  const host = url.hostname.toLowerCase().replace(/^\[|\]$/g, '')
  const port = url.port || (url.protocol === 'https:' ? '443' : '80')
  return noProxy
    .split(/[\s,]+/)
    .filter(Boolean)
    .some((entry) => entryMatches(entry.trim(), host, port))
}

function envValue(env: ProxyEnv, ...names: string[]): string | undefined {
  for (const name of names) {
    const value = env[name]?.trim()
    if (value) return value
  }
  return undefined
}

/**
 * Which proxy a request to `url` goes through under `setting`, or null for direct. `auto` keeps
 * this machine and the local network direct even with HTTPS_PROXY set (a corporate proxy cannot
 * reach 192.168.x.y), and honours NO_PROXY for the rest.
 */
export function proxyFor(setting: ProxySetting, url: string, env: ProxyEnv): string | null {
  if (setting.mode === 'none') return null
  if (setting.mode === 'custom') return setting.url ?? null
  const target = new URL(url)
  if (isLocalOrPrivateHost(target.hostname)) return null
  const noProxy = envValue(env, 'no_proxy', 'NO_PROXY')
  if (noProxy && noProxyMatches(noProxy, target)) return null
  const proxy =
    target.protocol === 'https:'
      ? envValue(env, 'https_proxy', 'HTTPS_PROXY', 'all_proxy', 'ALL_PROXY')
      : envValue(env, 'http_proxy', 'HTTP_PROXY', 'all_proxy', 'ALL_PROXY')
  if (!proxy) return null
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(proxy) ? proxy : `http://${proxy}`
}

function urlOf(input: Parameters<typeof fetch>[0]): string {
  if (typeof input === 'string') return input
  if (input instanceof URL) return input.href
  return input.url
}

/** undici (150 ms to import) on the first request through any provider, not at start-up. */
let undici: Promise<typeof import('undici')> | undefined
const loadUndici = (): Promise<typeof import('undici')> => (undici ??= import('undici'))

/**
 * A fetch for one provider's SDK that routes each request by `setting` (undici's ProxyAgent
 * forwards plain-http targets to the proxy and tunnels https ones with CONNECT).
 */
export function createProviderFetch(setting: ProxySetting, baseUrl: string, env: ProxyEnv = process.env): typeof fetch {
  if (setting.mode === 'custom') {
    try {
      new URL(setting.url ?? '')
    } catch {
      throw new ValidationError('The custom proxy address is not a URL.', [], 'Use for example http://proxy.example:3128.')
    }
  }
  // Decide the provider's own route up front, so a bad env proxy shows when the provider is made.
  if (URL.canParse(baseUrl)) {
    const proxy = proxyFor(setting, baseUrl, env)
    if (proxy !== null) new URL(proxy)
  }
  let direct: Dispatcher | undefined
  const viaProxy = new Map<string, Dispatcher>()
  const dispatcherFor = ({ Agent, ProxyAgent }: typeof import('undici'), url: string): Dispatcher => {
    const proxy = proxyFor(setting, url, env)
    if (proxy === null) return (direct ??= new Agent())
    let agent = viaProxy.get(proxy)
    if (!agent) {
      agent = new ProxyAgent(proxy)
      viaProxy.set(proxy, agent)
    }
    return agent
  }
  const routed = async (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
    const module = await loadUndici()
    return module.fetch(input as Parameters<typeof module.fetch>[0], { ...(init as Parameters<typeof module.fetch>[1]), dispatcher: dispatcherFor(module, urlOf(input)) })
  }
  return routed as unknown as typeof fetch
}
