import { ValidationError } from '../errors'

export const DEFAULT_OLLAMA_PORT = 11434

/**
 * Turns what people type (`localhost`, `gpu-box:11434`, `http://host/v1/`, `0.0.0.0`) into the
 * base URL Ollama's API answers on. Mirrors the server's own OLLAMA_HOST parsing.
 */
export function normalizeOllamaHost(input: string): string {
  const trimmed = input.trim()
  if (!trimmed) throw new ValidationError('The Ollama host is empty.', [], 'Use for example 127.0.0.1:11434.')
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `http://${trimmed}`
  let url: URL
  try {
    url = new URL(withScheme)
  } catch {
    throw new ValidationError(`"${trimmed}" is not a host name or URL.`, [], 'Use for example 127.0.0.1:11434.')
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ValidationError(`Ollama speaks http or https, not ${url.protocol.replace(':', '')}.`)
  }
  // A server bound to every interface is reached on loopback.
  if (url.hostname === '0.0.0.0') url.hostname = '127.0.0.1'
  if (url.hostname === '[::]') url.hostname = '[::1]'
  // An explicit port after the host (brackets first: the colons inside `[::1]` are not a port).
  const explicitPort = /^[a-z][a-z0-9+.-]*:\/\/(?:[^/@]*@)?(?:\[[^\]]*\]|[^/:]*):\d+/i.test(withScheme)
  if (!url.port && !explicitPort && url.protocol === 'http:') {
    url.port = String(DEFAULT_OLLAMA_PORT)
  }
  const pathname = url.pathname.replace(/\/+$/, '').replace(/\/(v1|api)$/, '')
  return `${url.protocol}//${url.host}${pathname}`
}
