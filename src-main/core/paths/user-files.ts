import fs from 'node:fs'
import { AppError, IoError, ValidationError } from '../errors'
import { userPathError } from './user-path-errors'

/**
 * Reading a path the user (or a client) names. `stat().size` is not trusted: a FIFO blocks
 * whoever opens it until something writes, `/dev/zero` never ends, and a file can grow or be
 * swapped between the check and the read. So: only regular files (a symlink only when it points at
 * one), opened without blocking and checked again on the open descriptor, read in pieces up to a
 * hard limit whatever the size claimed, each piece under a time limit.
 */

export interface UserFileLimits {
  /** Refuse the file once this many bytes have been read. */
  maxBytes: number
  /** How long one read may take before the file is given up (network file systems can hang). */
  timeoutMs?: number
  /** What the file is, for messages ("the import file", "the MCP config"). */
  what?: string
}

const CHUNK = 1024 * 1024
const DEFAULT_TIMEOUT_MS = 30_000

function kindOf(stat: fs.Stats): string {
  if (stat.isDirectory()) return 'a folder'
  if (stat.isFIFO()) return 'a named pipe'
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device'
  if (stat.isSocket()) return 'a socket'
  return 'not a regular file'
}

const sizeText = (bytes: number): string => (bytes < 1024 * 1024 ? `${Math.ceil(bytes / 1024)} KB` : `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`)

function notRegular(file: string, stat: fs.Stats, what: string): ValidationError {
  return new ValidationError(`${what} ${file} is ${kindOf(stat)}; only regular files can be read.`, [{ path: 'path', message: 'not a regular file' }])
}

export function tooLarge(file: string, limits: UserFileLimits): AppError {
  return new AppError('E_PAYLOAD_TOO_LARGE', `${limits.what ?? 'The file'} ${file} is larger than the ${sizeText(limits.maxBytes)} limit.`, {
    hint: 'Split it into smaller files.',
  })
}

function openError(file: string, error: unknown, what: string): AppError {
  const code = (error as NodeJS.ErrnoException).code
  if (code === 'ENOENT') return new AppError('E_NOT_FOUND', `There is no file at ${file}.`)
  return userPathError(error, file, `${what} ${file} cannot be read`)
}

/** Throws unless `file` (followed through symlinks) is a regular file: for code that hands it to another reader. */
export function assertRegularFileSync(file: string, what = 'The file'): void {
  let stat: fs.Stats
  try {
    stat = fs.statSync(file)
  } catch (error) {
    throw openError(file, error, what)
  }
  if (!stat.isFile()) throw notRegular(file, stat, what)
}

/** Opens without blocking (a FIFO would wait for a writer) and checks what was actually opened. */
async function openRegular(file: string, what: string): Promise<fs.promises.FileHandle> {
  let stat: fs.Stats
  try {
    stat = await fs.promises.stat(file)
  } catch (error) {
    throw openError(file, error, what)
  }
  if (!stat.isFile()) throw notRegular(file, stat, what)
  let handle: fs.promises.FileHandle
  try {
    handle = await fs.promises.open(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK)
  } catch (error) {
    throw openError(file, error, what)
  }
  const opened = await handle.stat()
  if (!opened.isFile()) {
    await handle.close()
    throw notRegular(file, opened, what)
  }
  return handle
}

/** Pieces read so far, refused past the limit. */
class Collected {
  private readonly chunks: Buffer[] = []
  private total = 0
  private readonly file: string
  private readonly limits: UserFileLimits
  constructor(file: string, limits: UserFileLimits) {
    this.file = file
    this.limits = limits
  }

  /** false at the end of the file. */
  add(buffer: Buffer, bytesRead: number): boolean {
    if (bytesRead === 0) return false
    this.total += bytesRead
    if (this.total > this.limits.maxBytes) throw tooLarge(this.file, this.limits)
    this.chunks.push(buffer.subarray(0, bytesRead))
    return true
  }

  bytes(): Buffer {
    return Buffer.concat(this.chunks, this.total)
  }
}

function withTimeout<T>(work: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms)
  })
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer))
}

/** The whole file, refused past `maxBytes` (counted while reading, not from stat). */
export async function readUserFile(file: string, limits: UserFileLimits): Promise<Buffer> {
  const what = limits.what ?? 'The file'
  const timeoutMs = limits.timeoutMs ?? DEFAULT_TIMEOUT_MS
  const handle = await withTimeout(openRegular(file, what), timeoutMs, () => new IoError(`Opening ${file} took longer than ${timeoutMs / 1000} s.`))
  const collected = new Collected(file, limits)
  let pending: Promise<unknown> = Promise.resolve()
  try {
    let more = true
    while (more) {
      const read = handle.read(Buffer.alloc(CHUNK), 0, CHUNK, null)
      pending = read
      const { bytesRead, buffer } = await withTimeout(read, timeoutMs, () => new IoError(`Reading ${file} took longer than ${timeoutMs / 1000} s.`, { hint: 'Is it on a network drive that stopped answering?' }))
      more = collected.add(buffer, bytesRead)
    }
  } finally {
    // A read that timed out still owns the descriptor: close it when that read settles.
    void pending.catch(() => undefined).finally(() => handle.close().catch(() => undefined))
  }
  return collected.bytes()
}

/** The file as UTF-8 text (see readUserFile). */
export async function readUserTextFile(file: string, limits: UserFileLimits): Promise<string> {
  return (await readUserFile(file, limits)).toString('utf8')
}

/**
 * The same checks for code that must stay synchronous (the session store's own thread): no
 * time limit is possible there, so callers on the main thread use readUserFile instead.
 */
export function readUserFileSync(file: string, limits: UserFileLimits): Buffer {
  const what = limits.what ?? 'The file'
  let fd: number
  try {
    const stat = fs.statSync(file)
    if (!stat.isFile()) throw notRegular(file, stat, what)
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK)
  } catch (error) {
    throw error instanceof AppError ? error : openError(file, error, what)
  }
  try {
    const opened = fs.fstatSync(fd)
    if (!opened.isFile()) throw notRegular(file, opened, what)
    const collected = new Collected(file, limits)
    let more = true
    while (more) {
      const buffer = Buffer.alloc(CHUNK)
      more = collected.add(buffer, fs.readSync(fd, buffer, 0, CHUNK, null))
    }
    return collected.bytes()
  } finally {
    fs.closeSync(fd)
  }
}
