import { describe, expect, it } from 'vitest'
import { accentText, applyTheme, contrast, onAccent, resolveTheme } from './theme'

describe('theme', () => {
  it('follows the OS only when the theme is system', () => {
    expect(resolveTheme('system', true)).toBe('dark')
    expect(resolveTheme('system', false)).toBe('light')
    expect(resolveTheme('light', true)).toBe('light')
    expect(resolveTheme('dark', false)).toBe('dark')
  })

  it('picks readable text for the accent', () => {
    expect(onAccent('#ffffff')).toBe('#000000')
    expect(onAccent('#f59e0b')).toBe('#000000')
    expect(onAccent('#1e3a8a')).toBe('#ffffff')
    expect(onAccent('#000000')).toBe('#ffffff')
  })

  it('writes the theme and accent onto the root element', () => {
    const root = document.createElement('div')
    expect(applyTheme(root, { theme: 'system', accent: '#10b981' }, true)).toBe('dark')
    expect(root.dataset.theme).toBe('dark')
    expect(root.style.getPropertyValue('--accent')).toBe('#10b981')
    expect(root.style.getPropertyValue('--on-accent')).toBe('#000000')
    expect(root.style.getPropertyValue('--accent-text')).toBe(accentText('#10b981', 'dark'))
  })

  it('measures contrast the WCAG way', () => {
    expect(contrast('#000000', '#ffffff')).toBeCloseTo(21, 5)
    expect(contrast('#ffffff', '#ffffff')).toBe(1)
    expect(contrast('#4f7cff', '#ffffff')).toBeCloseTo(3.71, 2) // what axe measured for the old link colour
  })

  it('primary buttons: the text on any accent reads at 4.5:1', () => {
    for (const accent of ['#4f7cff', '#10b981', '#ef4444', '#f59e0b', '#8b5cf6', '#ec4899', '#777777', '#1e3a8a', '#ffff00']) {
      expect(contrast(onAccent(accent), accent), accent).toBeGreaterThanOrEqual(4.5)
    }
  })

  it('accent text reads at 4.5:1 on every surface of its theme, and keeps an accent that already does', () => {
    const surfaces = { light: ['#ffffff', '#f6f7f9', '#eef0f4', '#f1f2f3'], dark: ['#1d2027', '#15171c', '#111318', '#2b2d34'] }
    for (const accent of ['#4f7cff', '#10b981', '#f59e0b', '#1e3a8a', '#ffffff', '#000000']) {
      for (const theme of ['light', 'dark'] as const) {
        const text = accentText(accent, theme)
        for (const surface of surfaces[theme]) expect(contrast(text, surface), `${accent} as ${text} on ${surface}`).toBeGreaterThanOrEqual(4.5)
      }
    }
    expect(accentText('#1e3a8a', 'light')).toBe('#1e3a8a')
    expect(accentText('#4f7cff', 'light')).not.toBe('#4f7cff')
  })
})
