import { useEffect, useState } from 'react'
import { useAppStore } from '../store/app-store'
import { applyDisplay, applyTheme } from './theme'

const DEFAULT_APPEARANCE = { theme: 'system', accent: '#4f7cff' } as const

/** Applies the saved theme (following the OS when the theme is "system") and how chats look. */
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
  const display = useAppStore((state) => state.settings?.display)
  useEffect(() => {
    if (display) applyDisplay(document.documentElement, display)
  }, [display])
}
