import path from 'node:path'
import type { ScoredPassage } from './retrieve'

export interface Citation {
  /** The number the model cites it by: [1], [2] … */
  n: number
  base: string
  chunk: number
  file: string
  page: number | null
  lineStart: number
  lineEnd: number
}

/** Where a passage is, as the user reads it: the file name, then the page or the lines. */
export function citationLabel(c: Pick<Citation, 'file' | 'page' | 'lineStart' | 'lineEnd'>): string {
  const where = c.page !== null ? `page ${c.page}` : c.lineStart === c.lineEnd ? `line ${c.lineStart}` : `lines ${c.lineStart}–${c.lineEnd}`
  return `${path.basename(c.file)}, ${where}`
}

/**
 * The passages a chat sends with a prompt: best first, as many as fit in `budgetTokens`, each
 * numbered with where it comes from, and an instruction to cite them by number. A passage that
 * does not fit is left out whole (never cut), and a later smaller one may still fit.
 */
export function knowledgeContext(passages: readonly ScoredPassage[], budgetTokens: number): { text: string; citations: Citation[] } | null {
  const header = 'Passages from the user\'s knowledge bases that may help with this message. Cite the ones you use by their number in square brackets, like [1]. If they do not answer the question, say so rather than guessing.'
  let used = Math.ceil(header.length / 4)
  const citations: Citation[] = []
  const blocks: string[] = []
  for (const p of passages) {
    const n = citations.length + 1
    const citation: Citation = { n, base: p.base, chunk: p.chunk, file: p.file, page: p.page, lineStart: p.lineStart, lineEnd: p.lineEnd }
    const body = p.heading ? `${p.heading}\n${p.text}` : p.text
    const block = `[${n}] ${citationLabel(citation)}\n${body}`
    const cost = Math.ceil(block.length / 4) + 2
    if (used + cost > budgetTokens) continue
    used += cost
    citations.push(citation)
    blocks.push(block)
  }
  if (citations.length === 0) return null
  return { text: `${header}\n\n${blocks.join('\n\n')}`, citations }
}
