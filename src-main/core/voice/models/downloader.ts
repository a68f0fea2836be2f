import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { Readable } from 'node:stream'
import type { StreamEvent } from '../../../../src-shared/contract'
import { AppError, CancelledError, NetworkError } from '../../errors'
import { validateLayout } from '../engines/sherpa-engines'
import { absoluteLayout, INSTALLED_MARKER, type CatalogEntry } from './catalog'

export type DownloadProgress = StreamEvent<'voice.models.download'>

export interface DownloadDeps {
  fetch: typeof fetch
  /** Unpacks a .tar.bz2 into a folder; defaults to the system `tar` (Linux, macOS, Windows 10+). */
  extract?: (archive: string, into: string) => Promise<void>
  /** Bytes between progress events. */
  progressEvery?: number
}

export const systemTarExtract = (archive: string, into: string): Promise<void> =>
  new Promise((resolve, reject) => {
    execFile('tar', ['-xjf', archive, '-C', into], { timeout: 600_000 }, (error, _stdout, stderr) => {
      if (!error) return resolve()
      reject(new AppError('E_IO', `Could not unpack ${path.basename(archive)}: ${(stderr || error.message).trim().slice(0, 200)}`, { hint: 'Check the free disk space and try again.' }))
    })
  })

/**
 * Downloads a catalog model into `<root>/<id>/`: every file goes to a staging folder as `.part`
 * (kept on cancel, so the next try resumes with a Range request), is checked against its sha256,
 * unpacked, validated, and only then moved into place. An entry without a pinned sha256 is refused.
 */
export async function* downloadModel(entry: CatalogEntry, root: string, deps: DownloadDeps, signal: AbortSignal): AsyncGenerator<DownloadProgress, { dir: string }, void> {
  if (entry.downloads.length === 0) throw new AppError('E_CONFIG', `${entry.name} came from a folder on this computer; there is nothing to download.`)
  const unpinned = entry.downloads.filter((download) => download.sha256 === null)
  if (unpinned.length > 0) {
    throw new AppError('E_UNSUPPORTED', `${entry.name} cannot be verified: its checksum is not pinned in this build.`, { hint: 'Nothing was downloaded. Use another model or the OpenAI engine.' })
  }
  const staging = path.join(root, `.staging-${entry.id}`)
  const unpacked = path.join(staging, 'model')
  fs.mkdirSync(staging, { recursive: true })
  fs.rmSync(unpacked, { recursive: true, force: true })
  fs.mkdirSync(unpacked)
  for (const download of entry.downloads) {
    const part = path.join(staging, `${download.name}.part`)
    yield* fetchResumable(download.url, part, download.name, deps, signal)
    yield { phase: 'verify', file: download.name, receivedBytes: fs.statSync(part).size, totalBytes: fs.statSync(part).size }
    const actual = await sha256Of(part)
    if (actual !== download.sha256) {
      fs.rmSync(part, { force: true })
      throw new AppError('E_VOICE_MODEL_INVALID', `${download.name} does not match its checksum; it was deleted.`, { hint: 'The download was corrupted or the file changed on the server. Try again.' })
    }
    yield { phase: 'install', file: download.name, receivedBytes: fs.statSync(part).size, totalBytes: fs.statSync(part).size }
    if (download.extract === 'tar.bz2') {
      await (deps.extract ?? systemTarExtract)(part, unpacked)
      fs.rmSync(part, { force: true })
    } else fs.renameSync(part, path.join(unpacked, download.name))
  }
  await validateLayout(absoluteLayout(entry.layout, unpacked))
  fs.writeFileSync(path.join(unpacked, INSTALLED_MARKER), JSON.stringify({ id: entry.id, sha256: entry.downloads.map((d) => d.sha256), installedAt: new Date().toISOString() }))
  const dir = path.join(root, entry.id)
  fs.rmSync(dir, { recursive: true, force: true })
  fs.renameSync(unpacked, dir)
  fs.rmSync(staging, { recursive: true, force: true })
  return { dir }
}

async function* fetchResumable(url: string, part: string, name: string, deps: DownloadDeps, signal: AbortSignal): AsyncGenerator<DownloadProgress, void, void> {
  const have = fs.existsSync(part) ? fs.statSync(part).size : 0
  let response: Response
  try {
    response = await deps.fetch(url, { signal, redirect: 'follow', ...(have > 0 ? { headers: { range: `bytes=${have}-` } } : {}) })
  } catch (error) {
    if (signal.aborted) throw new CancelledError('Download cancelled.')
    throw new NetworkError(`Could not download ${name}.`, { cause: error, hint: 'Check the connection and try again; the download resumes where it stopped.' })
  }
  if (response.status === 416 && have > 0) return // already complete: the checksum decides
  if (!response.ok || !response.body) {
    throw new NetworkError(`Downloading ${name} failed: HTTP ${response.status}.`, { hint: 'Try again later.' })
  }
  const resumed = response.status === 206 && have > 0
  const start = resumed ? have : 0
  const length = Number(response.headers.get('content-length') ?? NaN)
  const total = Number.isFinite(length) ? start + length : 0
  const out = fs.createWriteStream(part, { flags: resumed ? 'a' : 'w' })
  const every = deps.progressEvery ?? 1 << 20
  let received = start
  let reported = start
  try {
    yield { phase: 'download', file: name, receivedBytes: received, totalBytes: total }
    for await (const chunk of Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>)) {
      const bytes = chunk as Buffer
      if (!out.write(bytes)) await new Promise<void>((resolve) => out.once('drain', () => resolve()))
      received += bytes.length
      if (received - reported >= every) {
        reported = received
        yield { phase: 'download', file: name, receivedBytes: received, totalBytes: total }
      }
    }
  } catch (error) {
    if (signal.aborted) throw new CancelledError('Download cancelled; it resumes where it stopped next time.')
    throw new NetworkError(`The download of ${name} broke off.`, { cause: error, hint: 'Try again; it resumes where it stopped.' })
  } finally {
    await new Promise<void>((resolve) => out.end(() => resolve()))
  }
  if (total > 0 && received !== total) throw new NetworkError(`The download of ${name} ended early (${received} of ${total} bytes).`, { hint: 'Try again; it resumes where it stopped.' })
  yield { phase: 'download', file: name, receivedBytes: received, totalBytes: total || received }
}

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer)
  return hash.digest('hex')
}
