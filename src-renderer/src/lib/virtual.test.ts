import { describe, expect, it } from 'vitest'
import { indexAt, prefixOffsets, scrollToReveal, viewportHeight, visibleWindow } from './virtual'

describe('virtual list arithmetic', () => {
  const offsets = prefixOffsets(5, (i) => (i === 2 ? 100 : 50)) // 0 50 100 200 250 300

  it('sums heights into offsets', () => {
    expect([...offsets]).toEqual([0, 50, 100, 200, 250, 300])
    expect([...prefixOffsets(0, () => 10)]).toEqual([0])
  })

  it('finds the row under a point', () => {
    expect(indexAt(offsets, 0)).toBe(0)
    expect(indexAt(offsets, 49)).toBe(0)
    expect(indexAt(offsets, 50)).toBe(1)
    expect(indexAt(offsets, 199)).toBe(2)
    expect(indexAt(offsets, 10_000)).toBe(4)
    expect(indexAt(prefixOffsets(0, () => 1), 5)).toBe(0)
  })

  it('renders only the rows in view plus overscan', () => {
    expect(visibleWindow(offsets, 120, 60, 0)).toEqual({ start: 2, end: 3 })
    expect(visibleWindow(offsets, 120, 60, 60)).toEqual({ start: 1, end: 4 })
    expect(visibleWindow(offsets, 0, 10_000, 0)).toEqual({ start: 0, end: 5 })
    expect(visibleWindow(prefixOffsets(0, () => 1), 0, 100, 10)).toEqual({ start: 0, end: 0 })
  })

  it('scrolls just enough to reveal rows', () => {
    expect(scrollToReveal(offsets, 1, 1, 120, 60)).toBe(50)
    expect(scrollToReveal(offsets, 3, 4, 0, 100)).toBe(200)
    expect(scrollToReveal(offsets, 2, 2, 100, 200)).toBeUndefined()
    expect(scrollToReveal(offsets, 9, 9, 0, 100)).toBeUndefined()
  })

  it('assumes a window height before layout', () => {
    expect(viewportHeight(null)).toBe(800)
    expect(viewportHeight(document.createElement('div'), 300)).toBe(300)
  })
})
