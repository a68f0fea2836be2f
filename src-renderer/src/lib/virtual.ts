/**
 * Arithmetic for virtual lists: rows have known (or estimated) heights, the list renders only the
 * rows that intersect the viewport plus some overscan, and spacers stand in for the rest.
 */

/** offsets[i] is the top of row i; offsets[count] is the total height. */
export function prefixOffsets(count: number, heightAt: (index: number) => number): Float64Array {
  const offsets = new Float64Array(count + 1)
  for (let i = 0; i < count; i++) offsets[i + 1] = offsets[i]! + heightAt(i)
  return offsets
}

/** The row that contains y (the last one when y is past the end; 0 for an empty list). */
export function indexAt(offsets: Float64Array, y: number): number {
  const count = offsets.length - 1
  if (count <= 0) return 0
  let low = 0
  let high = count - 1
  while (low < high) {
    const mid = (low + high + 1) >> 1
    if (offsets[mid]! <= y) low = mid
    else high = mid - 1
  }
  return low
}

export interface VisibleWindow {
  start: number
  /** Exclusive. */
  end: number
}

/** Rows to render for a scroll position, with `overscan` pixels of slack above and below. */
export function visibleWindow(offsets: Float64Array, scrollTop: number, viewport: number, overscan: number): VisibleWindow {
  const count = offsets.length - 1
  if (count <= 0) return { start: 0, end: 0 }
  const start = indexAt(offsets, Math.max(0, scrollTop - overscan))
  const end = Math.min(count, indexAt(offsets, scrollTop + viewport + overscan) + 1)
  return { start, end }
}

/** The scrollTop that brings rows first..last fully into view, or undefined when they already are. */
export function scrollToReveal(offsets: Float64Array, first: number, last: number, scrollTop: number, viewport: number): number | undefined {
  const top = offsets[first]
  const bottom = offsets[last + 1]
  if (top === undefined || bottom === undefined) return undefined
  if (top < scrollTop) return top
  if (bottom > scrollTop + viewport) return Math.max(0, bottom - viewport)
  return undefined
}

/** Before layout (and in tests) an element reports 0 px; assume a typical window then. */
export const viewportHeight = (element: HTMLElement | null, fallback = 800): number => element?.clientHeight || fallback
