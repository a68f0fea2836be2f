import { useState } from 'react'
import { plural } from '../../lib/format'

export interface BulkBarProps {
  count: number
  inTrash: boolean
  busy: boolean
  onPin(): void
  onArchive(): void
  onDelete(): void
  onRestore(): void
  onTag(tag: string): void
  onClear(): void
}

/** Actions on every checked session at once. */
export function BulkBar({ count, inTrash, busy, onPin, onArchive, onDelete, onRestore, onTag, onClear }: BulkBarProps) {
  const [tag, setTag] = useState('')
  return (
    <div className="bulk-bar" role="toolbar" aria-label="Selected sessions">
      <strong>{plural(count, 'session')} selected</strong>
      {inTrash ? (
        <button type="button" className="button secondary" disabled={busy} onClick={onRestore}>Restore</button>
      ) : (
        <>
          <button type="button" className="button secondary" disabled={busy} onClick={onPin}>Pin</button>
          <button type="button" className="button secondary" disabled={busy} onClick={onArchive}>Archive</button>
          <button type="button" className="button danger" disabled={busy} onClick={onDelete}>Delete</button>
          <form
            className="tag-add"
            onSubmit={(event) => {
              event.preventDefault()
              if (!tag.trim()) return
              onTag(tag.trim())
              setTag('')
            }}
          >
            <input aria-label="Tag for selected sessions" placeholder="Tag…" value={tag} maxLength={200} onChange={(event) => setTag(event.target.value)} />
            <button type="submit" className="button secondary" disabled={busy || !tag.trim()}>Add tag</button>
          </form>
        </>
      )}
      <button type="button" className="link-button" onClick={onClear}>Clear selection</button>
    </div>
  )
}
