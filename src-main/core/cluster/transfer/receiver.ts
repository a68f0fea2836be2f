import { createHash, type Hash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { mkdir, open, readFile, rename, rm, stat, statfs, writeFile, type FileHandle } from 'node:fs/promises'
import path from 'node:path'
import { AppError, IoError } from '../../errors'
import type { TransportChannel, TransportListener } from '../../rdma'
import { blobPath, digestHex, formatModelName, listBlobs, manifestPath, parseManifest, parseModelName, partialBlobPath, type ManifestEntry } from './model-store'
import { BlobIntegrityError, ConnectionLostError, FramedChannel, ProgressMeter, runSession, TransferProtocolError, type MessageOf, type SessionOptions } from './protocol'

export interface ReceiveOptions extends SessionOptions {
  modelsDir: string
  /** Free bytes on the disk holding `dir` (default: statfs). */
  freeBytes?: (dir: string) => Promise<number>
  /** Replace an installed model whose manifest differs (the user confirmed); default refuse. */
  replaceInstalled?: boolean
}

export interface ReceiveResult {
  model: string
  peerId: string
  bytesReceived: number
  blobsReceived: number
  blobsSkipped: number
}

export interface AcceptOptions extends ReceiveOptions {
  /** Closed when `signal` aborts, which ends the accept loop. */
  listener: TransportListener
  onReceived?: (result: ReceiveResult) => void
  onFailed?: (error: AppError, remote: string) => void
}

export class NotEnoughSpaceError extends AppError {
  constructor(model: string, needed: number, free: number) {
    const human = (bytes: number) => (bytes >= 1e9 ? `${(bytes / 1e9).toFixed(1)} GB` : `${(bytes / 1e6).toFixed(1)} MB`)
    super('E_IO', `Receiving ${model} needs ${human(needed)} more; the disk has ${human(free)} free.`, { hint: 'Free some space (for example remove unused models with `ollama rm`), then send again.' })
  }
}

/** The offer would replace an installed model with different content, and nobody confirmed that. */
export class ModelExistsError extends AppError {
  constructor(model: string) {
    super('E_VALIDATION', `${model} is already installed here with different content; it was not replaced.`, {
      hint: 'Remove or rename the model on this machine first (`ollama rm`), or confirm replacing it.',
    })
  }
}

export class BlobBusyError extends AppError {
  constructor(digest: string) {
    super('E_IO', `Another transfer is already receiving blob ${digest.slice(0, 19)}….`, { retryable: true, hint: 'Send again when that transfer has finished.' })
  }
}

interface BlobState {
  entry: ManifestEntry
  /** Verified bytes on disk for a blob already in place; else the partial's length. */
  offset: number
  complete: boolean
  hash: Hash
  failures: number
}

/** Blobs being written by some session in this process, by partial path. */
const claimed = new Set<string>()
const defaultFreeBytes = async (dir: string) => {
  const fs = await statfs(dir)
  return fs.bavail * fs.bsize
}

/** Accepts connections until `signal` aborts or the listener closes; sessions run side by side. */
export async function acceptModels(options: AcceptOptions): Promise<void> {
  const { listener, signal } = options
  const onAbort = () => void listener.close()
  if (signal?.aborted) onAbort()
  signal?.addEventListener('abort', onAbort, { once: true })
  const sessions = new Set<Promise<void>>()
  try {
    for await (const channel of listener.accept()) {
      if (signal?.aborted) {
        channel.destroy()
        break
      }
      const session: Promise<void> = receiveOne(channel, options).then(
        (result) => options.onReceived?.(result),
        (error: AppError) => options.onFailed?.(error, channel.remote),
      )
      sessions.add(session)
      void session.finally(() => sessions.delete(session))
    }
  } finally {
    signal?.removeEventListener('abort', onAbort)
    await Promise.allSettled(sessions)
  }
}

/** Runs the receiver side of one session; the model's manifest is written only once every blob is in place. */
export async function receiveOne(channel: TransportChannel, options: ReceiveOptions): Promise<ReceiveResult> {
  const claims: string[] = []
  try {
    return await runSession(channel, 'receiver', options, async (framed, { peer, nonce }) => {
      const result: ReceiveResult = { model: '', peerId: peer.peerId, bytesReceived: 0, blobsReceived: 0, blobsSkipped: 0 }
      const offer = await framed.expect('offer')
      const name = parseModelName(offer.model)
      result.model = formatModelName(name)
      const manifest = parseManifest(offer.manifest, result.model)
      const installed = await readFile(manifestPath(options.modelsDir, offer.model), 'utf8').catch(() => undefined)
      if (installed !== undefined && installed !== offer.manifest && !options.replaceInstalled) throw new ModelExistsError(result.model)
      const entries = listBlobs(manifest)
      const listed = entries.map((e) => `${e.digest}/${e.size}`).join(',')
      if (listed !== offer.blobs.map((b) => `${b.digest}/${b.size}`).join(',')) throw new TransferProtocolError(framed.remote, 'an offer whose blob list differs from its manifest')

      await mkdir(path.join(options.modelsDir, 'blobs', '.partial'), { recursive: true })
      for (const entry of entries) {
        const key = partialBlobPath(options.modelsDir, entry.digest)
        if (claimed.has(key)) throw new BlobBusyError(entry.digest)
        claimed.add(key)
        claims.push(key)
      }
      const states = new Map<string, BlobState>()
      for (const entry of entries) states.set(entry.digest, await prepareBlob(options.modelsDir, entry))
      const needed = [...states.values()].reduce((sum, s) => sum + s.entry.size - s.offset, 0)
      const free = needed > 0 ? await (options.freeBytes ?? defaultFreeBytes)(options.modelsDir) : 0
      if (needed > free) throw new NotEnoughSpaceError(result.model, needed, free)

      const meter = new ProgressMeter(result.model, entries.reduce((sum, e) => sum + e.size, 0), options)
      const offsets = [...states.values()].map((s) => s.offset)
      offsets.forEach((offset) => meter.alreadyHad(offset))
      result.blobsSkipped = [...states.values()].filter((s) => s.complete).length
      await framed.send({ t: 'want', offsets })

      for (;;) {
        const message = await framed.expect('blob', 'commit')
        if (message.t === 'commit') break
        const state = states.get(message.digest)
        if (!state || state.complete || message.offset !== state.offset) throw new TransferProtocolError(framed.remote, `an unexpected blob ${message.digest.slice(0, 19)}… at ${message.offset}`)
        result.bytesReceived += await receiveBlob(framed, options.modelsDir, state, meter)
        if (await finishBlob(options.modelsDir, state)) {
          result.blobsReceived++
          await framed.send({ t: 'ack', digest: state.entry.digest })
        } else {
          meter.rewind(state.entry.size)
          if (state.failures >= 2) throw new BlobIntegrityError(state.entry.digest)
          await framed.send({ t: 'nack', digest: state.entry.digest })
        }
      }
      await commitManifest(options.modelsDir, offer, states, nonce, framed.remote)
      await framed.send({ t: 'done' })
      meter.finish()
      return result
    })
  } finally {
    for (const key of claims) claimed.delete(key)
  }
}

/** How much of a blob is here: verified in place, a partial to resume (prefix hashed), or nothing. */
async function prepareBlob(modelsDir: string, entry: ManifestEntry): Promise<BlobState> {
  const hex = digestHex(entry.digest)
  const fresh = (): BlobState => ({ entry, offset: 0, complete: false, hash: createHash('sha256'), failures: 0 })
  const final = blobPath(modelsDir, entry.digest)
  if ((await sizeOf(final)) === entry.size && (await hashFile(final)).digest('hex') === hex) return { ...fresh(), offset: entry.size, complete: true }
  const partial = partialBlobPath(modelsDir, entry.digest)
  const partialSize = await sizeOf(partial)
  if (partialSize < 0) return fresh()
  if (partialSize > entry.size) {
    await rm(partial, { force: true })
    return fresh()
  }
  const state = { ...fresh(), offset: partialSize, hash: await hashFile(partial) }
  if (partialSize < entry.size) return state
  if (await finishBlob(modelsDir, state)) return state
  return fresh()
}

/** DATA frames up to BLOB_DONE, appended to the partial and hashed as they arrive. */
async function receiveBlob(framed: FramedChannel, modelsDir: string, state: BlobState, meter: ProgressMeter): Promise<number> {
  const { digest, size } = state.entry
  const file = partialBlobPath(modelsDir, digest)
  const handle = await open(file, state.offset === 0 ? 'w' : 'a').catch((error: unknown) => {
    throw new IoError(`Could not write ${file}.`, { cause: error })
  })
  let received = state.offset
  let pending: Promise<void> = Promise.resolve()
  try {
    for (;;) {
      const frame = await framed.read()
      if (frame === null) throw new ConnectionLostError(framed.remote)
      if (frame.kind === 'control') {
        if (frame.message.t !== 'blob-done' || frame.message.digest !== digest) throw new TransferProtocolError(framed.remote, `"${frame.message.t}" inside blob ${digest.slice(0, 19)}…`)
        break
      }
      if (received + frame.bytes.length > size) throw new TransferProtocolError(framed.remote, `more than ${size} bytes for blob ${digest.slice(0, 19)}…`)
      state.hash.update(frame.bytes)
      await pending
      pending = writeAll(handle, frame.bytes, file)
      received += frame.bytes.length
      meter.moved(digest, received, size, frame.bytes.length)
    }
    await pending
    if (received !== size) throw new TransferProtocolError(framed.remote, `blob ${digest.slice(0, 19)}… ended at ${received} of ${size} bytes`)
    await handle.datasync()
    return received - state.offset
  } finally {
    await pending.catch(() => undefined)
    await handle.close()
  }
}

/** Checks the whole partial's digest: moves it into place, or deletes it so it starts again from 0. */
async function finishBlob(modelsDir: string, state: BlobState): Promise<boolean> {
  const partial = partialBlobPath(modelsDir, state.entry.digest)
  if (state.hash.digest('hex') === digestHex(state.entry.digest)) {
    await rename(partial, blobPath(modelsDir, state.entry.digest))
    Object.assign(state, { complete: true, offset: state.entry.size })
    return true
  }
  await rm(partial, { force: true })
  Object.assign(state, { offset: 0, hash: createHash('sha256'), failures: state.failures + 1 })
  return false
}

/** The manifest last, via rename, so Ollama only ever sees a complete model. */
async function commitManifest(modelsDir: string, offer: MessageOf<'offer'>, states: Map<string, BlobState>, nonce: string, remote: string): Promise<void> {
  for (const state of states.values()) {
    if (!state.complete) throw new TransferProtocolError(remote, `COMMIT before blob ${state.entry.digest.slice(0, 19)}… arrived`)
    if ((await sizeOf(blobPath(modelsDir, state.entry.digest))) !== state.entry.size) {
      throw new IoError(`Blob ${state.entry.digest.slice(0, 19)}… vanished from ${modelsDir} during the transfer.`, { hint: 'Send the model again.' })
    }
  }
  const target = manifestPath(modelsDir, offer.model)
  const staging = path.join(modelsDir, 'blobs', '.partial', `manifest-${nonce.replace(/[^\w-]/g, '')}`)
  try {
    await writeFile(staging, offer.manifest, { flush: true })
    await mkdir(path.dirname(target), { recursive: true })
    await rename(staging, target)
  } catch (error) {
    await rm(staging, { force: true })
    throw new IoError(`Could not write the manifest ${target}.`, { cause: error })
  }
}

async function writeAll(handle: FileHandle, bytes: Buffer, file: string): Promise<void> {
  try {
    for (let done = 0; done < bytes.length; ) done += (await handle.write(bytes, done, bytes.length - done)).bytesWritten
  } catch (error) {
    throw new IoError(`Could not write ${file}.`, { cause: error, hint: 'The disk may be full or read-only.' })
  }
}

const sizeOf = (file: string) => stat(file).then((s) => (s.isFile() ? s.size : -1), () => -1)

async function hashFile(file: string): Promise<Hash> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(file, { highWaterMark: 4 << 20 })) hash.update(chunk as Buffer)
  return hash
}
