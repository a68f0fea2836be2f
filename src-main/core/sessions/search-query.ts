/** Markers around matched words in search snippets. Control characters, so they never occur in stored text. */
export const HIGHLIGHT_START = '\u0002'
export const HIGHLIGHT_END = '\u0003'

const MAX_TERMS = 32
const MAX_TERM_LENGTH = 200
// What the FTS5 tokenizer keeps (categories L* N* Co So, plus combining marks it folds away).
const TOKEN_CHAR = /[\p{L}\p{N}\p{Co}\p{So}]/u

export interface SearchTerm {
  text: string
  /** A balanced "quoted phrase": always matched as typed, never as a prefix. */
  phrase: boolean
}

/** The terms of what a user typed (at most 32), or [] when nothing searchable is left. */
export function searchTerms(input: string): SearchTerm[] {
  // FTS5 reads NUL as the end of the string and control characters are never indexed.
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  const cleaned = input.replace(/[\u0000-\u001f\u007f]/g, ' ')
  const terms: SearchTerm[] = []
  const pattern = /"([^"]*)"|(\S+)/g
  for (let match = pattern.exec(cleaned); match !== null; match = pattern.exec(cleaned)) {
    const phrase = match[1] !== undefined
    const text = (match[1] ?? match[2] ?? '').trim().slice(0, MAX_TERM_LENGTH)
    if (TOKEN_CHAR.test(text)) terms.push({ text, phrase })
    if (terms.length === MAX_TERMS) break
  }
  return terms
}

/**
 * The FTS5 MATCH expression for `terms` (ANDed), or null when there are none. No user character
 * is ever read as syntax: each term becomes a quoted FTS5 string with quotes doubled. With
 * `lastAsPrefix`, the last term (unless a phrase) matches every word starting with it.
 */
export function matchExpression(terms: readonly SearchTerm[], lastAsPrefix: boolean): string | null {
  if (terms.length === 0) return null
  return terms
    .map((term, i) => {
      const quoted = `"${term.text.replace(/"/g, '""')}"`
      return lastAsPrefix && i === terms.length - 1 && !term.phrase ? `${quoted}*` : quoted
    })
    .join(' ')
}

/**
 * Turns anything a user types into a safe FTS5 MATCH expression, or null when nothing searchable
 * is left. No user character is ever read as syntax: each term becomes a quoted FTS5 string with
 * quotes doubled, so `NEAR`, `AND`, `-`, `*`, `(`, `title:` and stray quotes are plain words.
 * A balanced "quoted phrase" stays a phrase; the last term is prefix-matched so results appear
 * while typing. Terms are ANDed.
 */
export const buildMatchExpression = (input: string): string | null => matchExpression(searchTerms(input), true)

/** Removes the highlight markers from text we store, so a snippet's markers are always ours. */
export const stripMarkers = (text: string): string => text.replaceAll(HIGHLIGHT_START, '').replaceAll(HIGHLIGHT_END, '')
