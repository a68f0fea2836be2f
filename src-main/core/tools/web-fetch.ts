import { CancelledError, NetworkError, ValidationError } from '../errors'
import { DEFAULT_OUTPUT_CAP, ToolFailedError, type ToolContext, type ToolInput } from './specs'

export const DEFAULT_MAX_FETCH_BYTES = 5_000_000
const FETCH_TIMEOUT_MS = 30_000

/** Only http(s): file:, data: and friends would read local files or smuggle content. */
export function parseFetchUrl(raw: string): URL {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new ValidationError(`"${raw.slice(0, 200)}" is not a valid URL.`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ValidationError(`Only http and https URLs can be fetched, not ${url.protocol} ones.`)
  return url
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', mdash: '—', ndash: '–', hellip: '…', copy: '©' }

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name.startsWith('#')) {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10)
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole
    }
    return ENTITIES[name.toLowerCase()] ?? whole
  })
}

/** HTML to readable text: drops scripts, styles and markup, keeps block structure as line breaks. */
export function htmlToText(html: string): string {
  const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(html)?.[1]?.trim()
  const text = html
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<(script|style|noscript|template|svg|head)\b[\s\S]*?<\/\1\s*>/gi, '')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<li\b[^>]*>/gi, '\n- ')
    .replace(/<h([1-6])\b[^>]*>/gi, (_m, level: string) => `\n\n${'#'.repeat(Number(level))} `)
    .replace(/<\/(p|div|section|article|header|footer|main|nav|aside|h[1-6]|ul|ol|table|tr|blockquote|pre|form)\s*>/gi, '\n\n')
    .replace(/<\/(td|th)\s*>/gi, '\t')
    .replace(/<[^>]*>/g, '')
  const lines = decodeEntities(text)
    .split('\n')
    .map((line) => line.replace(/[ \t\f\v\u00a0]+/g, ' ').trim())
  const body = lines.join('\n').replace(/\n{3,}/g, '\n\n').trim()
  return title ? `${decodeEntities(title)}\n\n${body}` : body
}

/** Reads at most `maxBytes` of the body and cancels the rest. */
async function readCapped(response: Response, maxBytes: number): Promise<{ bytes: Uint8Array; truncated: boolean }> {
  if (!response.body) return { bytes: new Uint8Array(), truncated: false }
  const reader = response.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  let truncated = false
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    const room = maxBytes - size
    if (value.byteLength > room) {
      chunks.push(value.subarray(0, room))
      size += room
      truncated = true
      await reader.cancel().catch(() => undefined)
      break
    }
    chunks.push(value)
    size += value.byteLength
  }
  const bytes = new Uint8Array(size)
  let at = 0
  for (const chunk of chunks) {
    bytes.set(chunk, at)
    at += chunk.byteLength
  }
  return { bytes, truncated }
}

const TEXTUAL = /^(text\/|application\/(json|xml|xhtml\+xml|javascript|ld\+json|rss\+xml|atom\+xml)|[^;]*\+(json|xml))/i

export async function webFetchTool(input: ToolInput<'WebFetch'>, ctx: ToolContext): Promise<{ ok: boolean; output: string }> {
  const url = parseFetchUrl(input.url)
  const doFetch = ctx.fetch ?? globalThis.fetch
  const maxBytes = ctx.maxFetchBytes ?? DEFAULT_MAX_FETCH_BYTES
  const signal = AbortSignal.any([ctx.signal, AbortSignal.timeout(FETCH_TIMEOUT_MS)])
  let response: Response
  try {
    response = await doFetch(url, { signal, redirect: 'follow', headers: { accept: 'text/html,text/plain,application/json;q=0.9,*/*;q=0.5' } })
  } catch (error) {
    if (ctx.signal.aborted) throw new CancelledError()
    throw new NetworkError(`Could not fetch ${url.href}: ${(error as Error).message}`, { cause: error })
  }
  const type = response.headers.get('content-type') ?? ''
  const mime = type.split(';')[0]?.trim().toLowerCase() ?? ''
  if (mime !== '' && !TEXTUAL.test(mime)) {
    await response.body?.cancel().catch(() => undefined)
    throw new ToolFailedError(`${url.href} returned ${mime} content, which WebFetch cannot show as text.`, 'E_UNSUPPORTED')
  }
  const { bytes, truncated } = await readCapped(response, maxBytes)
  const raw = new TextDecoder().decode(bytes)
  const looksHtml = mime.includes('html') || (mime === '' && /^\s*<(!doctype html|html)/i.test(raw))
  let text = looksHtml ? htmlToText(raw) : raw
  const cap = ctx.outputCap ?? DEFAULT_OUTPUT_CAP
  if (text.length > cap) text = `${text.slice(0, cap)}\n[content truncated at ${cap} characters]`
  else if (truncated) text += `\n[content truncated: the page is larger than ${maxBytes} bytes]`
  const final = response.url && response.url !== url.href ? ` (redirected to ${response.url})` : ''
  const header = `Fetched ${url.href}${final}: HTTP ${response.status}${mime ? `, ${mime}` : ''}`
  if (!response.ok) return { ok: false, output: `${header}\n\n${text.slice(0, 2000)}` }
  return { ok: true, output: `${header}\n\nApply this prompt to the content below: ${input.prompt}\n\n---\n${text}` }
}
