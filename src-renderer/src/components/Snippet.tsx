import { HIGHLIGHT_END, HIGHLIGHT_START } from '../../../src-shared/contract'

export interface SnippetPart {
  text: string
  marked: boolean
}

/** Splits a search snippet at its highlight markers; stray or unbalanced markers are dropped. */
export function snippetParts(snippet: string): SnippetPart[] {
  const parts: SnippetPart[] = []
  let marked = false
  let text = ''
  const flush = (): void => {
    if (text) parts.push({ text, marked })
    text = ''
  }
  for (const char of snippet) {
    if (char === HIGHLIGHT_START || char === HIGHLIGHT_END) {
      flush()
      marked = char === HIGHLIGHT_START
    } else text += char
  }
  flush()
  return parts
}

/** The snippet as text with <mark>ed words: React escapes everything, nothing is parsed as HTML. */
export function Snippet({ text }: { text: string }) {
  return (
    <>
      {snippetParts(text).map((part, i) => (part.marked ? <mark key={i}>{part.text}</mark> : <span key={i}>{part.text}</span>))}
    </>
  )
}
