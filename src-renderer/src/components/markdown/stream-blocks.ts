/**
 * A streaming reply split into Markdown blocks: paragraphs, lists, tables and code fences end at a
 * blank line outside a fence. Finished blocks never change, so each renders once; only the last,
 * still growing block is parsed again as text arrives. Without this a long reply is parsed whole on
 * every update, and each frame's work grows with the reply (quadratic in its length).
 */

/** A fence opener or closer: 3+ backticks or tildes, up to 3 spaces of indent (CommonMark). */
const FENCE = /^ {0,3}(`{3,}|~{3,})/

export interface StreamBlocks {
  /** Blocks that are complete: text after them cannot change how they render (but see below). */
  done: string[]
  /** The block still being written. */
  tail: string
}

export function splitStreamBlocks(text: string): StreamBlocks {
  const done: string[] = []
  const lines = text.split('\n')
  let fence: string | undefined
  let start = 0
  let offset = 0
  for (let i = 0; i < lines.length - 1; i++) {
    const line = lines[i]!
    const marker = FENCE.exec(line)?.[1]
    if (marker) {
      if (fence === undefined) fence = marker
      else if (marker[0] === fence[0] && marker.length >= fence.length && line.trim() === marker) fence = undefined
    }
    offset += line.length + 1
    // A blank line outside a fence ends a block, unless the next line continues a list or an
    // indented block (a "loose" list keeps its items together).
    if (fence === undefined && line.trim() === '' && !continuesBlock(lines[i + 1]!)) {
      const block = text.slice(start, offset)
      if (block.trim() !== '') done.push(block)
      start = offset
    }
  }
  return { done, tail: text.slice(start) }
}

/** Lines that belong to the block before a blank line: list items and indented continuations. */
function continuesBlock(next: string): boolean {
  return /^(\s{2,}|\t)\S/.test(next) || /^ {0,3}([-+*]|\d{1,9}[.)])(\s|$)/.test(next)
}

/** Past this many characters the growing block shows as plain text until it is finished (or the reply ends). */
export const PLAIN_TAIL_CHARS = 6_000
