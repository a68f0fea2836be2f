export interface FuzzyMatch {
  score: number
  /** Indices of the matched characters, for highlighting. */
  indices: number[]
}

const isWordStart = (t: string, at: number): boolean => at === 0 || /[\s\-_:&/.›]/.test(t[at - 1] ?? '')

/** Where a query word's first letter goes: the next word that starts with it, else anywhere. */
function firstLetterAt(t: string, char: string, from: number): { at: number; wordStart: boolean } {
  for (let at = t.indexOf(char, from); at !== -1; at = t.indexOf(char, at + 1)) if (isWordStart(t, at)) return { at, wordStart: true }
  return { at: t.indexOf(char, from), wordStart: false }
}

/**
 * Subsequence match, scored like editors' quick-open: consecutive runs and word starts count
 * more, earlier matches beat later ones. Each word of the query starts at a word of the text when
 * one can ("prv hlth" → Providers & Health, not the h inside "What"); a word that cannot costs.
 * Returns undefined when not every query letter appears.
 */
export function fuzzyMatch(query: string, text: string): FuzzyMatch | undefined {
  const q = query.trim().toLowerCase()
  if (!q) return { score: 0, indices: [] }
  const t = text.toLowerCase()
  const indices: number[] = []
  let score = 0
  let from = 0
  let startsWord = true
  for (const char of q) {
    if (char === ' ') {
      startsWord = true
      continue
    }
    const found = startsWord ? firstLetterAt(t, char, from) : { at: t.indexOf(char, from), wordStart: false }
    const at = found.at
    if (at === -1) return undefined
    const previous = indices[indices.length - 1]
    const wordStart = found.wordStart || isWordStart(t, at)
    score += 1
    if (previous !== undefined && at === previous + 1) score += 5
    if (wordStart) score += 8
    else if (startsWord) score -= 6
    score -= Math.min(at - from, 10) * 0.1
    indices.push(at)
    from = at + 1
    startsWord = false
  }
  return { score: score - text.length * 0.01, indices }
}

export function fuzzyFilter<T>(items: readonly T[], query: string, text: (item: T) => string): { item: T; match: FuzzyMatch }[] {
  return items
    .map((item) => ({ item, match: fuzzyMatch(query, text(item)) }))
    .filter((entry): entry is { item: T; match: FuzzyMatch } => entry.match !== undefined)
    .sort((a, b) => b.match.score - a.match.score)
}
