import fs from 'node:fs/promises'
import path from 'node:path'
import { AppError } from '../../errors'

/**
 * Checks a model file before sherpa-onnx sees it: onnxruntime aborts the whole process on a file
 * it cannot parse, so a truncated download or a wrong file must be caught here, as a typed error.
 * The check walks the top-level fields of the ONNX protobuf (ModelProto) without reading the
 * weights: a cut-off file leaves a field running past the end.
 */
export class VoiceModelInvalidError extends AppError {
  constructor(file: string, detail: string) {
    super('E_VOICE_MODEL_INVALID', `The speech model file ${path.basename(file)} is unusable (${detail}).`, {
      hint: 'Remove the model in Settings → Voice and download it again.',
    })
  }
}

const IR_VERSION = 1
const GRAPH = 7
const MAX_FIELDS = 100_000

interface Reader {
  size: number
  byte(at: number): Promise<number>
}

async function varint(reader: Reader, at: number): Promise<{ value: number; next: number }> {
  let value = 0
  let scale = 1
  for (let i = 0; i < 10; i++) {
    if (at + i >= reader.size) throw new Error('a field runs past the end of the file (truncated?)')
    const byte = await reader.byte(at + i)
    value += (byte & 0x7f) * scale
    if ((byte & 0x80) === 0) return { value, next: at + i + 1 }
    scale *= 128
  }
  throw new Error('a malformed length')
}

export async function validateOnnxFile(file: string, expectedSize?: number): Promise<void> {
  let handle: fs.FileHandle
  try {
    handle = await fs.open(file, 'r')
  } catch {
    throw new VoiceModelInvalidError(file, 'missing')
  }
  try {
    const { size } = await handle.stat()
    if (expectedSize !== undefined && size !== expectedSize) throw new VoiceModelInvalidError(file, `${size} bytes, expected ${expectedSize}: truncated or a different file`)
    if (size < 16) throw new VoiceModelInvalidError(file, `only ${size} bytes`)
    // One small read-ahead window is plenty: only field headers are read, never the weights.
    let window = { start: -1, bytes: Buffer.alloc(0) }
    const reader: Reader = {
      size,
      async byte(at) {
        if (at < window.start || at >= window.start + window.bytes.length) {
          const bytes = Buffer.alloc(Math.min(64, size - at))
          await handle.read(bytes, 0, bytes.length, at)
          window = { start: at, bytes }
        }
        return window.bytes[at - window.start] ?? 0
      },
    }
    await walk(reader, file)
  } finally {
    await handle.close()
  }
}

async function walk(reader: Reader, file: string): Promise<void> {
  let at = 0
  let irVersion: number | undefined
  let graph = false
  try {
    for (let fields = 0; at < reader.size; fields++) {
      if (fields > MAX_FIELDS) throw new Error('too many top-level fields')
      const tag = await varint(reader, at)
      const field = Math.floor(tag.value / 8)
      const wire = tag.value & 7
      at = tag.next
      if (field === 0) throw new Error('field number 0')
      if (wire === 0) {
        const value = await varint(reader, at)
        if (field === IR_VERSION) irVersion = value.value
        at = value.next
      } else if (wire === 2) {
        const length = await varint(reader, at)
        at = length.next + length.value
        if (at > reader.size) throw new Error('a field runs past the end of the file (truncated?)')
        if (field === GRAPH) graph = true
      } else if (wire === 1) at += 8
      else if (wire === 5) at += 4
      else throw new Error(`wire type ${wire}`)
      if (at > reader.size) throw new Error('a field runs past the end of the file (truncated?)')
    }
  } catch (error) {
    if (error instanceof AppError) throw error
    throw new VoiceModelInvalidError(file, `not an ONNX model: ${(error as Error).message}`)
  }
  if (irVersion === undefined || irVersion < 1 || irVersion > 100) throw new VoiceModelInvalidError(file, 'not an ONNX model: no IR version')
  if (!graph) throw new VoiceModelInvalidError(file, 'not an ONNX model: no graph')
}

/** tokens.txt: one `token id` per line; sherpa also aborts on an empty or missing one. */
export async function validateTokensFile(file: string): Promise<void> {
  let text: string
  try {
    text = await fs.readFile(file, 'utf8')
  } catch {
    throw new VoiceModelInvalidError(file, 'missing')
  }
  const lines = text.split('\n').filter((line) => line.trim())
  if (lines.length === 0) throw new VoiceModelInvalidError(file, 'empty')
  if (!lines.every((line) => /\s-?\d+\s*$/.test(line) || /^-?\d+\s*$/.test(line.trim()))) {
    throw new VoiceModelInvalidError(file, 'not a tokens file: each line should end with a number')
  }
}
