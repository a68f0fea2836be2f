import { useState } from 'react'
import type { ApiClient, McpResource } from '../../../../src-shared/contract'
import { MAX_IMAGES, scaleImage, type ImageInput } from './images'
import { attachmentOf, sameResource, type ResourceAttachment } from './resource-attachments'

type SetNote = (note: string | undefined) => void

export interface ImageAttachments {
  images: ImageInput[]
  /** Pictures still being scaled. */
  busy: number
  attach(files: File[]): Promise<void>
  remove(index: number): void
  clear(): void
}

/** Pictures to send (only ever to a model that can see them: see useComposer's send), scaled on the way in, at most MAX_IMAGES. */
export function useImageAttachments(vision: boolean, modelLabel: string, setNote: SetNote): ImageAttachments {
  const [images, setImages] = useState<ImageInput[]>([])
  const [busy, setBusy] = useState(0)
  const attach = async (files: File[]): Promise<void> => {
    if (files.length === 0) return
    const room = MAX_IMAGES - images.length
    if (room <= 0) return setNote(`At most ${MAX_IMAGES} pictures per message.`)
    // Kept even for a model without vision (the user may switch models); Send refuses until then.
    const blind = vision ? undefined : `${modelLabel} cannot see pictures: pick a model with the “vision” badge before sending, or remove the picture.`
    setNote(files.length > room ? `Only the first ${room} fit: at most ${MAX_IMAGES} pictures per message.` : blind)
    setBusy((n) => n + 1)
    const scaled = await Promise.allSettled(files.slice(0, room).map(scaleImage))
    setBusy((n) => n - 1)
    const added = scaled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []))
    const failed = scaled.find((r): r is PromiseRejectedResult => r.status === 'rejected')
    if (failed) setNote(failed.reason instanceof Error ? failed.reason.message : 'That picture could not be read.')
    setImages((previous) => [...previous, ...added].slice(0, MAX_IMAGES))
  }
  const remove = (index: number): void => setImages((all) => all.filter((_, j) => j !== index))
  return { images, busy, attach, remove, clear: () => setImages([]) }
}

export interface ResourceAttachments {
  attached: ResourceAttachment[]
  /** Resources still being read. */
  reading: number
  attach(resource: McpResource): Promise<void>
  remove(attachment: ResourceAttachment): void
  clear(): void
}

/** MCP resources to send with the message: read when picked, each one once, long ones cut. */
export function useResourceAttachments(api: ApiClient, setNote: SetNote): ResourceAttachments {
  const [attached, setAttached] = useState<ResourceAttachment[]>([])
  const [reading, setReading] = useState(0)
  const attach = async (resource: McpResource): Promise<void> => {
    if (attached.some((a) => sameResource(a, resource))) return
    setReading((n) => n + 1)
    const result = await api.call('mcp.readResource', { server: resource.server, uri: resource.uri })
    setReading((n) => n - 1)
    if (!result.ok) return setNote(`${resource.name} could not be read: ${result.error.message}`)
    const attachment = attachmentOf(resource, result.value.text)
    setAttached((previous) => (previous.some((a) => sameResource(a, attachment)) ? previous : [...previous, attachment]))
    setNote(attachment.cut > 0 ? `${resource.name} is long: only its first ${attachment.text.length.toLocaleString('en-US')} characters go with the message (cut).` : undefined)
  }
  const remove = (gone: ResourceAttachment): void => setAttached((all) => all.filter((a) => !sameResource(a, gone)))
  return { attached, reading, attach, remove, clear: () => setAttached([]) }
}
