import { useEffect, useId, useRef, useState } from 'react'
import { COMPACT_INSTRUCTIONS_MAX } from '../../../../src-shared/contract'

/**
 * "Compact now", asked first: what the summary should focus on (optional; PreCompact hooks get it
 * as `custom_instructions`, like Claude Code's `/compact <instructions>`). Esc or Cancel closes it.
 */
export function CompactDialog({ busy, onCompact, onClose }: { busy: boolean; onCompact(instructions: string): void; onClose(): void }) {
  const [instructions, setInstructions] = useState('')
  const field = useRef<HTMLTextAreaElement>(null)
  const hintId = useId()
  useEffect(() => field.current?.focus(), [])
  const tooLong = instructions.length > COMPACT_INSTRUCTIONS_MAX
  return (
    <div
      className="compact-dialog"
      role="dialog"
      aria-label="Compact this chat"
      onKeyDown={(event) => {
        if (event.key !== 'Escape') return
        event.stopPropagation()
        onClose()
      }}
    >
      <p className="compact-dialog-text">Older messages are summarised for the model; the originals stay in the chat.</p>
      <label className="field">
        <span className="field-label">Focus the summary on (optional)</span>
        <textarea
          ref={field}
          rows={3}
          value={instructions}
          placeholder="e.g. keep the SQL schema and the open bugs"
          aria-describedby={hintId}
          aria-invalid={tooLong ? true : undefined}
          onChange={(event) => setInstructions(event.target.value)}
        />
      </label>
      <p id={hintId} className={tooLong ? 'field-error' : 'hint'} role={tooLong ? 'alert' : undefined}>
        {tooLong ? `Keep the instructions under ${COMPACT_INSTRUCTIONS_MAX.toLocaleString('en')} characters (now ${instructions.length.toLocaleString('en')}).` : 'PreCompact hooks receive these instructions too.'}
      </p>
      <div className="compact-dialog-actions">
        <button type="button" className="button secondary small" onClick={onClose}>
          Cancel
        </button>
        <button type="button" className="button small" disabled={busy || tooLong} aria-busy={busy} onClick={() => onCompact(instructions.trim())}>
          {busy ? 'Compacting…' : 'Compact'}
        </button>
      </div>
    </div>
  )
}
