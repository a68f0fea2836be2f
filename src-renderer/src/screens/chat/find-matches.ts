/** One occurrence of the find bar's text: in which message, and which occurrence inside it. */
export interface FindMatch {
  messageId: string
  occurrence: number
}

/** Every case-insensitive occurrence of `query` in the messages' text, in reading order. */
export function findMatches(messages: readonly { id: string; text: string }[], query: string): FindMatch[] {
  const needle = query.toLocaleLowerCase()
  if (!needle) return []
  const matches: FindMatch[] = []
  for (const message of messages) {
    const hay = message.text.toLocaleLowerCase()
    let occurrence = 0
    for (let at = hay.indexOf(needle); at !== -1; at = hay.indexOf(needle, at + needle.length)) matches.push({ messageId: message.id, occurrence: occurrence++ })
  }
  return matches
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
