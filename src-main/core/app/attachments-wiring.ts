import { AppError } from '../errors'
import { DocumentUploads } from '../documents'
import type { SessionStore } from '../sessions'
import type { CapabilityWiring } from './capability'

export interface AttachmentsWiring extends CapabilityWiring<'attachments'> {
  /** Staged documents, which `chat.send` takes by hash. */
  uploads: DocumentUploads
}

/** The picture formats a thumbnail shows, told by their first bytes (the stored name may lie). */
function pictureType(bytes: Uint8Array): string | undefined {
  const starts = (...sig: number[]): boolean => sig.every((b, i) => bytes[i] === b)
  if (starts(0x89, 0x50, 0x4e, 0x47)) return 'image/png'
  if (starts(0xff, 0xd8, 0xff)) return 'image/jpeg'
  if (starts(0x47, 0x49, 0x46, 0x38)) return 'image/gif'
  if (starts(0x52, 0x49, 0x46, 0x46) && bytes[8] === 0x57 && bytes[9] === 0x45 && bytes[10] === 0x42 && bytes[11] === 0x50) return 'image/webp'
  return undefined
}

/** Documents staged for chat messages, and stored pictures for the thread's thumbnails. */
export function wireAttachments(deps: { sessions: () => Promise<SessionStore>; uploads?: DocumentUploads }): AttachmentsWiring {
  const uploads = deps.uploads ?? new DocumentUploads()
  return {
    uploads,
    handlers: {
      'attachments.upload': async (input) => {
        const outcome = await uploads.receive(input)
        if (!outcome.done) return outcome
        const { file } = outcome
        return { done: true, document: { sha256: file.sha256, name: file.name, mime: file.mime, kind: file.document.kind, size: file.bytes.byteLength, chars: file.document.text.length, tokens: file.document.tokens } }
      },
      'attachments.image': async ({ sha256 }) => {
        const bytes = await (await deps.sessions()).readAttachment(sha256)
        const mime = pictureType(bytes)
        if (!mime) throw new AppError('E_UNSUPPORTED', 'That attachment is not a picture, so it has no thumbnail.')
        return { mime, data: Buffer.from(bytes).toString('base64') }
      },
    },
    streamHandlers: {},
  }
}
