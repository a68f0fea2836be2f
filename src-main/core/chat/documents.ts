import type { DocumentRef } from '../../../src-shared/contract'
import { AppError, ValidationError } from '../errors'
import { DocumentTextCache, documentBlock, extractDocument, type DocumentUploads, type StagedFile } from '../documents'
import type { AttachmentInfo } from '../sessions'

/** Documents a chat sends: staged by `attachments.upload`, re-read from the store for older turns. */
export class ChatDocuments {
  private readonly texts = new DocumentTextCache()

  constructor(private readonly uploads: DocumentUploads | undefined) {}

  /** The staged files a message names, in its order; one that is gone must be attached again. */
  staged(refs: readonly DocumentRef[] = []): StagedFile[] {
    return refs.map((ref, i) => {
      const file = this.uploads?.get(ref.sha256)
      if (!file) throw new ValidationError(`${ref.name} is no longer ready to send; attach it again.`, [{ path: `documents.${i}`, message: 'not staged' }])
      this.texts.set(file.sha256, file.document)
      return { ...file, name: ref.name }
    })
  }

  /**
   * The fenced blocks of a stored message's documents (pictures are not documents), read once and
   * cached by hash. A file that cannot be read any more is named with the reason, never dropped silently.
   */
  async blocks(attachments: readonly AttachmentInfo[], read: (sha256: string) => Promise<Uint8Array>): Promise<string[]> {
    const documents = attachments.filter((a) => !a.mime.startsWith('image/'))
    return Promise.all(
      documents.map(async (a) => {
        try {
          const document = await this.texts.getOrExtract(a.sha256, async () => extractDocument({ name: a.name, mime: a.mime, data: await read(a.sha256) }))
          return documentBlock({ ...document, name: a.name })
        } catch (error) {
          return `File: ${a.name} (its text could not be read: ${error instanceof AppError ? error.message : 'unreadable'})`
        }
      }),
    )
  }
}

/** What the model reads for a prompt: the words, then each document fenced under its file name. */
export function withDocumentBlocks(text: string, blocks: readonly string[]): string {
  return [text, ...blocks].filter((part) => part.trim() !== '').join('\n\n')
}

/** Staged documents as files the store keeps with the message. */
export const storedFiles = (documents: readonly StagedFile[]): { name: string; mime: string; data: Buffer }[] =>
  documents.map((d) => ({ name: d.name, mime: d.mime || 'application/octet-stream', data: Buffer.from(d.bytes) }))

/** What a new chat is titled after: the prompt, or the first document when there are no words. */
export const titleSource = (text: string, documents: readonly StagedFile[]): string => (text.trim() === '' ? (documents[0]?.name ?? '') : text)
