import os from 'node:os'
import { DEFAULT_OLLAMA_PORT, normalizeOllamaHost, probeOllama, type FetchLike } from '../ollama'

/** This machine's Ollama as paired peers see it in `info` (ClusterOllama in the contract). */
export interface OllamaReach {
  port: number
  reachable: boolean
  /** Whether it answers on a non-loopback address, so other machines can send it chats. */
  listensOnLan: boolean
  version?: string
  /** How to make it listen on the LAN, in this OS's terms; set when it does not. */
  hint?: string
}

export interface OllamaReachOptions {
  /** The app's Ollama host (OLLAMA_HOST, else the setting). */
  host: () => string
  fetch?: FetchLike
  networkInterfaces?: () => NodeJS.Dict<os.NetworkInterfaceInfo[]>
  platform?: NodeJS.Platform
  timeoutMs?: number
  /** How long one answer is reused: status and every peer's `info` ask for it. */
  cacheMs?: number
  now?: () => number
}

/** Ollama binds where its own OLLAMA_HOST says; the way to set that differs per OS. */
export function ollamaLanHint(platform: NodeJS.Platform = process.platform): string {
  const restart = 'then restart Ollama'
  if (platform === 'darwin') return `Ollama answers only this machine. Run \`launchctl setenv OLLAMA_HOST 0.0.0.0\` on it, ${restart}.`
  if (platform === 'win32') return `Ollama answers only this machine. Add a user environment variable OLLAMA_HOST=0.0.0.0 on it (Settings › System › About › Advanced system settings › Environment Variables), ${restart}.`
  return `Ollama answers only this machine. Run \`sudo systemctl edit ollama.service\` on it, add \`[Service]\` and \`Environment="OLLAMA_HOST=0.0.0.0"\`, ${restart} (\`sudo systemctl restart ollama\`).`
}

const isLoopbackHost = (host: string): boolean => host === 'localhost' || host === '::1' || host === '[::1]' || host.startsWith('127.')

/** Whether what the user typed binds every interface (`0.0.0.0`, `[::]`), which normalising turns into loopback. */
const bindsEverywhere = (typed: string): boolean => /^(?:https?:\/\/)?(?:0\.0\.0\.0|\[::\]|::)(?::\d+)?\/?$/i.test(typed.trim())

/**
 * Probes the app's own Ollama and tells whether it listens beyond loopback: a configured LAN host
 * or 0.0.0.0 says so directly; with a loopback host (the default) it asks Ollama at one of this
 * machine's LAN addresses, because OLLAMA_HOST is often set for the server only (systemd, launchctl).
 */
export function describeOwnOllama(options: OllamaReachOptions): () => Promise<OllamaReach> {
  const now = options.now ?? Date.now
  const timeoutMs = options.timeoutMs ?? 1500
  let cached: { at: number; host: string; value: Promise<OllamaReach> } | undefined
  const probe = (url: string) => probeOllama(url, { timeoutMs, ...(options.fetch ? { fetch: options.fetch } : {}) })

  const measure = async (typed: string): Promise<OllamaReach> => {
    const hint = ollamaLanHint(options.platform)
    let base: URL
    try {
      base = new URL(normalizeOllamaHost(typed))
    } catch {
      return { port: DEFAULT_OLLAMA_PORT, reachable: false, listensOnLan: false, hint }
    }
    const port = Number(base.port) || (base.protocol === 'https:' ? 443 : 80)
    const own = await probe(base.origin)
    const version = own.reachable ? { version: own.version } : {}
    if (!own.reachable) return { port, reachable: false, listensOnLan: false, hint }
    if (bindsEverywhere(typed) || !isLoopbackHost(base.hostname)) return { port, reachable: true, listensOnLan: true, ...version }
    const lan = lanAddress((options.networkInterfaces ?? os.networkInterfaces)())
    const onLan = lan !== undefined && (await probe(`${base.protocol}//${lan}:${port}`)).reachable
    return { port, reachable: true, listensOnLan: onLan, ...version, ...(onLan ? {} : { hint }) }
  }

  return () => {
    const typed = options.host()
    const at = now()
    if (!cached || cached.host !== typed || at - cached.at >= (options.cacheMs ?? 10_000)) cached = { at, host: typed, value: measure(typed) }
    return cached.value
  }
}

/** The first non-internal IPv4 address of this machine. */
function lanAddress(interfaces: NodeJS.Dict<os.NetworkInterfaceInfo[]>): string | undefined {
  for (const entries of Object.values(interfaces)) {
    const found = entries?.find((entry) => entry.family === 'IPv4' && !entry.internal)
    if (found) return found.address
  }
  return undefined
}
