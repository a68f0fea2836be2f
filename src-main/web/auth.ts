import { randomBytes, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import net from 'node:net'
import os from 'node:os'

export const TOKEN_COOKIE = 'ollama_desk_token'

export const newToken = (): string => randomBytes(24).toString('base64url')

export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '')
  if (bare === 'localhost') return true
  if (net.isIPv4(bare)) return bare.startsWith('127.')
  return bare === '::1'
}

/** What the machine is called on the network; injected by tests (never a real LAN address there). */
export interface MachineNames {
  hostname: string
  interfaces: NodeJS.Dict<{ address: string; family: string; internal: boolean }[]>
  /** Names the user configured (a DNS name pointing at this machine, a reverse proxy's). */
  extraHosts?: string[]
}

const thisMachine = (): MachineNames => ({ hostname: os.hostname(), interfaces: os.networkInterfaces() })
const hostForm = (address: string): string => (net.isIPv6(address) ? `[${address}]` : address)
const WILDCARDS = new Set(['0.0.0.0', '::'])

/** Every address of the machine's interfaces (IPv4, and IPv6 when listening on both). */
function interfaceAddresses(machine: MachineNames, withIpv6: boolean): string[] {
  const families = withIpv6 ? ['IPv4', 'IPv6'] : ['IPv4']
  return Object.values(machine.interfaces)
    .flat()
    .filter((entry) => entry !== undefined && families.includes(entry.family))
    .map((entry) => entry!.address)
}

/**
 * The Host header values this server answers to; anything else is a DNS-rebinding attempt. The
 * loopback names always, the address it was started on, and in LAN mode (bound beyond loopback)
 * the machine's names and, when bound to every interface, each of its addresses.
 */
export function allowedHosts(bindHost: string, port: number, machine: MachineNames = thisMachine()): Set<string> {
  const names = new Set(['127.0.0.1', 'localhost', '[::1]'])
  if (!WILDCARDS.has(bindHost)) names.add(hostForm(bindHost))
  if (!isLoopbackHost(bindHost)) {
    const hostname = machine.hostname.toLowerCase()
    for (const name of [hostname, `${hostname.replace(/\.local$/, '')}.local`, ...(machine.extraHosts ?? [])]) names.add(name.toLowerCase())
    if (WILDCARDS.has(bindHost)) for (const address of interfaceAddresses(machine, bindHost === '::')) names.add(hostForm(address))
  }
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
  const host = (req.headers.host ?? '').toLowerCase()
  if (!hosts.has(host)) {
    return { ok: false, status: 403, code: 'E_FORBIDDEN', message: `Host "${host.slice(0, 100)}" is not allowed.` }
  }
  const origin = req.headers.origin
  if (origin !== undefined && !(origin.startsWith('http://') && hosts.has(origin.slice('http://'.length).toLowerCase()))) {
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
