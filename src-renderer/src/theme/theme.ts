import type { Settings } from '../../../src-shared/contract'

export type ResolvedTheme = 'light' | 'dark'

export function resolveTheme(theme: Settings['appearance']['theme'], prefersDark: boolean): ResolvedTheme {
  if (theme === 'system') return prefersDark ? 'dark' : 'light'
  return theme
}

/** Picks black or white text for the accent colour, by WCAG relative luminance. */
export function onAccent(hex: string): '#000000' | '#ffffff' {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4
  }) as [number, number, number]
  const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
  return luminance > 0.179 ? '#000000' : '#ffffff'
}

export function applyTheme(root: HTMLElement, appearance: Settings['appearance'], prefersDark: boolean): ResolvedTheme {
  const resolved = resolveTheme(appearance.theme, prefersDark)
  root.dataset.theme = resolved
  root.style.setProperty('--accent', appearance.accent)
  root.style.setProperty('--on-accent', onAccent(appearance.accent))
  root.style.colorScheme = resolved
  return resolved
}
