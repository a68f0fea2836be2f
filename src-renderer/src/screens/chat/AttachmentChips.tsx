import '../../attachments.css'
import { formatBytes } from '../../lib/format'
import type { DocumentChip } from './use-document-attachments'

const tokensLabel = (tokens: number): string => `~${tokens.toLocaleString('en-US')} tokens`

/** The files waiting to go: name, size, a token estimate once read, and a remove button. */
export function AttachmentChips({ chips, onRemove, warning }: { chips: DocumentChip[]; onRemove(key: string): void; warning: string | undefined }) {
  if (chips.length === 0 && !warning) return null
  return (
    <div className="doc-attachments">
      {chips.length > 0 && (
        <ul className="doc-chips" aria-label="Files to send">
          {chips.map((chip) => (
            <li key={chip.key} className={`doc-chip${chip.staged ? '' : ' reading'}`} aria-busy={!chip.staged}>
              <span className="doc-chip-icon" aria-hidden="true">{chip.staged ? chip.staged.kind.toUpperCase().slice(0, 4) : '…'}</span>
              <span className="doc-chip-name" title={chip.name}>{chip.name}</span>
              <span className="doc-chip-meta muted">
                {formatBytes(chip.size)} · {chip.staged ? tokensLabel(chip.staged.tokens) : 'reading…'}
              </span>
              <button type="button" className="thumb-remove" aria-label={`Remove ${chip.name}`} onClick={() => onRemove(chip.key)}>×</button>
            </li>
          ))}
        </ul>
      )}
      {warning && <p className="context-warning" role="alert">{warning}</p>}
    </div>
  )
}

/** Why the message would not fit the model's context window, or undefined when it fits (or the window is unknown). */
export function contextWarning(tokens: number, window: number | null | undefined, model: string): string | undefined {
  if (!window || tokens <= window) return undefined
  return `This message and its files need about ${tokens.toLocaleString('en-US')} tokens, but ${model} reads at most ${window.toLocaleString('en-US')}: it would not see all of it. Remove a file or pick a model with a larger context window.`
}
