import { randomBytes, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import net from 'node:net'

export const TOKEN_COOKIE = 'ollama_desk_token'

export const newToken = (): string => randomBytes(24).toString('base64url')

export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '')
  if (bare === 'localhost') return true
  if (net.isIPv4(bare)) return bare.startsWith('127.')
  return bare === '::1'
}

/** The Host header values this server answers to; anything else is a DNS-rebinding attempt. */
export function allowedHosts(bindHost: string, port: number): Set<string> {
  const names = new Set(['127.0.0.1', 'localhost', '[::1]'])
  if (!isLoopbackHost(bindHost)) names.add(net.isIPv6(bindHost) ? `[${bindHost}]` : bindHost)
  return new Set([...names].map((name) => `${name}:${port}`))
}

export type Verdict =
  | { ok: true; via: 'header' | 'cookie' | 'query' }
  | { ok: false; status: 401 | 403; code: 'E_UNAUTHORIZED' | 'E_FORBIDDEN'; message: string }

const sameToken = (given: string, expected: string): boolean => {
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}

function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=')
    if (key === name) return rest.join('=')
  }
  return undefined
}

/** The request target as a URL, or undefined when it cannot be parsed (e.g. `GET http://[x/`). */
export function requestUrl(req: IncomingMessage): URL | undefined {
  try {
    return new URL(req.url ?? '/', 'http://local')
  } catch {
    return undefined
  }
}

/** Host and Origin first (no rebinding, no cross-site use), then the token. */
export function checkRequest(req: IncomingMessage, token: string, hosts: Set<string>): Verdict {
  const host = req.headers.host ?? ''
  if (!hosts.has(host)) {
    return { ok: false, status: 403, code: 'E_FORBIDDEN', message: `Host "${host.slice(0, 100)}" is not allowed.` }
  }
  const origin = req.headers.origin
  if (origin !== undefined && !(origin.startsWith('http://') && hosts.has(origin.slice('http://'.length)))) {
    return { ok: false, status: 403, code: 'E_FORBIDDEN', message: `Origin "${origin.slice(0, 100)}" is not allowed.` }
  }
  const auth = req.headers.authorization
  if (auth?.startsWith('Bearer ') && sameToken(auth.slice(7), token)) return { ok: true, via: 'header' }
  const cookie = readCookie(req.headers.cookie, TOKEN_COOKIE)
  if (cookie !== undefined && sameToken(cookie, token)) return { ok: true, via: 'cookie' }
  const query = requestUrl(req)?.searchParams.get('token')
  if (query != null && sameToken(query, token)) return { ok: true, via: 'query' }
  return {
    ok: false,
    status: 401,
    code: 'E_UNAUTHORIZED',
    message: 'A valid token is required. Open the URL that `ollama-desk serve` printed.',
  }
}
