import { createHash } from 'node:crypto'
import fs from 'node:fs'
import { AppError } from '../errors'
import { DocumentError } from '../documents'
import { assertRegularFileSync } from '../paths'

const PIECE = 1024 * 1024
/** More undecodable characters than this share means binary data, as for attachments. */
const MAX_INVALID_SHARE = 0.01

/** Opens a regular file only (checked again on the descriptor: it may be swapped between the two). */
async function openRegular(file: string): Promise<fs.promises.FileHandle> {
  assertRegularFileSync(file)
  const handle = await fs.promises.open(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK)
  if (!(await handle.stat()).isFile()) {
    await handle.close()
    throw new AppError('E_VALIDATION', `${file} is not a regular file; only regular files are read.`)
  }
  return handle
}

/** The file's bytes, one piece at a time, without any size limit. */
export async function* filePieces(file: string, signal?: AbortSignal): AsyncGenerator<Uint8Array> {
  const handle = await openRegular(file)
  try {
    for (;;) {
      signal?.throwIfAborted()
      const buffer = Buffer.allocUnsafe(PIECE)
      const { bytesRead } = await handle.read(buffer, 0, PIECE, null)
      if (bytesRead === 0) return
      yield buffer.subarray(0, bytesRead)
    }
  } finally {
    await handle.close()
  }
}

/** The SHA-256 of a file, read in pieces. */
export async function hashFile(file: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256')
  for await (const piece of filePieces(file, signal)) hash.update(piece)
  return hash.digest('hex')
}

/**
 * A text file as pieces of text of about `segmentChars`, each cut at a line end (a paragraph end
 * when there is one), with the line number it starts on. UTF-8 (or UTF-16 with its mark); a NUL
 * byte or more than 1 % undecodable characters means a binary file wearing a text name.
 */
export async function* textSegments(file: string, name: string, segmentChars: number, signal?: AbortSignal): AsyncGenerator<{ text: string; firstLine: number }> {
  let decoder: TextDecoder | null = null
  let pending = ''
  let line = 1
  let invalid = 0
  let seen = 0
  const binary = (): DocumentError =>
    new DocumentError('binary', `${name} is not a text file: its bytes are binary data, whatever its name says.`, 'Save it as plain text, or remove it from the folder.')
  const cut = function* (final: boolean): Generator<{ text: string; firstLine: number }> {
    while (pending.length >= segmentChars || (final && pending.length > 0)) {
      let at = pending.length
      if (!final || pending.length > segmentChars) {
        const window = pending.slice(0, segmentChars)
        const paragraph = window.lastIndexOf('\n\n')
        const newline = window.lastIndexOf('\n')
        at = paragraph > segmentChars / 2 ? paragraph + 2 : newline > 0 ? newline + 1 : segmentChars
      }
      const text = pending.slice(0, at)
      pending = pending.slice(at)
      yield { text, firstLine: line }
      line += (text.match(/\n/g) ?? []).length
    }
  }
  for await (const bytes of filePieces(file, signal)) {
    if (!decoder) {
      const utf16 = bytes[0] === 0xff && bytes[1] === 0xfe ? 'utf-16le' : bytes[0] === 0xfe && bytes[1] === 0xff ? 'utf-16be' : null
      decoder = new TextDecoder(utf16 ?? 'utf-8', { ignoreBOM: false })
      if (!utf16 && bytes.includes(0)) throw binary()
    } else if (decoder.encoding === 'utf-8' && bytes.includes(0)) {
      throw binary()
    }
    const text = decoder.decode(bytes, { stream: true })
    seen += text.length
    for (let i = text.indexOf('\uFFFD'); i !== -1; i = text.indexOf('\uFFFD', i + 1)) invalid++
    if (invalid > 0 && invalid / seen > MAX_INVALID_SHARE) throw binary()
    pending += text
    yield* cut(false)
  }
  if (decoder) pending += decoder.decode()
  yield* cut(true)
}
