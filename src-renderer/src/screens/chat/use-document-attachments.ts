import { useRef, useState } from 'react'
import { ATTACHMENT_LIMITS, type ApiClient, type DocumentRef, type StagedDocument } from '../../../../src-shared/contract'

type SetNote = (note: string | undefined) => void

/** A file on the composer: being read by the core, or read with its size and token estimate. */
export interface DocumentChip {
  key: string
  name: string
  size: number
  /** Set once the core has read the file. */
  staged?: StagedDocument
}

export interface DocumentAttachments {
  chips: DocumentChip[]
  /** Files still being sent to the core and read. */
  reading: number
  /** Estimated tokens of every read file. */
  tokens: number
  attach(files: File[]): Promise<void>
  /** Attaches text (e.g. a very long paste) as a file of that name, read like any other. */
  addTextAsFile(name: string, text: string): Promise<void>
  remove(key: string): void
  clear(): void
  /** What `chat.send` takes: the read files, in order. */
  refs(): DocumentRef[]
}

/** Bytes per upload chunk: its base64 stays under the contract's chunk limit. */
const CHUNK_BYTES = (ATTACHMENT_LIMITS.maxChunkChars / 4) * 3

function base64Of(bytes: Uint8Array): string {
  let binary = ''
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  return btoa(binary)
}

/** Sends a file to the core in chunks; the last answer is what the core read, or why it could not. */
async function upload(api: ApiClient, file: File, id: string): Promise<{ ok: true; document: StagedDocument } | { ok: false; message: string }> {
  const bytes = new Uint8Array(await file.arrayBuffer())
  for (let offset = 0; ; offset += CHUNK_BYTES) {
    const last = offset + CHUNK_BYTES >= bytes.byteLength
    const result = await api.call('attachments.upload', { upload: id, name: file.name, mime: file.type, size: bytes.byteLength, offset, data: base64Of(bytes.subarray(offset, offset + CHUNK_BYTES)), last })
    if (!result.ok) return { ok: false, message: result.error.message }
    if (result.value.done) return { ok: true, document: result.value.document }
    if (last) return { ok: false, message: `${file.name} could not be sent whole; attach it again.` }
  }
}

let counter = 0
const newKey = (): string => `doc-${Date.now().toString(36)}-${(++counter).toString(36)}`

/**
 * Documents to send: each read by the core as soon as it is attached (so its size and a token
 * estimate show before sending), refused with the core's own message when it is a bad file.
 * A refused file takes nothing else with it: the text and the other attachments stay.
 */
export function useDocumentAttachments(api: ApiClient, setNote: SetNote): DocumentAttachments {
  const [chips, setChips] = useState<DocumentChip[]>([])
  const live = useRef(chips)
  live.current = chips
  const attachOne = async (file: File): Promise<void> => {
    if (file.size > ATTACHMENT_LIMITS.maxBytes) {
      return setNote(`${file.name} is ${(file.size / (1024 * 1024)).toFixed(1)} MB; attachments are limited to ${ATTACHMENT_LIMITS.maxBytesLabel}.`)
    }
    if (live.current.length >= ATTACHMENT_LIMITS.maxDocuments) return setNote(`At most ${ATTACHMENT_LIMITS.maxDocuments} files per message.`)
    const key = newKey()
    setChips((all) => [...all, { key, name: file.name, size: file.size }])
    const outcome = await upload(api, file, key.replace(/[^A-Za-z0-9_-]/g, ''))
    if (!outcome.ok) {
      setChips((all) => all.filter((chip) => chip.key !== key))
      return setNote(outcome.message)
    }
    setChips((all) => all.map((chip) => (chip.key === key ? { ...chip, staged: outcome.document } : chip)))
  }
  const attach = async (files: File[]): Promise<void> => {
    if (files.length > 0) setNote(undefined)
    await Promise.all(files.map(attachOne))
  }
  const ready = chips.flatMap((chip) => (chip.staged ? [chip.staged] : []))
  return {
    chips,
    reading: chips.length - ready.length,
    tokens: ready.reduce((sum, doc) => sum + doc.tokens, 0),
    attach,
    addTextAsFile: (name, text) => attach([new File([text], name, { type: 'text/plain' })]),
    remove: (key) => setChips((all) => all.filter((chip) => chip.key !== key)),
    clear: () => setChips([]),
    refs: () => ready.map(({ sha256, name, mime }) => ({ sha256, name, mime })),
  }
}
