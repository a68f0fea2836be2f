import { useEffect, useId, useRef, useState } from 'react'
import { titleProblem } from './use-session-actions'

/** Inline rename: Enter saves, Escape cancels, an empty title is refused with the contract's words. */
export function RenameField({ initial, onSave, onCancel }: { initial: string; onSave(title: string): Promise<boolean>; onCancel(): void }) {
  const [title, setTitle] = useState(initial)
  const [problem, setProblem] = useState<string | undefined>()
  const [saving, setSaving] = useState(false)
  const input = useRef<HTMLInputElement>(null)
  const errorId = useId()
  useEffect(() => {
    input.current?.focus()
    input.current?.select()
  }, [])

  const save = async (): Promise<void> => {
    const refusal = titleProblem(title)
    if (refusal) return setProblem(refusal)
    if (title.trim() === initial) return onCancel()
    setSaving(true)
    const saved = await onSave(title.trim())
    setSaving(false)
    if (!saved) input.current?.focus()
  }

  return (
    <div className="rename-field">
      <input
        ref={input}
        aria-label="Session title"
        value={title}
        maxLength={500}
        disabled={saving}
        aria-invalid={problem !== undefined}
        aria-describedby={problem ? errorId : undefined}
        onChange={(event) => {
          setTitle(event.target.value)
          setProblem(undefined)
        }}
        onKeyDown={(event) => {
          if (event.key === 'Enter') void save()
          else if (event.key === 'Escape') onCancel()
          else return
          event.preventDefault()
          event.stopPropagation()
        }}
      />
      <button type="button" className="button" onClick={() => void save()} disabled={saving}>Save</button>
      <button type="button" className="button secondary" onClick={onCancel}>Cancel</button>
      {problem && (
        <p id={errorId} className="field-error" role="alert">
          {problem.charAt(0).toUpperCase() + problem.slice(1)}.
        </p>
      )}
    </div>
  )
}

/** A session's tags as removable chips, and a field to add one (suggesting tags already in use). */
export function TagEditor({ tags, known, onAdd, onRemove }: { tags: readonly string[]; known: readonly string[]; onAdd(tag: string): void; onRemove(tag: string): void }) {
  const [draft, setDraft] = useState('')
  const listId = useId()
  const add = (): void => {
    const tag = draft.trim()
    if (!tag) return
    setDraft('')
    if (!tags.includes(tag)) onAdd(tag)
  }
  return (
    <div className="tag-editor">
      <ul className="tag-list" aria-label="Tags">
        {tags.length === 0 && <li className="muted">No tags</li>}
        {tags.map((tag) => (
          <li key={tag} className="tag-chip">
            {tag}
            <button type="button" aria-label={`Remove tag ${tag}`} onClick={() => onRemove(tag)}>×</button>
          </li>
        ))}
      </ul>
      <form
        className="tag-add"
        onSubmit={(event) => {
          event.preventDefault()
          add()
        }}
      >
        <input aria-label="New tag" placeholder="Add a tag" value={draft} maxLength={200} list={listId} onChange={(event) => setDraft(event.target.value)} />
        <datalist id={listId}>
          {known.filter((tag) => !tags.includes(tag)).map((tag) => (
            <option key={tag} value={tag} />
          ))}
        </datalist>
        <button type="submit" className="button secondary" disabled={!draft.trim()}>Add</button>
      </form>
    </div>
  )
}
