import { docxText, pdfText } from './binary-formats'
import { DocumentError } from './errors'
import { documentKind, fenceLanguage, MAX_DOCUMENT_BYTES, MAX_DOCUMENT_LABEL, type DocumentKind } from './kinds'
import { decodeText, htmlText } from './text'

export interface DocumentInput {
  name: string
  mime: string
  data: Uint8Array
}

export interface ExtractedDocument {
  name: string
  kind: Exclude<DocumentKind, 'image'>
  /** The text a model (or an index) reads. */
  text: string
  /** An estimate at about four characters a token: good enough to warn before a context window overflows. */
  tokens: number
}

export const estimateDocumentTokens = (text: string): number => (text.length === 0 ? 0 : Math.ceil(text.length / 4))

/** Formats a byte count as the limit message shows it. */
const megabytes = (bytes: number): string => `${(bytes / (1024 * 1024)).toFixed(1)} MB`

/** Refuses a file over the attachment limit before anything reads it. */
export function checkDocumentSize(name: string, size: number, limit = MAX_DOCUMENT_BYTES): void {
  if (size > limit) {
    const label = limit === MAX_DOCUMENT_BYTES ? MAX_DOCUMENT_LABEL : megabytes(limit)
    throw new DocumentError('too-large', `${name} is ${megabytes(size)}; attachments are limited to ${label}.`, 'Attach a smaller file, or split it into parts.')
  }
}

async function rawText(input: DocumentInput, kind: Exclude<DocumentKind, 'image'>): Promise<string> {
  if (kind === 'pdf') return pdfText(input.name, input.data)
  if (kind === 'docx') return docxText(input.name, input.data)
  const text = decodeText(input.name, input.data)
  return kind === 'html' ? htmlText(text) : text
}

/**
 * The text of a document, read the same way for a chat attachment and a knowledge base: plain
 * text, code, Markdown, CSV and JSON as they are; HTML as its visible text; PDF and DOCX through
 * their libraries. Every refusal is a DocumentError with a message naming the file and the problem.
 */
export async function extractDocument(input: DocumentInput, options: { maxBytes?: number } = {}): Promise<ExtractedDocument> {
  checkDocumentSize(input.name, input.data.byteLength, options.maxBytes)
  const kind = documentKind(input.name, input.mime)
  if (kind === 'image') throw new DocumentError('unsupported', `${input.name} is a picture, not a document: attach it as an image.`)
  if (!kind) throw new DocumentError('unsupported', `${input.name}: this type of file (${input.mime || 'unknown type'}) cannot be read as text.`, 'Attach text, code, Markdown, CSV, JSON, HTML, PDF or DOCX files, or pictures.')
  if (input.data.byteLength === 0) throw new DocumentError('empty', `${input.name} is empty (0 bytes): there is nothing to attach.`)
  const text = await rawText(input, kind)
  if (text.trim() === '') {
    if (kind === 'pdf') throw new DocumentError('no-text', `${input.name} has no text layer (it may be scanned pictures of pages), so there is nothing to read.`, 'Run it through OCR first, or attach the pages as images to a vision model.')
    throw new DocumentError('empty', `${input.name} has no text in it: there is nothing to attach.`)
  }
  return { name: input.name, kind, text, tokens: estimateDocumentTokens(text) }
}

/** A fence longer than any run of backticks inside, so a document holding ``` cannot close it early. */
function fenceFor(text: string): string {
  const longest = Math.max(0, ...(text.match(/`{3,}/g) ?? []).map((run) => run.length))
  return '`'.repeat(Math.max(3, longest + 1))
}

/** A document as a model receives it: its file name, then its text in a fence. */
export function documentBlock(document: Pick<ExtractedDocument, 'name' | 'kind' | 'text'>): string {
  const fence = fenceFor(document.text)
  return `File: ${document.name}\n${fence}${fenceLanguage(document.name, document.kind)}\n${document.text}\n${fence}`
}
