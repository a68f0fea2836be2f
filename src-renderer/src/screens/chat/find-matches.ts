/** One occurrence of the find bar's text: in which message, and which occurrence inside it. */
export interface FindMatch {
  messageId: string
  occurrence: number
}

/** Every occurrence the core found (`sessions.find`: messages with their counts), one by one in reading order. */
export function findMatches(found: readonly { messageId: string; count: number }[]): FindMatch[] {
  return found.flatMap(({ messageId, count }) => Array.from({ length: count }, (_, occurrence) => ({ messageId, occurrence })))
}

/** Text ranges of `query` inside an element's rendered text (for highlights), in document order. */
export function rangesIn(root: Node, query: string): Range[] {
  const needle = query.toLocaleLowerCase()
  const ranges: Range[] = []
  if (!needle) return ranges
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT)
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const hay = (node.nodeValue ?? '').toLocaleLowerCase()
    for (let at = hay.indexOf(needle); at !== -1; at = hay.indexOf(needle, at + needle.length)) {
      const range = document.createRange()
      range.setStart(node, at)
      range.setEnd(node, at + needle.length)
      ranges.push(range)
    }
  }
  return ranges
}
