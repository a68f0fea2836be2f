import fs from 'node:fs'
import path from 'node:path'
import { AppError, IoError, ValidationError } from '../errors'

/**
 * A file-system call failed on a path the user (or a client) named: a workspace, an export target,
 * a folder for the diagnostics bundle. What went wrong is almost always about the path itself (it
 * is a file where a folder is needed, it is missing, it is read-only), which the user fixes by
 * naming another one, so it gets a typed error that says so. Only faults of the machine itself
 * (an I/O error, a hung mount) stay E_IO.
 *
 * `subject` opens the message: "Could not write the export to /a/b.zip", "Cannot read /w/x.json".
 */
type Made = (subject: string, file: string, options: { cause: unknown; hint?: string }) => AppError

const invalid = (message: string, issue: string, hint?: string): AppError => new ValidationError(message, [{ path: 'path', message: issue }], hint)

const fullDisk: Made = (subject, _file, options) =>
  new AppError('E_DISK_FULL', `${subject}: the disk is full.`, { ...options, hint: options.hint ?? 'Free some space there, or pick a folder on another disk.', retryable: true })
const denied: Made = (subject, _file, options) => new AppError('E_FORBIDDEN', `${subject}: permission denied.`, options)
const badPath: Made = (subject, _file, options) => invalid(`${subject}: the path cannot be used (${(options.cause as NodeJS.ErrnoException).code}).`, 'unusable path', options.hint)

const notAFolder: Made = (subject, file, options) => invalid(`${subject}: ${firstNonFolder(file) ?? 'part of the path'} is a file, not a folder.`, 'not a folder', options.hint)

const BY_CODE: Record<string, Made> = {
  ENOTDIR: notAFolder,
  // mkdir -p meets a file where a folder should be.
  EEXIST: (subject, file, options) => (firstNonFolder(path.dirname(file)) ? notAFolder(subject, file, options) : invalid(`${subject}: ${file} already exists.`, 'exists', options.hint)),
  EISDIR: (subject, file, options) => invalid(`${subject}: ${file} is a folder, not a file.`, 'a folder', options.hint),
  ENAMETOOLONG: badPath,
  ELOOP: badPath,
  ENOENT: (subject, file, options) => new AppError('E_NOT_FOUND', `${subject}: ${path.dirname(file)} does not exist or does not take new files.`, options),
  EACCES: denied,
  EPERM: denied,
  EROFS: (subject, _file, options) => new AppError('E_FORBIDDEN', `${subject}: that disk is read-only.`, options),
  ENOSPC: fullDisk,
  EDQUOT: fullDisk,
}

export function userPathError(error: unknown, file: string, subject: string, hint?: string): AppError {
  if (error instanceof AppError) return error
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  const options = { cause: error, ...(hint ? { hint } : {}) }
  const made = code === undefined ? undefined : BY_CODE[code]
  return made ? made(subject, file, options) : new IoError(`${subject} (${code ?? 'error'}).`, options)
}

/** The first ancestor of `file` that exists and is not a folder (what made the path fail with ENOTDIR). */
function firstNonFolder(file: string): string | undefined {
  const chain: string[] = []
  for (let current = path.resolve(file); path.dirname(current) !== current; current = path.dirname(current)) chain.unshift(current)
  for (const step of chain) {
    const stat = statOrNothing(step)
    if (!stat) return undefined
    if (!stat.isDirectory()) return step
  }
  return undefined
}

function statOrNothing(file: string): fs.Stats | undefined {
  try {
    return fs.statSync(file)
  } catch {
    return undefined
  }
}
