/** A run of text with one style; the terminal UI draws each as an Ink <Text>. */
export interface Segment {
  text: string
  bold?: boolean
  italic?: boolean
  dim?: boolean
  color?: 'cyan' | 'green' | 'yellow' | 'magenta' | 'blue' | 'red' | 'gray'
}
export type StyledLine = Segment[]

/** Inline Markdown: `code`, **bold**, *italic* / _italic_, [text](url) shown as `text (url)`. */
export function inlineSegments(text: string): Segment[] {
  const segments: Segment[] = []
  const pattern = /(`+)([^`]+?)\1|\*\*([^*]+)\*\*|__([^_]+)__|\*([^*\s][^*]*)\*|(?<![\w])_([^_\s][^_]*)_(?![\w])|\[([^\]]+)\]\(([^)\s]+)\)/g
  let last = 0
  for (const match of text.matchAll(pattern)) {
    if (match.index > last) segments.push({ text: text.slice(last, match.index) })
    const [, , code, bold, bold2, italic, italic2, label, url] = match
    if (code !== undefined) segments.push({ text: code, color: 'cyan' })
    else if (bold !== undefined || bold2 !== undefined) segments.push({ text: (bold ?? bold2)!, bold: true })
    else if (italic !== undefined || italic2 !== undefined) segments.push({ text: (italic ?? italic2)!, italic: true })
    else segments.push({ text: label!, color: 'blue' }, { text: ` (${url})`, dim: true })
    last = match.index + match[0].length
  }
  if (last < text.length) segments.push({ text: text.slice(last) })
  return segments
}

const FENCE = /^\s*(```+|~~~+)\s*([\w+#.-]*)/

/**
 * Markdown as styled terminal lines: headings bold, fenced code behind a bar with its language,
 * lists with bullets, quotes dimmed, inline styles. Works on half-streamed text: an unclosed fence
 * is drawn as code so far. No HTML is interpreted: a model's `<script>` is text.
 */
export function markdownLines(markdown: string): StyledLine[] {
  const lines: StyledLine[] = []
  let fence: string | null = null
  for (const raw of markdown.split('\n')) {
    const opened = FENCE.exec(raw)
    if (fence !== null) {
      if (opened && raw.trim().startsWith(fence)) {
        fence = null
        continue
      }
      lines.push([{ text: '│ ', dim: true }, { text: raw, color: 'green' }])
      continue
    }
    if (opened) {
      fence = opened[1]!
      lines.push([{ text: `╭ ${opened[2] || 'code'}`, dim: true }])
      continue
    }
    lines.push(blockLine(raw))
  }
  return lines
}

function blockLine(raw: string): StyledLine {
  const heading = /^(#{1,6})\s+(.*)$/.exec(raw)
  if (heading) return [{ text: heading[2]!, bold: true, color: heading[1]!.length <= 2 ? 'magenta' : undefined }]
  const bullet = /^(\s*)[-*+]\s+(.*)$/.exec(raw)
  if (bullet) return [{ text: `${bullet[1]}• ` }, ...inlineSegments(bullet[2]!)]
  const quote = /^>\s?(.*)$/.exec(raw)
  if (quote) return [{ text: '▏ ', dim: true }, ...inlineSegments(quote[1]!).map((segment) => ({ ...segment, dim: true }))]
  if (/^\s*([-*_])\s*\1\s*\1[\s\-*_]*$/.test(raw)) return [{ text: '─'.repeat(20), dim: true }]
  return inlineSegments(raw)
}

/** The plain text of a styled line (for width checks and tests). */
export const plain = (line: StyledLine): string => line.map((segment) => segment.text).join('')
