import { useEffect, useRef } from 'react'
import { shortcutGroups } from '../app/shortcuts'
import { useAppStore } from '../store/app-store'

const isMac = typeof navigator !== 'undefined' && /Mac/.test(navigator.platform)
const keyLabel = (key: string): string => (key === 'Mod' ? (isMac ? '⌘' : 'Ctrl') : key)

/** Whether a key press lands in something the user types into (where `?` is just a character). */
function typing(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false
  return target.isContentEditable || target.closest('input, textarea, select, [contenteditable="true"]') !== null
}

/** `?` (outside text boxes) or the palette's "Keyboard shortcuts": every shortcut in the app, grouped by where it works. */
export function ShortcutsSheet() {
  const open = useAppStore((state) => state.shortcutsOpen)
  const setOpen = useAppStore((state) => state.setShortcutsOpen)
  const sendKey = useAppStore((state) => state.settings?.chat.sendKey)
  const close = useRef<HTMLButtonElement>(null)

  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      if (event.key !== '?' || event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return
      if (useAppStore.getState().paletteOpen) return
      event.preventDefault()
      setOpen(!useAppStore.getState().shortcutsOpen)
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [setOpen])

  useEffect(() => {
    if (!open) return
    const before = document.activeElement as HTMLElement | null
    close.current?.focus()
    return () => before?.focus?.()
  }, [open])

  if (!open) return null
  return (
    <div className="palette-backdrop" onMouseDown={() => setOpen(false)}>
      <div
        className="shortcuts-sheet"
        role="dialog"
        aria-modal="true"
        aria-labelledby="shortcuts-title"
        onMouseDown={(event) => event.stopPropagation()}
        onKeyDown={(event) => {
          if (event.key === 'Escape') {
            event.preventDefault()
            setOpen(false)
          }
        }}
      >
        <header className="shortcuts-head">
          <h2 id="shortcuts-title">Keyboard shortcuts</h2>
          <button ref={close} type="button" className="icon-button" aria-label="Close keyboard shortcuts" onClick={() => setOpen(false)}>×</button>
        </header>
        <div className="shortcuts-groups">
          {shortcutGroups(sendKey).map((group) => (
            <section key={group.title} aria-labelledby={`shortcuts-${group.title}`}>
              <h3 id={`shortcuts-${group.title}`}>{group.title}</h3>
              <dl>
                {group.shortcuts.map((shortcut) => (
                  <div key={`${shortcut.keys.join('+')} ${shortcut.does}`} className="shortcut">
                    <dt>
                      {shortcut.keys.map((key, i) => (
                        <span key={i}>
                          {i > 0 && shortcut.keys.length > 1 && key !== '↓' ? <span className="shortcut-plus">+</span> : null}
                          <kbd>{keyLabel(key)}</kbd>
                        </span>
                      ))}
                    </dt>
                    <dd>{shortcut.does}</dd>
                  </div>
                ))}
              </dl>
            </section>
          ))}
        </div>
      </div>
    </div>
  )
}
