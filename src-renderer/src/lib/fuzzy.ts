export interface FuzzyMatch {
  score: number
  /** Indices of the matched characters, for highlighting. */
  indices: number[]
}

/**
 * Subsequence match, scored like editors' quick-open: consecutive runs and word starts count
 * more, earlier matches beat later ones. Returns undefined when not every query letter appears.
 */
export function fuzzyMatch(query: string, text: string): FuzzyMatch | undefined {
  const q = query.trim().toLowerCase()
  if (!q) return { score: 0, indices: [] }
  const t = text.toLowerCase()
  const indices: number[] = []
  let score = 0
  let from = 0
  for (const char of q) {
    if (char === ' ') continue
    const at = t.indexOf(char, from)
    if (at === -1) return undefined
    const previous = indices[indices.length - 1]
    const wordStart = at === 0 || /[\s\-_:&/.]/.test(t[at - 1] ?? '')
    score += 1
    if (previous !== undefined && at === previous + 1) score += 5
    if (wordStart) score += 8
    score -= Math.min(at - from, 10) * 0.1
    indices.push(at)
    from = at + 1
  }
  return { score: score - text.length * 0.01, indices }
}

export function fuzzyFilter<T>(items: readonly T[], query: string, text: (item: T) => string): { item: T; match: FuzzyMatch }[] {
  return items
    .map((item) => ({ item, match: fuzzyMatch(query, text(item)) }))
    .filter((entry): entry is { item: T; match: FuzzyMatch } => entry.match !== undefined)
    .sort((a, b) => b.match.score - a.match.score)
}
