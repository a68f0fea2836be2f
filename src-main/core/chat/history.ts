import type { Message } from '../sessions'
import type { ProviderImage, ProviderMessage } from '../providers'

/** Pictures sent again with older turns: the newest few only, so a long chat does not resend them all. */
export const MAX_HISTORY_IMAGES = 4

export type AttachmentReader = (sha256: string) => Promise<Uint8Array>
/** The fenced text blocks of a user message's documents (see ChatDocuments.blocks). */
export type DocumentBlocks = (attachments: Message['attachments']) => Promise<string[]>

/**
 * The stored branch as provider messages: failed and interrupted replies are left out (the model
 * never saw them), tool calls and their results keep their pairing, and only the newest pictures
 * are attached.
 */
export async function toProviderMessages(history: Message[], readAttachment: AttachmentReader, system?: string, documentBlocks?: DocumentBlocks): Promise<ProviderMessage[]> {
  const usable = history.filter((m) => m.status === 'complete' && (m.text.length > 0 || m.attachments.length > 0 || (m.toolCalls?.length ?? 0) > 0))
  let imagesLeft = MAX_HISTORY_IMAGES
  const withImages = new Map<string, ProviderImage[]>()
  for (const message of [...usable].reverse()) {
    const pictures = message.attachments.filter((a) => a.mime.startsWith('image/'))
    if (pictures.length === 0 || imagesLeft <= 0 || message.role !== 'user') continue
    const take = pictures.slice(0, imagesLeft)
    imagesLeft -= take.length
    withImages.set(message.id, await Promise.all(take.map(async (a) => ({ mime: a.mime, data: Buffer.from(await readAttachment(a.sha256)).toString('base64') }))))
  }
  const out: ProviderMessage[] = system?.trim() ? [{ role: 'system', content: system }] : []
  for (const message of usable) {
    const documents = documentBlocks && message.role === 'user' && message.attachments.some((a) => !a.mime.startsWith('image/')) ? await documentBlocks(message.attachments) : []
    const turn: ProviderMessage = { role: message.role, content: documents.length > 0 ? [message.text, ...documents].filter((part) => part.trim() !== '').join('\n\n') : message.text }
    const images = withImages.get(message.id)
    if (images) turn.images = images
    // A tool result is stored with the call it answers as its one tool call (id and name).
    const answers = message.role === 'tool' ? message.toolCalls?.[0] : undefined
    if (answers) {
      if (answers.id) turn.toolCallId = answers.id
      turn.toolName = answers.name
    } else if (message.toolCalls?.length) turn.toolCalls = message.toolCalls
    out.push(turn)
  }
  return out
}

/** A session title from the first prompt: its first line, shortened on a word boundary. */
export function titleFrom(text: string, fallback = 'New chat'): string {
  const line = text.trim().split('\n')[0]?.trim() ?? ''
  if (!line) return fallback
  if (line.length <= 60) return line
  const cut = line.slice(0, 60)
  const space = cut.lastIndexOf(' ')
  return `${(space > 30 ? cut.slice(0, space) : cut).trimEnd()}…`
}
