import type { InstallerEnv } from './types'

/** Where Ollama publishes its newest release; OLLAMA_DESK_RELEASE_API overrides it (a mirror, the tests' server, or `off`). */
export const DEFAULT_RELEASE_API = 'https://api.github.com/repos/ollama/ollama/releases/latest'

interface Parsed {
  core: number[]
  pre: string[]
}

function parse(version: string): Parsed | undefined {
  const match = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/.exec(version.trim())
  if (!match) return undefined
  return { core: [match[1], match[2], match[3]].map((part) => Number(part ?? 0)), pre: match[4] ? match[4].split('.') : [] }
}

function comparePre(a: string[], b: string[]): number {
  if (a.length === 0 || b.length === 0) return b.length - a.length // a release outranks its pre-releases
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i]
    const y = b[i]
    if (x === undefined || y === undefined) return x === undefined ? -1 : 1
    const nx = /^\d+$/.test(x) ? Number(x) : undefined
    const ny = /^\d+$/.test(y) ? Number(y) : undefined
    if (nx !== undefined && ny !== undefined) {
      if (nx !== ny) return nx < ny ? -1 : 1
    } else if (nx !== undefined || ny !== undefined) {
      return nx !== undefined ? -1 : 1 // numeric identifiers rank below alphanumeric ones
    } else if (x !== y) {
      return Math.sign(x.localeCompare(y, 'en', { numeric: true })) // rc10 after rc2, as Ollama tags them
    }
  }
  return 0
}

/** Semver-style order: `0.12.10` > `0.12.9` > `0.12.9-rc1`; -1, 0 or 1, or undefined when either is not a version. */
export function compareVersions(a: string, b: string): -1 | 0 | 1 | undefined {
  const x = parse(a)
  const y = parse(b)
  if (!x || !y) return undefined
  for (let i = 0; i < 3; i++) {
    if (x.core[i] !== y.core[i]) return (x.core[i] as number) < (y.core[i] as number) ? -1 : 1
  }
  return Math.sign(comparePre(x.pre, y.pre)) as -1 | 0 | 1
}

/**
 * The newest Ollama release (`tag_name` `v0.12.6` → `0.12.6`), or undefined when the API cannot be
 * reached, answers an error, or says something unexpected: a missing answer is never an error.
 */
export async function checkLatestRelease(env: InstallerEnv, options: { url?: string; timeoutMs?: number; signal?: AbortSignal } = {}): Promise<string | undefined> {
  const url = options.url ?? DEFAULT_RELEASE_API
  const signals = [AbortSignal.timeout(options.timeoutMs ?? 3000), ...(options.signal ? [options.signal] : [])]
  try {
    const response = await env.fetch(url, { headers: { accept: 'application/vnd.github+json', 'user-agent': 'ollama-desk' }, signal: AbortSignal.any(signals) })
    if (!response.ok) {
      await response.body?.cancel()
      return undefined
    }
    const data = (await response.json()) as { tag_name?: unknown }
    if (typeof data?.tag_name !== 'string') return undefined
    const version = data.tag_name.trim().replace(/^v/, '')
    return parse(version) ? version : undefined
  } catch {
    return undefined
  }
}
