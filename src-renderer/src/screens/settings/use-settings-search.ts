import { useLayoutEffect, useState, type RefObject } from 'react'
import { cardMatches, settingsCards, searchWords } from '../../app/settings-sections'

/** The name of the CSS highlight (`::highlight(settings-match)`) that marks the words found. */
export const MATCH_HIGHLIGHT = 'settings-match'

const sameSet = (a: ReadonlySet<string>, b: ReadonlySet<string>): boolean => a.size === b.size && [...a].every((id) => b.has(id))

/** The cards that answer `query`, reading each card's shown text from `body` (`[data-card]` slots). */
function matchingCards(body: HTMLElement | null, words: string[]): Set<string> {
  const ids = new Set<string>()
  for (const card of settingsCards) {
    const slot = body?.querySelector<HTMLElement>(`[data-card="${card.id}"]`)
    if (cardMatches(card, words, slot?.textContent ?? '')) ids.add(card.id)
  }
  return ids
}

const LETTER = /[\p{L}\p{N}]/u

/** Where each word starts a word in `text` (so "to" finds "to talk", not "into"). */
function wordStarts(text: string, words: string[]): [number, number][] {
  const found: [number, number][] = []
  for (const word of words) {
    for (let at = text.indexOf(word); at !== -1; at = text.indexOf(word, at + word.length)) {
      if (at === 0 || !LETTER.test(text[at - 1] ?? '')) found.push([at, at + word.length])
    }
  }
  return found
}

/** Ranges over the words in the text under `root`, the status line aside. */
function matchRanges(root: HTMLElement, words: string[]): Range[] {
  const ranges: Range[] = []
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT)
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement
    if (!parent || parent.closest('option, script, style, [role="status"]')) continue
    for (const [start, end] of wordStarts((node.textContent ?? '').toLowerCase(), words)) {
      const range = document.createRange()
      range.setStart(node, start)
      range.setEnd(node, end)
      ranges.push(range)
    }
  }
  return ranges
}

/**
 * Search in Settings: which cards match (their titles, search terms and everything they show), kept
 * up to date as cards load their data, and the matching words highlighted in place through the CSS
 * Custom Highlight API (the page's DOM is left alone).
 */
export function useSettingsSearch(body: RefObject<HTMLElement | null>, query: string): ReadonlySet<string> {
  const [visible, setVisible] = useState<ReadonlySet<string>>(() => new Set(settingsCards.map((card) => card.id)))
  const words = searchWords(query)
  const key = words.join(' ')

  useLayoutEffect(() => {
    const list = key ? key.split(' ') : []
    const registry = typeof CSS !== 'undefined' && typeof Highlight !== 'undefined' ? CSS.highlights : undefined
    const update = (): void => {
      setVisible((current) => {
        const next = matchingCards(body.current, list)
        return sameSet(current, next) ? current : next
      })
      // Text in hidden cards is not painted, so its ranges show nothing.
      if (registry && body.current && list.length) registry.set(MATCH_HIGHLIGHT, new Highlight(...matchRanges(body.current, list)))
    }
    update()
    if (!list.length || !body.current) return
    // Cards fill in as their data arrives: search what they show now, not only what they showed first.
    const observer = new MutationObserver(update)
    observer.observe(body.current, { childList: true, subtree: true, characterData: true })
    return () => {
      observer.disconnect()
      registry?.delete(MATCH_HIGHLIGHT)
    }
  }, [body, key])

  return visible
}
