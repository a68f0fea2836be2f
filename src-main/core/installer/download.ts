import { createHash } from 'node:crypto'
import { AppError, CancelledError, NetworkError } from '../errors'
import type { InstallEvent, InstallerEnv } from './types'

export interface DownloadOptions {
  /** Release base URL; the artifact and `sha256sum.txt` live under it. */
  baseUrl: string
  fileName: string
  /** Folder for the `.part` file and the verified download. */
  dir: string
  signal?: AbortSignal
  onEvent?: (event: InstallEvent) => void
  /** Attempts per download after connection drops or 5xx (each resumes). */
  maxAttempts?: number
}

const joinUrl = (base: string, file: string) => `${base.replace(/\/+$/, '')}/${file}`

/** Reads `<hex>  <filename>` lines (sha256sum style, `*` binary marker allowed). */
export function parseChecksums(text: string): Map<string, string> {
  const sums = new Map<string, string>()
  for (const line of text.split(/\r?\n/)) {
    const match = /^([0-9a-f]{64})\s+\*?(?:\.\/)?(\S.*?)\s*$/i.exec(line.trim())
    if (match) sums.set(match[2] as string, (match[1] as string).toLowerCase())
  }
  return sums
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CancelledError('The installation was cancelled.')
}

async function expectedSum(env: InstallerEnv, options: DownloadOptions): Promise<string> {
  const url = joinUrl(options.baseUrl, 'sha256sum.txt')
  let lastError = ''
  for (let attempt = 0; attempt < (options.maxAttempts ?? 6); attempt++) {
    throwIfAborted(options.signal)
    try {
      const response = await env.fetch(url, options.signal ? { signal: options.signal } : {})
      if (response.ok) {
        const sum = parseChecksums(await response.text()).get(options.fileName)
        if (!sum) throw new AppError('E_NOT_FOUND', `The release's checksum list has no entry for ${options.fileName}.`, { hint: 'The mirror may be incomplete; try the default release address.' })
        return sum
      }
      lastError = `HTTP ${response.status}`
      if (response.status < 500) break
    } catch (error) {
      if (error instanceof AppError) throw error
      throwIfAborted(options.signal)
      lastError = (error as Error).message
    }
    await env.sleep(backoff(attempt), options.signal).catch(() => throwIfAborted(options.signal))
  }
  throw new NetworkError(`Could not fetch the checksum list (${lastError}).`, { hint: `Check the connection and that ${url} is reachable.` })
}

const backoff = (attempt: number) => Math.min(200 * 2 ** attempt, 5000)

async function sha256File(env: InstallerEnv, file: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of env.fs.readStream(file)) {
    throwIfAborted(signal)
    hash.update(chunk)
  }
  return hash.digest('hex')
}

/** One pass over the network that appends to `.part`, resuming with a Range request. */
async function fetchInto(env: InstallerEnv, url: string, part: string, options: DownloadOptions, progress: (bytes: number, total: number | undefined) => void): Promise<'done' | 'retry'> {
  const have = (await env.fs.size(part)) ?? 0
  const headers: Record<string, string> = have > 0 ? { range: `bytes=${have}-` } : {}
  let response: Response
  try {
    response = await env.fetch(url, { headers, ...(options.signal ? { signal: options.signal } : {}) })
  } catch {
    throwIfAborted(options.signal)
    return 'retry'
  }
  if (response.status === 416) {
    await env.fs.rm(part)
    return 'retry'
  }
  if (response.status >= 500) return 'retry'
  if (!response.ok || !response.body) {
    throw new AppError('E_NETWORK', `The release server answered HTTP ${response.status} for ${url}.`, { hint: 'Check the release address (--base-url) or try again later.' })
  }
  const resumed = response.status === 206
  const length = Number(response.headers.get('content-length') ?? NaN)
  const total = Number.isFinite(length) ? length + (resumed ? have : 0) : undefined
  let bytes = resumed ? have : 0
  const out = await env.fs.openAppend(part, !resumed)
  try {
    for await (const chunk of response.body) {
      await out.write(chunk)
      bytes += chunk.byteLength
      progress(bytes, total)
    }
  } catch (error) {
    throwIfAborted(options.signal)
    if ((error as NodeJS.ErrnoException).code && !(error instanceof TypeError)) throw error
    return 'retry'
  } finally {
    await out.close()
  }
  if (total !== undefined && bytes < total) return 'retry'
  return 'done'
}

/**
 * Downloads `fileName` from the release, resumable, and verifies its sha256 against the release's
 * checksum list before returning its path. A mismatch deletes it and starts over once.
 */
export async function downloadVerified(env: InstallerEnv, options: DownloadOptions): Promise<string> {
  const emit = options.onEvent ?? (() => undefined)
  const url = joinUrl(options.baseUrl, options.fileName)
  await env.fs.mkdir(options.dir)
  const part = `${options.dir}/${options.fileName}.part`
  const file = `${options.dir}/${options.fileName}`
  emit({ type: 'phase', phase: 'download', detail: url })
  const sum = await expectedSum(env, options)
  const started = env.now()
  let startBytes: number | undefined
  let lastEmit = -Infinity
  const progress = (bytes: number, total: number | undefined) => {
    const now = env.now()
    startBytes ??= bytes
    if (now - lastEmit < 100 && bytes !== total) return
    lastEmit = now
    const seconds = Math.max((now - started) / 1000, 0.001)
    const bytesPerSecond = Math.round((bytes - startBytes) / seconds)
    const etaSeconds = total !== undefined && bytesPerSecond > 0 ? Math.round((total - bytes) / bytesPerSecond) : undefined
    emit({ type: 'progress', bytes, total, bytesPerSecond, etaSeconds })
  }
  for (let pass = 0; pass < 2; pass++) {
    let attempt = 0
    for (;;) {
      throwIfAborted(options.signal)
      if ((await fetchInto(env, url, part, options, progress)) === 'done') break
      if (++attempt >= (options.maxAttempts ?? 6)) {
        throw new NetworkError(`The download of ${options.fileName} kept failing after ${attempt} attempts.`, { hint: 'Check the connection and try again; the download resumes where it stopped.' })
      }
      emit({ type: 'log', message: `connection lost; resuming (attempt ${attempt + 1})` })
      await env.sleep(backoff(attempt), options.signal).catch(() => throwIfAborted(options.signal))
    }
    emit({ type: 'phase', phase: 'verify' })
    const actual = await sha256File(env, part, options.signal)
    if (actual === sum) {
      await env.fs.rename(part, file)
      return file
    }
    await env.fs.rm(part)
    emit({ type: 'log', message: `checksum mismatch (expected ${sum.slice(0, 12)}…, got ${actual.slice(0, 12)}…); ${pass === 0 ? 'downloading again' : 'giving up'}` })
  }
  throw new AppError('E_IO', `The download of ${options.fileName} did not match the release's checksum, twice.`, {
    retryable: true,
    hint: 'Nothing was installed. The download may be tampered with or the mirror out of date; try again or use the default release address.',
  })
}
