import { useEffect, useRef, type RefObject } from 'react'
import { useAppStore } from '../../store/app-store'

export interface BrowserKeys {
  move(to: number | 'first' | 'last'): void
  open(): void
  remove(): void
  rename(): void
  toggle(): void
  focusSearch(): void
  escape(): void
}

const NOT_TYPED_INTO = new Set(['checkbox', 'radio', 'button', 'submit', 'reset', 'color', 'file', 'range'])

/** A control that takes typing or arrow keys itself (a checkbox does not). */
const isEditable = (element: Element | null): boolean =>
  (element instanceof HTMLInputElement && !NOT_TYPED_INTO.has(element.type)) ||
  element instanceof HTMLTextAreaElement ||
  element instanceof HTMLSelectElement ||
  (element instanceof HTMLElement && element.isContentEditable)

/**
 * The session browser's keys, active while the screen is shown. Typing in a field is never
 * intercepted; Enter and Space act only from the list (or nowhere in particular), so buttons keep them.
 */
export function useBrowserKeys(container: RefObject<HTMLElement | null>, keys: BrowserKeys): void {
  const latest = useRef(keys)
  latest.current = keys
  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      if (event.defaultPrevented || event.altKey || useAppStore.getState().paletteOpen) return
      const target = event.target instanceof Element ? event.target : null
      if (isEditable(target)) return
      const inside = target === document.body || (target !== null && container.current?.contains(target) === true)
      // '/' finds from anywhere outside a text field (the sidebar link just clicked keeps the focus).
      const find = event.key === '/' && !event.ctrlKey && !event.metaKey
      if (!inside && !find) return
      const onList = target === document.body || target?.getAttribute('role') === 'listbox'
      const mod = event.ctrlKey || event.metaKey
      const k = latest.current
      let handled = true
      if (event.key === '/' && !mod) k.focusSearch()
      else if (mod && event.key !== 'Backspace') handled = false
      else if (event.key === 'ArrowDown') k.move(1)
      else if (event.key === 'ArrowUp') k.move(-1)
      else if (event.key === 'PageDown') k.move(10)
      else if (event.key === 'PageUp') k.move(-10)
      else if (event.key === 'Home' && onList) k.move('first')
      else if (event.key === 'End' && onList) k.move('last')
      else if (event.key === 'Enter' && onList) k.open()
      else if (event.key === ' ' && onList) k.toggle()
      else if (event.key === 'F2') k.rename()
      // Delete, or Cmd+Backspace as in the macOS Finder; only from the list, never by surprise.
      else if ((event.key === 'Delete' || (event.key === 'Backspace' && event.metaKey)) && onList) k.remove()
      else if (event.key === 'Escape') k.escape()
      else handled = false
      if (handled) event.preventDefault()
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [container])
}
