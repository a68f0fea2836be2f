import { useEffect, useId, useMemo, useRef, useState, type KeyboardEvent, type RefObject } from 'react'
import type { ChatTarget, ModelInfo, ProviderView } from '../../../../src-shared/contract'
import { AUTO, sameTarget } from './chat-prefs'
import { groupModels, type ModelGroup } from './model-options'

export const optionId = (base: string, index: number): string => `${base}-opt-${index}`

/** The row a navigation key moves to, or undefined for any other key. */
function movedTo(key: string, active: number, last: number): number | undefined {
  const moves: Record<string, () => number> = {
    ArrowDown: () => Math.min(last, active + 1),
    ArrowUp: () => Math.max(0, active - 1),
    Home: () => 0,
    End: () => last,
    PageDown: () => Math.min(last, active + 8),
    PageUp: () => Math.max(0, active - 8),
  }
  return moves[key]?.()
}

export interface ModelPickerState {
  /** Prefix of the popover's element ids. */
  base: string
  open: boolean
  toggle(): void
  query: string
  onQuery(text: string): void
  /** Index into `flat` of the highlighted row. */
  active: number
  setActive(index: number): void
  groups: ModelGroup[]
  showAuto: boolean
  /** Every row in order: Auto (when shown), then each group's models. */
  flat: ChatTarget[]
  pick(target: ChatTarget | undefined): void
  onKeyDown(event: KeyboardEvent<HTMLInputElement>): void
  rootRef: RefObject<HTMLDivElement | null>
  triggerRef: RefObject<HTMLButtonElement | null>
  searchRef: RefObject<HTMLInputElement | null>
}

/** The model picker's state: open or not, the search, the highlighted row, and the keys that move it. */
export function useModelPicker(models: readonly ModelInfo[], providers: readonly ProviderView[], value: ChatTarget, onChange: (target: ChatTarget) => void): ModelPickerState {
  const base = useId()
  const [open, setOpen] = useState(false)
  const [query, setQuery] = useState('')
  const [active, setActive] = useState(0)
  const triggerRef = useRef<HTMLButtonElement>(null)
  const searchRef = useRef<HTMLInputElement>(null)
  const rootRef = useRef<HTMLDivElement>(null)

  const groups = useMemo(() => groupModels(models, providers, query), [models, providers, query])
  const showAuto = !query.trim() || 'auto fallback chain'.includes(query.trim().toLowerCase())
  const flat = useMemo<ChatTarget[]>(
    () => [...(showAuto ? [AUTO] : []), ...groups.flatMap((g) => g.models.map((m) => ({ providerId: m.providerId, model: m.id })))],
    [groups, showAuto],
  )

  useEffect(() => {
    if (!open) return
    const index = flat.findIndex((t) => sameTarget(t, value))
    setActive(index >= 0 ? index : 0)
    searchRef.current?.focus()
    // Only on opening: typing resets the active row itself.
  }, [open])
  useCloseOnOutsideClick(rootRef, open, () => setOpen(false))
  useEffect(() => {
    if (open) document.getElementById(optionId(base, active))?.scrollIntoView?.({ block: 'nearest' })
  }, [open, active, base])

  const close = (): void => {
    setOpen(false)
    setQuery('')
    triggerRef.current?.focus()
  }
  const pick = (target: ChatTarget | undefined): void => {
    if (!target) return
    onChange(target)
    close()
  }
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>): void => {
    const moved = movedTo(event.key, active, flat.length - 1)
    if (moved !== undefined) {
      event.preventDefault()
      setActive(moved)
    } else if (event.key === 'Enter') {
      event.preventDefault()
      pick(flat[active])
    } else if (event.key === 'Escape') {
      event.preventDefault()
      event.stopPropagation()
      close()
    }
  }
  const onQuery = (text: string): void => {
    setQuery(text)
    setActive(0)
  }
  const toggle = (): void => setOpen((o) => !o)
  return { base, open, toggle, query, onQuery, active, setActive, groups, showAuto, flat, pick, onKeyDown, rootRef, triggerRef, searchRef }
}

/** While `open`, a mouse press outside `root` closes (without taking the focus back). */
function useCloseOnOutsideClick(root: RefObject<HTMLElement | null>, open: boolean, onOutside: () => void): void {
  useEffect(() => {
    if (!open) return
    const close = (event: MouseEvent): void => {
      if (!root.current?.contains(event.target as Node)) onOutside()
    }
    document.addEventListener('mousedown', close)
    return () => document.removeEventListener('mousedown', close)
  }, [open])
}
