import { describe, expect, it } from 'vitest'
import { applyTheme, onAccent, resolveTheme } from './theme'

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
  })
})
