import { useEffect, useState } from 'react'
import { useAppStore } from '../store/app-store'
import { applyTheme } from './theme'

const DEFAULT_APPEARANCE = { theme: 'system', accent: '#4f7cff' } as const

/** Applies the saved theme and follows the OS when the theme is "system". */
export function useThemeSync(): void {
  const appearance = useAppStore((state) => state.settings?.appearance) ?? DEFAULT_APPEARANCE
  const query = typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : undefined
  const [prefersDark, setPrefersDark] = useState(query?.matches ?? false)
  useEffect(() => {
    if (!query) return
    const listener = (event: MediaQueryListEvent): void => setPrefersDark(event.matches)
    query.addEventListener('change', listener)
    return () => query.removeEventListener('change', listener)
  }, [query])
  useEffect(() => {
    applyTheme(document.documentElement, appearance, prefersDark)
  }, [appearance, prefersDark])
}
