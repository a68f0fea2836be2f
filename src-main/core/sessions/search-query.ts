/** Markers around matched words in search snippets. Control characters, so they never occur in stored text. */
export const HIGHLIGHT_START = '\u0002'
export const HIGHLIGHT_END = '\u0003'

const MAX_TERMS = 32
const MAX_TERM_LENGTH = 200
// What the FTS5 tokenizer keeps (categories L* N* Co So, plus combining marks it folds away).
const TOKEN_CHAR = /[\p{L}\p{N}\p{Co}\p{So}]/u

/**
 * Turns anything a user types into a safe FTS5 MATCH expression, or null when nothing searchable
 * is left. No user character is ever read as syntax: each term becomes a quoted FTS5 string with
 * quotes doubled, so `NEAR`, `AND`, `-`, `*`, `(`, `title:` and stray quotes are plain words.
 * A balanced "quoted phrase" stays a phrase; the last term is prefix-matched so results appear
 * while typing. Terms are ANDed.
 */
export function buildMatchExpression(input: string): string | null {
  // FTS5 reads NUL as the end of the string and control characters are never indexed.
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  const cleaned = input.replace(/[\u0000-\u001f\u007f]/g, ' ')
  const terms: { text: string; phrase: boolean }[] = []
  const pattern = /"([^"]*)"|(\S+)/g
  for (let match = pattern.exec(cleaned); match !== null; match = pattern.exec(cleaned)) {
    const phrase = match[1] !== undefined
    const text = (match[1] ?? match[2] ?? '').trim().slice(0, MAX_TERM_LENGTH)
    if (TOKEN_CHAR.test(text)) terms.push({ text, phrase })
    if (terms.length === MAX_TERMS) break
  }
  if (terms.length === 0) return null
  return terms
    .map((term, i) => {
      const quoted = `"${term.text.replace(/"/g, '""')}"`
      return i === terms.length - 1 && !term.phrase ? `${quoted}*` : quoted
    })
    .join(' ')
}

/** Removes the highlight markers from text we store, so a snippet's markers are always ours. */
export const stripMarkers = (text: string): string => text.replaceAll(HIGHLIGHT_START, '').replaceAll(HIGHLIGHT_END, '')
