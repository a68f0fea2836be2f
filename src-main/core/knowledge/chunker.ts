import type { ChunkInput } from './base'

/** About four characters a token, like the rest of the app's estimates. */
export const estimateTokens = (text: string): number => (text.length === 0 ? 0 : Math.ceil(text.length / 4))

export interface ChunkOptions {
  /** Largest chunk, in estimated tokens (a block longer than this is cut at line ends). */
  maxTokens?: number
  /** Tokens of the previous chunk's end repeated at the start of the next one. */
  overlapTokens?: number
}

export type ChunkStyle = 'markdown' | 'code' | 'table' | 'lines' | 'prose'

/** How a kind of document is cut: Markdown by headings, code by blank lines, CSV/JSON lines by rows. */
export function chunkStyleOf(kind: string): ChunkStyle {
  if (kind === 'markdown') return 'markdown'
  if (kind === 'code') return 'code'
  if (kind === 'csv') return 'table'
  if (kind === 'json') return 'lines'
  return 'prose'
}

interface Block {
  text: string
  heading: string
  lineStart: number
  lineEnd: number
}

const HEADING = /^(#{1,6})\s+(.*?)\s*#*\s*$/
const FENCE = /^\s*(`{3,}|~{3,})/

/**
 * Cuts text into blocks that follow its structure: Markdown headings start a section (the heading
 * path goes with every block under it) and fenced code stays whole; paragraphs end at blank lines;
 * code ends at blank lines; table rows are blocks of their own (the header row is repeated as the heading).
 */
function blocksOf(text: string, style: ChunkStyle, firstLine: number): Block[] {
  const lines = text.split(/\r\n|\n|\r/)
  const blocks: Block[] = []
  const headings: string[] = []
  let current: string[] = []
  let start = firstLine
  let fence: string | null = null
  const tableHeader = style === 'table' ? (lines[0] ?? '') : ''
  const flush = (end: number): void => {
    if (current.some((line) => line.trim() !== '')) blocks.push({ text: current.join('\n').trim(), heading: style === 'table' ? tableHeader : headings.filter(Boolean).join(' › '), lineStart: start, lineEnd: end })
    current = []
  }
  lines.forEach((line, i) => {
    const number = firstLine + i
    if (current.length === 0) start = number
    if (style === 'markdown') {
      const opens = FENCE.exec(line)
      if (fence !== null) {
        current.push(line)
        if (opens && line.trim().startsWith(fence)) {
          fence = null
          flush(number)
        }
        return
      }
      if (opens) {
        flush(number - 1)
        start = number
        fence = opens[1]!
        current.push(line)
        return
      }
      const heading = HEADING.exec(line)
      if (heading) {
        flush(number - 1)
        headings.length = heading[1]!.length - 1
        headings[heading[1]!.length - 1] = heading[2]!
        return
      }
    }
    if ((style === 'table' || style === 'lines') && line.trim() !== '') {
      if (style === 'table' && i === 0) return
      current.push(line)
      flush(number)
      return
    }
    if (line.trim() === '') {
      flush(number - 1)
      return
    }
    current.push(line)
  })
  flush(firstLine + lines.length - 1)
  return blocks
}

/** A block longer than the limit, cut at line ends (a single huge line at the limit). */
function splitBlock(block: Block, maxChars: number): Block[] {
  if (block.text.length <= maxChars) return [block]
  const out: Block[] = []
  const lines = block.text.split('\n')
  let part: string[] = []
  let size = 0
  let start = block.lineStart
  lines.forEach((line, i) => {
    const number = block.lineStart + i
    for (let offset = 0; offset < Math.max(line.length, 1); offset += maxChars) {
      const piece = line.slice(offset, offset + maxChars)
      if (size + piece.length > maxChars && part.length > 0) {
        out.push({ ...block, text: part.join('\n'), lineStart: start, lineEnd: number - (offset === 0 ? 1 : 0) })
        part = []
        size = 0
        start = number
      }
      part.push(piece)
      size += piece.length + 1
    }
  })
  if (part.length > 0) out.push({ ...block, text: part.join('\n'), lineStart: start, lineEnd: block.lineEnd })
  return out
}

/** The last whole lines of a text up to `chars`, repeated at the start of the next chunk. */
function tail(text: string, chars: number): string {
  if (chars <= 0) return ''
  if (text.length <= chars) return text
  const cut = text.indexOf('\n', text.length - chars)
  const spaceCut = text.indexOf(' ', text.length - chars)
  const at = cut !== -1 ? cut + 1 : spaceCut !== -1 ? spaceCut + 1 : text.length - chars
  return text.slice(at)
}

/**
 * Structure-aware chunks of a document's text: blocks from blocksOf packed together up to
 * `maxTokens`, a new chunk at every Markdown section, with the end of the previous chunk (up to
 * `overlapTokens`) repeated at the start of the next one of the same section. Line numbers are
 * the lines of the original file (`firstLine` for text that starts further down, a page's number for PDFs).
 */
export function chunkText(text: string, kind: string, options: ChunkOptions & { firstLine?: number; page?: number | null } = {}): ChunkInput[] {
  const maxChars = (options.maxTokens ?? 350) * 4
  const overlapChars = (options.overlapTokens ?? 40) * 4
  const style = chunkStyleOf(kind)
  const blocks = blocksOf(text, style, options.firstLine ?? 1).flatMap((block) => splitBlock(block, maxChars))
  const chunks: ChunkInput[] = []
  let open: Block | null = null
  const close = (): void => {
    if (!open) return
    chunks.push({ heading: open.heading, text: open.text, page: options.page ?? null, lineStart: open.lineStart, lineEnd: open.lineEnd, tokens: estimateTokens(open.text) })
    open = null
  }
  for (const block of blocks) {
    if (open && (open as Block).heading === block.heading && (open as Block).text.length + block.text.length + 2 <= maxChars) {
      const joined: Block = open
      open = { ...joined, text: `${joined.text}\n\n${block.text}`, lineEnd: block.lineEnd }
      continue
    }
    const previous: Block | null = open
    close()
    const carried: string = previous && previous.heading === block.heading && style !== 'table' && style !== 'lines' ? tail(previous.text, Math.min(overlapChars, maxChars - block.text.length - 2)) : ''
    open = carried && carried !== previous?.text ? { ...block, text: `${carried}\n\n${block.text}` } : block
  }
  close()
  return chunks
}
