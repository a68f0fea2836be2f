import { DocumentError } from './errors'

const REPLACEMENT = '\uFFFD'
/** More undecodable characters than this share means the bytes are not text, whatever the name says. */
const MAX_INVALID_SHARE = 0.01

/**
 * Bytes as text: UTF-8 (or UTF-16 with its byte-order mark). A NUL byte or more than 1 % of
 * characters that are not valid UTF-8 means a binary file wearing a text name.
 */
export function decodeText(name: string, data: Uint8Array): string {
  if (data[0] === 0xff && data[1] === 0xfe) return new TextDecoder('utf-16le').decode(data.subarray(2))
  if (data[0] === 0xfe && data[1] === 0xff) return new TextDecoder('utf-16be').decode(data.subarray(2))
  const binary = (): DocumentError =>
    new DocumentError('binary', `${name} is not a text file: its bytes are binary data, whatever its name says.`, 'Attach the original document (PDF, DOCX …) or save it as plain text first.')
  if (data.includes(0)) throw binary()
  const text = new TextDecoder('utf-8').decode(data)
  let invalid = 0
  for (let i = text.indexOf(REPLACEMENT); i !== -1; i = text.indexOf(REPLACEMENT, i + 1)) invalid++
  if (invalid > 0 && invalid / text.length > MAX_INVALID_SHARE) throw binary()
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' }

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, entity: string) => {
    if (entity.startsWith('#')) {
      const code = entity[1] === 'x' || entity[1] === 'X' ? Number.parseInt(entity.slice(2), 16) : Number.parseInt(entity.slice(1), 10)
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole
    }
    return ENTITIES[entity.toLowerCase()] ?? whole
  })
}

const BLOCK_TAGS = /<\/?(p|div|br|li|ul|ol|h[1-6]|tr|table|section|article|header|footer|blockquote|pre|hr|dd|dt)\b[^>]*>/gi

/** The readable text of an HTML page: scripts, styles and comments dropped, tags removed, blocks on their own lines. */
export function htmlText(html: string): string {
  return decodeEntities(
    html
      .replace(/<!--[\s\S]*?-->/g, '')
      .replace(/<(script|style|noscript|template|svg|head)\b[\s\S]*?<\/\1\s*>/gi, '')
      .replace(BLOCK_TAGS, '\n')
      .replace(/<[^>]*>/g, ''),
  )
    .split('\n')
    .map((line) => line.replace(/[ \t\f\v\u00a0]+/g, ' ').trim())
    .filter((line, i, lines) => line !== '' || (i > 0 && lines[i - 1] !== ''))
    .join('\n')
    .trim()
}
