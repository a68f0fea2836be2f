import { useId, useState } from 'react'
import { MessageBody } from './MessageBody'

/** Over this many lines or characters, a user's message shows its start and a "Show more". */
export const COLLAPSE_LINES = 12
export const COLLAPSE_CHARS = 1500

export function isLongMessage(text: string): boolean {
  if (text.length > COLLAPSE_CHARS) return true
  let lines = 1
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) if (++lines > COLLAPSE_LINES) return true
  return false
}

/**
 * What the user wrote (plain text, code fences as code). A long message is clipped to about
 * twelve lines with a fade and a "Show more" / "Show less" toggle; the whole text stays in the
 * page (clipped by CSS), so find-in-page, copy and screen readers still reach all of it.
 */
export function CollapsibleMessage({ text }: { text: string }) {
  const [open, setOpen] = useState(false)
  const id = useId()
  if (!isLongMessage(text)) return <MessageBody text={text} />
  return (
    <div className={`collapsible${open ? ' open' : ' collapsed'}`}>
      <div id={id} className="collapsible-body">
        <MessageBody text={text} />
      </div>
      <button type="button" className="link-button collapsible-toggle" aria-expanded={open} aria-controls={id} onClick={() => setOpen(!open)}>
        {open ? 'Show less' : 'Show more'}
      </button>
    </div>
  )
}
