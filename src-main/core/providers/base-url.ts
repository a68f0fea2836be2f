import type { CompatPreset, ProviderKind } from '../../../src-shared/contract'
import { ValidationError } from '../errors'
import { DEFAULT_OLLAMA_PORT, normalizeOllamaHost } from '../ollama'
import { defaultBaseUrl } from './presets'
import { isLocalOrPrivateHost } from './proxy'

export interface NormalizedUrl {
  /** What the SDK is given. */
  url: string
  /** What was understood and changed, for the user. */
  note: string
}

const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i
/** Something that looks like a scheme but is not `scheme://` (`http:/x`, `mailto:x`); `host:8080` is a port, not a scheme. */
const BROKEN_SCHEME = /^[a-z][a-z0-9+.-]*:(?!\d|\/\/)/i
const EXPLICIT_PORT = /^[a-z][a-z0-9+.-]*:\/\/(?:\[[^\]]*\]|[^/:?#]*):\d+/i
/** Endpoints people paste whole; the SDK appends them itself. */
const ENDPOINT = /\/(chat\/completions|completions|responses|models|embeddings|messages)$/i
const VERSION_SEGMENT = /\/v\d+(?:alpha|beta)?\d*$/i
const SERVER_NAMES: Record<CompatPreset, string> = {
  llamacpp: 'llama.cpp',
  'llamacpp-rpc': 'llama.cpp',
  vllm: 'vLLM',
  lmstudio: 'LM Studio',
  openrouter: 'OpenRouter',
  exo: 'exo',
  custom: 'OpenAI-style servers',
}
const HINT = 'Type the server’s address, for example 127.0.0.1:8080 or https://api.example.com/v1.'

interface Typed {
  url: URL
  typedScheme: boolean
  typedPort: boolean
  notes: string[]
}

/** "a", "a and b", "a, b and c". */
function list(items: string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`
}

function parseTyped(input: string): Typed {
  if (/\s/.test(input)) throw new ValidationError(`"${input}" has a space in it; an address has none.`, [], HINT)
  const typedScheme = SCHEME.test(input)
  if (!typedScheme && BROKEN_SCHEME.test(input)) throw new ValidationError(`"${input}" is not a host name or URL.`, [], HINT)
  let url: URL
  try {
    url = new URL(typedScheme ? input : `http://${input}`)
  } catch {
    throw new ValidationError(`"${input}" is not a host name or URL.`, [], HINT)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ValidationError(`This address uses ${url.protocol.replace(':', '')}; model servers speak http or https.`, [], HINT)
  }
  if (url.username || url.password) {
    throw new ValidationError('The address has a user name or password in it.', [], 'Put the key in the key field; it is kept in the system’s secret store, not in settings.')
  }
  if (url.search || url.hash) {
    throw new ValidationError(`"${input}" has a ?query or #fragment; a base URL has neither.`, [], HINT)
  }
  const notes: string[] = []
  if (url.hostname === '0.0.0.0') {
    url.hostname = '127.0.0.1'
    notes.push('0.0.0.0 means “every interface” on the server; it is reached here as 127.0.0.1.')
  }
  // No scheme typed: plain http for this machine and the local network, https for the internet.
  if (!typedScheme && !isLocalOrPrivateHost(url.hostname)) url.protocol = 'https:'
  return { url, typedScheme, typedPort: EXPLICIT_PORT.test(typedScheme ? input : `http://${input}`), notes }
}

function schemeNote(typed: Typed, added: string[]): string | undefined {
  const scheme = typed.url.protocol.replace(':', '')
  if (!typed.typedScheme) {
    added.unshift(`${scheme}://`)
    return undefined
  }
  if (scheme === 'http' && !isLocalOrPrivateHost(typed.url.hostname)) return 'Kept http as you typed it; traffic to this server is not encrypted.'
  return `Kept ${scheme} as you typed it.`
}

function sentence(added: string[], removed: string[], others: string[]): string {
  const parts = [...others]
  if (added.length > 0) parts.unshift(`Added ${list(added)}.`)
  for (const r of removed.reverse()) parts.unshift(r)
  return parts.length > 0 ? parts.join(' ') : 'Used as typed.'
}

function normalizeOpenAiStyle(kind: ProviderKind, input: string, preset: CompatPreset | undefined): NormalizedUrl {
  const typed = parseTyped(input)
  const { url } = typed
  const added: string[] = []
  const removed: string[] = []
  let path = url.pathname
  if (/\/{2,}$|.\/$/.test(path)) removed.push('Removed the trailing /.')
  path = path.replace(/\/+$/, '')
  for (let match = ENDPOINT.exec(path); match; match = ENDPOINT.exec(path)) {
    removed.push(`Removed ${match[0]}: the app adds the endpoint itself.`)
    path = path.slice(0, -match[0].length)
  }
  const server = kind === 'huggingface' ? 'the Hugging Face router' : kind === 'openai' ? 'OpenAI' : SERVER_NAMES[preset ?? 'custom']
  const presetPort = preset ? new URL(defaultBaseUrl(kind, preset) || 'http://x').port : ''
  if (!typed.typedScheme && !typed.typedPort && presetPort && url.protocol === 'http:') {
    url.port = presetPort
    added.push(`port ${presetPort}`)
  }
  const others = [...typed.notes]
  const openRouter = preset === 'openrouter' || /(^|\.)openrouter\.ai$/i.test(url.hostname)
  if (path === '' || (openRouter && path === '/api')) {
    const versioned = openRouter ? '/api/v1' : '/v1'
    added.push(`the ${versioned.slice(path.length)} path ${server} serves`)
    path = versioned
  } else if (!VERSION_SEGMENT.test(path)) {
    others.push(`Kept the path ${path} as typed; most OpenAI-style servers end in /v1.`)
  }
  const kept = schemeNote(typed, added)
  if (kept) others.unshift(kept)
  return { url: `${url.protocol}//${url.host}${path}`, note: sentence(added, removed, others) }
}

function normalizeOrigin(kind: ProviderKind, input: string): NormalizedUrl {
  const typed = parseTyped(input)
  const added: string[] = []
  const removed: string[] = []
  const path = typed.url.pathname.replace(/\/+$/, '')
  if (path) removed.push(`Removed ${path}: the ${kind === 'anthropic' ? 'Anthropic' : 'Gemini'} SDK adds its own paths.`)
  const kept = schemeNote(typed, added)
  return { url: typed.url.origin, note: sentence(added, removed, [...(kept ? [kept] : []), ...typed.notes]) }
}

const PORTLESS_HTTP = /^(http:\/\/(?:\[[^\]]*\]|[^/:]*))(?=\/|$)/

/** One pass of Ollama's own parsing, keeping an explicit :80 (URL drops it; the next pass would add 11434). */
function ollamaOnce(input: string): string {
  let url: string
  try {
    url = normalizeOllamaHost(input)
  } catch (error) {
    if (error instanceof ValidationError && !error.hint) throw new ValidationError(error.message, error.issues, 'Use for example 127.0.0.1:11434.')
    throw error
  }
  const withScheme = SCHEME.test(input) ? input : `http://${input}`
  return PORTLESS_HTTP.test(url) && EXPLICIT_PORT.test(withScheme) ? url.replace(PORTLESS_HTTP, '$1:80') : url
}

function normalizeOllama(input: string): NormalizedUrl {
  // `/api/v1` loses one suffix per pass; settle it here so normalising twice changes nothing.
  let url = ollamaOnce(input)
  for (let next = ollamaOnce(url); next !== url; next = ollamaOnce(url)) url = next
  const typedScheme = SCHEME.test(input)
  const withScheme = typedScheme ? input : `http://${input}`
  const added: string[] = []
  const removed: string[] = []
  const others: string[] = []
  if (!typedScheme) added.push('http://')
  if (!EXPLICIT_PORT.test(withScheme) && url.startsWith('http:')) added.push(`port ${DEFAULT_OLLAMA_PORT}`)
  const typedPath = new URL(withScheme).pathname.replace(/\/+$/, '')
  const keptPath = new URL(url).pathname.replace(/\/+$/, '')
  if (typedPath.length > keptPath.length) removed.push(`Removed ${typedPath.slice(keptPath.length)}: Ollama’s native API lives at the root.`)
  if (/^(?:[a-z]+:\/\/)?(?:[^@/]*@)?(0\.0\.0\.0|\[::\])(?:[:/]|$)/i.test(input)) others.push('A server listening on every interface is reached here on loopback.')
  if (typedScheme) others.unshift(`Kept ${url.slice(0, url.indexOf(':'))} as you typed it.`)
  return { url, note: sentence(added, removed, others) }
}

/**
 * Turns what people type or paste (`host`, `host:port`, with or without scheme, `/v1`, a whole
 * `/v1/chat/completions`) into the base URL the provider's SDK wants, and says what changed.
 * A typed scheme is never switched; an empty input means the kind's (or preset's) default.
 */
export function normalizeBaseUrl(kind: ProviderKind, input: string, preset?: CompatPreset): NormalizedUrl {
  if (kind === 'gguf') return { url: '', note: 'A GGUF file runs inside Ollama Desk; it has no address.' }
  const trimmed = input.trim()
  if (!trimmed) {
    const fallback = defaultBaseUrl(kind, preset)
    if (!fallback) throw new ValidationError('This server needs an address.', [], HINT)
    return { url: fallback, note: `Using the default address ${fallback}.` }
  }
  if (kind === 'ollama') return normalizeOllama(trimmed)
  if (kind === 'anthropic' || kind === 'gemini') return normalizeOrigin(kind, trimmed)
  return normalizeOpenAiStyle(kind, trimmed, preset)
}
