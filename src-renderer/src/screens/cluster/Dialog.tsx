import { useEffect, useRef, type ReactNode } from 'react'

/** A small modal card: Escape or the backdrop closes it, focus starts inside. */
export function Dialog({ label, onClose, children, wide = false }: { label: string; onClose: () => void; children: ReactNode; wide?: boolean }) {
  const ref = useRef<HTMLDivElement>(null)
  useEffect(() => {
    const first = ref.current?.querySelector<HTMLElement>('input, select, button.button:not(.secondary)')
    ;(first ?? ref.current)?.focus()
  }, [])
  return (
    <div className="cluster-backdrop" onMouseDown={onClose}>
      <div
        ref={ref}
        tabIndex={-1}
        className={`cluster-dialog card${wide ? ' wide' : ''}`}
        role="dialog"
        aria-modal="true"
        aria-label={label}
        onMouseDown={(event) => event.stopPropagation()}
        onKeyDown={(event) => event.key === 'Escape' && onClose()}
      >
        {children}
      </div>
    </div>
  )
}
