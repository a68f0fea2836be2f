import { useEffect, useId, useRef, useState } from 'react'
import { useApi } from '../../api/context'
import { EXPORT_FORMATS, exportSessionFile, type ExportFormat } from '../../lib/export-session'

/** "Export" in the chat header: the open chat as Markdown, HTML (with print styles) or JSON. */
export function ExportMenu({ sessionId }: { sessionId: string }) {
  const api = useApi()
  const [open, setOpen] = useState(false)
  const [busy, setBusy] = useState(false)
  const root = useRef<HTMLDivElement>(null)
  const trigger = useRef<HTMLButtonElement>(null)
  const menuId = useId()

  useEffect(() => {
    if (!open) return
    root.current?.querySelector<HTMLButtonElement>('[role="menuitem"]')?.focus()
    const away = (event: PointerEvent): void => {
      if (!root.current?.contains(event.target as Node)) setOpen(false)
    }
    document.addEventListener('pointerdown', away)
    return () => document.removeEventListener('pointerdown', away)
  }, [open])

  const close = (): void => {
    setOpen(false)
    trigger.current?.focus()
  }
  const choose = async (format: ExportFormat): Promise<void> => {
    close()
    setBusy(true)
    await exportSessionFile(api, sessionId, format)
    setBusy(false)
  }
  const onKeyDown = (event: React.KeyboardEvent<HTMLDivElement>): void => {
    const items = [...(root.current?.querySelectorAll<HTMLButtonElement>('[role="menuitem"]') ?? [])]
    const at = items.indexOf(document.activeElement as HTMLButtonElement)
    if (event.key === 'Escape') {
      // The menu takes Esc before anything else listening (a reply's Stop, for one).
      event.stopPropagation()
      close()
    } else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault()
      items[(at + (event.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length]?.focus()
    }
  }

  return (
    <div className="export-menu" ref={root} onKeyDown={onKeyDown}>
      <button
        ref={trigger}
        type="button"
        className="button secondary small"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        aria-busy={busy}
        onClick={() => setOpen((was) => !was)}
      >
        Export ▾
      </button>
      {open && (
        <div className="export-menu-list" role="menu" id={menuId} aria-label="Export this chat">
          {EXPORT_FORMATS.map(({ format, label, hint }) => (
            <button key={format} type="button" role="menuitem" onClick={() => void choose(format)}>
              <span>{label}</span>
              <span className="muted">{hint}</span>
            </button>
          ))}
        </div>
      )}
    </div>
  )
}
