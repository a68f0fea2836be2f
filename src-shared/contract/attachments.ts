import { z } from 'zod'
import { defineCapability } from './capability'

/** Files attached to a chat message: documents read as text in the core, pictures shown in the thread. */

export const ATTACHMENT_LIMITS = {
  /** The attachment size limit (the core refuses larger files with a message that states it). */
  maxBytes: 50 * 1024 * 1024,
  maxBytesLabel: '50 MB',
  /** One upload chunk, in base64 characters (384 KiB of bytes): well inside one wire message. */
  maxChunkChars: 524_288,
  /** Documents on one message. */
  maxDocuments: 10,
} as const

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 is 64 lower-case hex digits')
const FileName = z.string().trim().min(1, 'the file needs a name').max(255, 'a file name is at most 255 characters')
const Mime = z.string().max(200, 'a media type is at most 200 characters')

export const DocumentKindSchema = z.enum(['text', 'code', 'markdown', 'csv', 'json', 'html', 'pdf', 'docx'])
export type DocumentKind = z.infer<typeof DocumentKindSchema>

/** A document read and ready to send: what the composer shows on its chip before sending. */
export const StagedDocumentSchema = z.object({
  sha256: z.string(),
  name: z.string(),
  mime: z.string(),
  kind: DocumentKindSchema,
  /** Bytes of the file. */
  size: z.number(),
  /** Characters of extracted text. */
  chars: z.number(),
  /** Estimated tokens of the text as the model receives it (about four characters a token). */
  tokens: z.number(),
})
export type StagedDocument = z.infer<typeof StagedDocumentSchema>

export const AttachmentUploadInputSchema = z
  .object({
    /** Chosen by the client for this file, the same on every chunk. */
    upload: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'an upload id is 8 to 64 letters, digits, - or _'),
    name: FileName,
    mime: Mime,
    /** The whole file's size in bytes, declared on every chunk: over the limit is refused on the first. */
    size: z.number().int('the size is a whole number of bytes').min(0, 'the size cannot be negative').max(Number.MAX_SAFE_INTEGER),
    /** Where this chunk starts in the file; chunks come in order. */
    offset: z.number().int('the offset is a whole number of bytes').min(0, 'the offset cannot be negative'),
    data: z.string().max(ATTACHMENT_LIMITS.maxChunkChars, `a chunk is at most ${ATTACHMENT_LIMITS.maxChunkChars} base64 characters`).regex(/^[A-Za-z0-9+/]*={0,2}$/, 'the chunk is not base64'),
    /** The final chunk: the core then reads the file and answers with what it found. */
    last: z.boolean(),
  })
  .strict()
export type AttachmentUploadInput = z.input<typeof AttachmentUploadInputSchema>

export const AttachmentUploadResultSchema = z.discriminatedUnion('done', [
  z.object({ done: z.literal(false), received: z.number() }),
  z.object({ done: z.literal(true), document: StagedDocumentSchema }),
])

/** A document on `chat.send`: one `attachments.upload` staged, named by its hash. */
export const DocumentRefSchema = z.object({ sha256: Sha256, name: FileName, mime: Mime }).strict()
export type DocumentRef = z.infer<typeof DocumentRefSchema>

export const attachmentsRoutes = {
  'attachments.upload': {
    description:
      'Sends a document to the core in chunks; after the last one the core reads its text and answers with its size, characters and a token estimate, so the composer can show them (and warn about the context window) before sending. Bad files get a specific error.',
    input: AttachmentUploadInputSchema,
    output: AttachmentUploadResultSchema,
  },
  'attachments.image': {
    description: 'A stored picture of a message, for its thumbnail and the lightbox.',
    input: z.object({ sha256: Sha256 }).strict(),
    output: z.object({ mime: z.string(), data: z.string() }),
  },
} as const

export const attachmentsCapability = defineCapability({ name: 'attachments', routes: attachmentsRoutes })
