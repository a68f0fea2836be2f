import { useState } from 'react'
import '../../branches.css'
import type { SessionMessage } from '../../../../src-shared/contract'
import { useBranches } from './branch-actions'
import { useThread } from './reply-parts'

/** ‹ 2/3 › on a message that has other versions (regenerated replies, edited prompts). */
export function VersionSwitcher({ messageId }: { messageId: string }) {
  const branches = useBranches()
  const busy = useThread()?.busy ?? false
  const version = branches?.versions[messageId]
  if (!branches || !version) return null
  return (
    <span className="version-switcher" role="group" aria-label="Versions">
      <button type="button" className="link-button" aria-label="Previous version" disabled={busy || !version.previous} onClick={() => version.previous && branches.show(version.previous)}>‹</button>
      <span className="version-count" aria-live="polite">{version.index}/{version.count}</span>
      <button type="button" className="link-button" aria-label="Next version" disabled={busy || !version.next} onClick={() => version.next && branches.show(version.next)}>›</button>
    </span>
  )
}

/** "Regenerate with…": the same prompt, answered by another model (a new version). */
function RegenerateWith({ messageId, busy }: { messageId: string; busy: boolean }) {
  const branches = useBranches()
  const [open, setOpen] = useState(false)
  if (!branches || branches.models.length === 0) return null
  return (
    <span className="regenerate-with">
      <button type="button" className="link-button" aria-haspopup="menu" aria-expanded={open} disabled={busy} onClick={() => setOpen(!open)}>Regenerate with…</button>
      {open && (
        <ul className="regenerate-menu" role="menu" aria-label="Regenerate with">
          {branches.models.map((model) => (
            <li key={`${model.providerId}/${model.id}`} role="none">
              <button
                type="button"
                role="menuitem"
                onClick={() => {
                  setOpen(false)
                  branches.regenerateWith(messageId, { providerId: model.providerId, model: model.id })
                }}
                onKeyDown={(event) => event.key === 'Escape' && setOpen(false)}
              >
                {model.name} <span className="muted">{model.providerId}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </span>
  )
}

export const wasStopped = (message: SessionMessage): boolean => message.role === 'assistant' && message.status === 'complete' && message.timings?.stopped === 1

/** Continue, Regenerate with… and Delete: the branch actions of one stored message. */
export function BranchActionButtons({ message, busy }: { message: SessionMessage; busy: boolean }) {
  const branches = useBranches()
  const [confirming, setConfirming] = useState(false)
  if (!branches) return null
  return (
    <>
      {wasStopped(message) && <button type="button" className="link-button" disabled={busy} onClick={() => branches.continueReply(message.id)}>Continue</button>}
      {message.role === 'assistant' && <RegenerateWith messageId={message.id} busy={busy} />}
      {confirming ? (
        <span className="delete-confirm" role="group" aria-label="Delete this message?">
          <button type="button" className="link-button danger" onClick={() => branches.remove(message.id)}>Delete message</button>
          <button type="button" className="link-button" onClick={() => setConfirming(false)}>Keep</button>
        </span>
      ) : (
        <button type="button" className="link-button" disabled={busy} onClick={() => setConfirming(true)} title="Delete this message; its replies stay">Delete</button>
      )}
    </>
  )
}
