import { useEffect, useState } from 'react'
import type { SessionMessage } from '../../../../src-shared/contract'
import { useApi } from '../../api/context'
import { formatBytes } from '../../lib/format'
import { Lightbox } from './Lightbox'

type Attachment = SessionMessage['attachments'][number]

/** One stored picture as a thumbnail, loaded from the core; a click opens it in the lightbox. */
function Thumbnail({ attachment }: { attachment: Attachment }) {
  const api = useApi()
  const [src, setSrc] = useState<string | undefined>()
  const [failed, setFailed] = useState(false)
  const [open, setOpen] = useState(false)
  useEffect(() => {
    let live = true
    void api.call('attachments.image', { sha256: attachment.sha256 }).then((result) => {
      if (!live) return
      if (result.ok) setSrc(`data:${result.value.mime};base64,${result.value.data}`)
      else setFailed(true)
    })
    return () => {
      live = false
    }
  }, [api, attachment.sha256])
  if (failed) return <span className="doc-chip">{attachment.name} <span className="muted">(picture unavailable)</span></span>
  return (
    <>
      <button type="button" className="thread-thumb" aria-label={`Enlarge ${attachment.name}`} disabled={!src} onClick={() => setOpen(true)}>
        {src ? <img src={src} alt={attachment.name} /> : <span className="muted">…</span>}
      </button>
      {open && src && <Lightbox src={src} alt={attachment.name} onClose={() => setOpen(false)} />}
    </>
  )
}

/** A message's files: pictures as thumbnails, documents as chips with their size. */
export function MessageAttachments({ attachments }: { attachments: Attachment[] }) {
  if (attachments.length === 0) return null
  return (
    <ul className="attachments message-attachments" aria-label="Attachments">
      {attachments.map((attachment, i) => (
        <li key={`${attachment.sha256}-${i}`}>
          {attachment.mime.startsWith('image/') ? (
            <Thumbnail attachment={attachment} />
          ) : (
            <span className="doc-chip" title={attachment.mime}>
              <span className="doc-chip-name">{attachment.name}</span> <span className="muted">{formatBytes(attachment.size)}</span>
            </span>
          )}
        </li>
      ))}
    </ul>
  )
}
