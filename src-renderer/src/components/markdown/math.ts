/**
 * Math in replies. remark-math reads `$…$` and `$$…$$`; models also write LaTeX's own `\(…\)` and
 * `\[…\]`, so those become dollars first, outside code (fenced blocks and inline code keep their text).
 */

const fence = /^ {0,3}(`{3,}|~{3,})/

/** Applies `convert` to the prose of `text`, leaving fenced code blocks and inline code as written. */
function outsideCode(text: string, convert: (prose: string) => string): string {
  const lines = text.split('\n')
  const out: string[] = []
  let prose: string[] = []
  let open: string | undefined
  const flush = (): void => {
    if (prose.length) out.push(convertInline(prose.join('\n'), convert))
    prose = []
  }
  for (const line of lines) {
    const marker = fence.exec(line)?.[1]
    if (open) {
      out.push(line)
      if (marker && marker[0] === open[0] && marker.length >= open.length && line.trim() === marker) open = undefined
    } else if (marker) {
      flush()
      open = marker
      out.push(line)
    } else prose.push(line)
  }
  flush()
  return out.join('\n')
}

/** Splits on inline code spans (`…`, ``…``) and converts only what lies between them. */
function convertInline(prose: string, convert: (text: string) => string): string {
  // split() with two groups yields [text, ticks, code, text, ticks, code, …].
  const parts = prose.split(/(`+)([\s\S]*?[^`])\1(?!`)/)
  return parts.map((part, i) => (i % 3 === 0 ? convert(part) : i % 3 === 1 ? `${part}${parts[i + 1] ?? ''}${part}` : '')).join('')
}

/** `\[…\]` becomes a `$$` block on its own lines, `\(…\)` becomes `$…$`. */
export function normalizeMathDelimiters(text: string): string {
  if (!text.includes('\\(') && !text.includes('\\[')) return text
  return outsideCode(text, (prose) =>
    prose
      .replace(/\\\[([\s\S]+?)\\\]/g, (_all, body: string) => `\n$$\n${body.trim()}\n$$\n`)
      .replace(/\\\(([\s\S]+?)\\\)/g, (_all, body: string) => `$${body.trim()}$`),
  )
}

/** Whether a text may hold math at all: cheap, so plain replies never load KaTeX. */
export function mayHaveMath(text: string): boolean {
  return /\$[^$\s]|\\\(|\\\[/.test(text)
}
