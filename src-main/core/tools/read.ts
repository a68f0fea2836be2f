import fs from 'node:fs'
import { StringDecoder } from 'node:string_decoder'
import { CancelledError } from '../errors'
import { displayPath, resolveInside } from './sandbox'
import { READ_DEFAULT_LIMIT, ToolFailedError, type ToolContext, type ToolInput } from './specs'

export const MAX_LINE_CHARS = 2000
/** Even 2000 short lines stay well inside this; it guards against pathological files. */
export const READ_OUTPUT_CAP = 256_000
const SNIFF_BYTES = 8192

/** A NUL byte in the first few KB is how git and grep tell binary files apart too. */
export function looksBinary(head: Buffer): boolean {
  return head.subarray(0, SNIFF_BYTES).includes(0)
}

export function binaryRefusal(shown: string): ToolFailedError {
  return new ToolFailedError(`${shown} is a binary file; Read and Edit only handle text.`, 'E_UNSUPPORTED')
}

/** Stats a resolved path as a regular file, with messages the model can act on. */
export async function statFile(absolute: string, shown: string): Promise<fs.Stats> {
  let stat: fs.Stats
  try {
    stat = await fs.promises.stat(absolute)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new ToolFailedError(`File does not exist: ${shown}`, 'E_NOT_FOUND')
    throw new ToolFailedError(`Cannot read ${shown}: ${(error as Error).message}`)
  }
  if (stat.isDirectory()) throw new ToolFailedError(`${shown} is a folder, not a file; use Glob to list it.`, 'E_UNSUPPORTED')
  if (!stat.isFile()) throw new ToolFailedError(`${shown} is not a regular file.`, 'E_UNSUPPORTED')
  return stat
}

async function readHead(absolute: string): Promise<Buffer> {
  const handle = await fs.promises.open(absolute, 'r')
  try {
    const buffer = Buffer.alloc(SNIFF_BYTES)
    const { bytesRead } = await handle.read(buffer, 0, SNIFF_BYTES, 0)
    return buffer.subarray(0, bytesRead)
  } finally {
    await handle.close()
  }
}

/** Reads a text file whole, refusing binary ones (for Edit and previews). */
export async function readTextFile(absolute: string, shown: string): Promise<string> {
  await statFile(absolute, shown)
  const content = await fs.promises.readFile(absolute)
  if (looksBinary(content)) throw binaryRefusal(shown)
  return content.toString('utf8')
}

/** Streams the file line by line so a huge log costs only the lines shown (and a count). */
export async function readTool(input: ToolInput<'Read'>, ctx: ToolContext): Promise<string> {
  const absolute = resolveInside(ctx.roots, ctx.cwd, input.file_path)
  const shown = displayPath(ctx.cwd, absolute)
  await statFile(absolute, shown)
  if (looksBinary(await readHead(absolute))) throw binaryRefusal(shown)

  const first = input.offset ?? 1
  const last = first + (input.limit ?? READ_DEFAULT_LIMIT) - 1
  const out: string[] = []
  let outChars = 0
  let capped = false
  let lineNo = 0
  let pending = ''
  let endsWithNewline = true
  const take = (line: string): void => {
    lineNo++
    if (lineNo < first || lineNo > last || capped) return
    const text = line.endsWith('\r') ? line.slice(0, -1) : line
    const cut = text.length > MAX_LINE_CHARS ? `${text.slice(0, MAX_LINE_CHARS)}… [line cut at ${MAX_LINE_CHARS} characters]` : text
    const row = `${String(lineNo).padStart(6)}\t${cut}`
    if (outChars + row.length > READ_OUTPUT_CAP) {
      capped = true
      return
    }
    out.push(row)
    outChars += row.length + 1
  }
  const decoder = new StringDecoder('utf8')
  for await (const chunk of fs.createReadStream(absolute, { signal: ctx.signal })) {
    if (ctx.signal.aborted) throw new CancelledError()
    pending += decoder.write(chunk as Buffer)
    const parts = pending.split('\n')
    pending = parts.pop() ?? ''
    for (const part of parts) take(part)
    endsWithNewline = pending === ''
  }
  pending += decoder.end()
  if (pending !== '') {
    take(pending)
    endsWithNewline = false
  }
  const total = lineNo
  if (total === 0) return `${shown} is empty.`
  if (first > total) throw new ToolFailedError(`${shown} has ${total} lines; offset ${first} is past the end.`, 'E_VALIDATION')
  const shownLast = first + out.length - 1
  const notes: string[] = []
  if (shownLast < total) notes.push(`[Showing lines ${first}-${shownLast} of ${total}; use offset and limit to read more.]`)
  if (!endsWithNewline && shownLast === total) notes.push('[No newline at end of file]')
  return [...out, ...notes].join('\n')
}
