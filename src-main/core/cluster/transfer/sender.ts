import { open, stat } from 'node:fs/promises'
import { AppError, CancelledError, IoError, NetworkError } from '../../errors'
import type { Transport, TransportChannel } from '../../rdma'
import { blobPath, formatModelName, listBlobs, readManifest, type LoadedManifest, type ManifestEntry } from './model-store'
import {
  BlobIntegrityError,
  CANCELLED_MESSAGE,
  DATA_CHUNK_BYTES,
  FramedChannel,
  ProgressMeter,
  runSession,
  TransferProtocolError,
  type SessionOptions,
} from './protocol'

export interface SendOptions extends SessionOptions {
  modelsDir: string
  model: string
  chunkBytes?: number
}

export interface SendModelOptions extends SendOptions {
  transport: Transport
  /** The receiver's listener address, e.g. `tcp://10.0.0.2:53211`. */
  address: string
}

export interface SendResult {
  model: string
  peerId: string
  bytesTotal: number
  /** Blob bytes that crossed the wire (re-sends included). */
  bytesSent: number
  blobsSent: number
  /** Blobs the receiver already had complete and verified. */
  blobsSkipped: number
}

/** Copies one installed model to the Ollama Desk listening at `address`. */
export async function sendModel(options: SendModelOptions): Promise<SendResult> {
  const loaded = await loadLocalModel(options.modelsDir, options.model)
  if (options.signal?.aborted) throw new CancelledError(CANCELLED_MESSAGE)
  let channel: TransportChannel
  try {
    channel = await options.transport.connect(options.address, { signal: options.signal })
  } catch (error) {
    if (options.signal?.aborted) throw new CancelledError(CANCELLED_MESSAGE)
    if (error instanceof AppError) throw error
    throw new NetworkError(`Could not connect to ${options.address} to send ${formatModelName(loaded.name)}.`, {
      cause: error,
      hint: 'Check that Ollama Desk runs on the other machine and accepts models, and that the address is right.',
    })
  }
  return sendOver(channel, loaded, options)
}

/** The manifest, after checking every blob it lists is on disk at its full size. */
export async function loadLocalModel(modelsDir: string, model: string): Promise<LoadedManifest> {
  const loaded = await readManifest(modelsDir, model)
  for (const blob of listBlobs(loaded.manifest)) {
    const file = blobPath(modelsDir, blob.digest)
    const size = await stat(file).then((s) => s.size, () => -1)
    if (size !== blob.size) {
      throw new IoError(`${formatModelName(loaded.name)} is incomplete here: blob ${blob.digest.slice(0, 19)}… is ${size < 0 ? 'missing' : `${size} bytes, not ${blob.size}`}.`, {
        hint: `Run \`ollama pull ${formatModelName(loaded.name)}\` on this machine, then send again.`,
      })
    }
  }
  return loaded
}

/** Runs the sender side of one session on an open channel; the channel is closed when it returns. */
export async function sendOver(channel: TransportChannel, loaded: LoadedManifest, options: SendOptions): Promise<SendResult> {
  const model = formatModelName(loaded.name)
  const blobs = listBlobs(loaded.manifest)
  const bytesTotal = blobs.reduce((sum, blob) => sum + blob.size, 0)
  const meter = new ProgressMeter(model, bytesTotal, options)
  const result = { model, peerId: '', bytesTotal, bytesSent: 0, blobsSent: 0, blobsSkipped: 0 }
  return runSession(channel, 'sender', options, async (framed, { peer }) => {
    result.peerId = peer.peerId
    await framed.send({ t: 'offer', model, manifest: loaded.text, blobs: blobs.map(({ digest, size }) => ({ digest, size })) })
    const { offsets } = await framed.expect('want')
    if (offsets.length !== blobs.length || offsets.some((offset, i) => offset > (blobs[i]?.size ?? 0))) {
      throw new TransferProtocolError(framed.remote, 'a WANT that does not match the offer')
    }
    offsets.forEach((offset) => meter.alreadyHad(offset))
    for (const [i, blob] of blobs.entries()) {
      const offset = offsets[i] ?? 0
      if (offset === blob.size) {
        result.blobsSkipped++
        continue
      }
      result.bytesSent += await sendVerifiedBlob(framed, options, blob, offset, meter)
      result.blobsSent++
    }
    await framed.send({ t: 'commit' })
    await framed.expect('done')
    meter.finish()
    return result
  })
}

/** Sends one blob from `offset`; after a NACK, once more from 0. Returns the bytes sent. */
async function sendVerifiedBlob(framed: FramedChannel, options: SendOptions, blob: ManifestEntry, offset: number, meter: ProgressMeter): Promise<number> {
  let sent = 0
  for (let from = offset, attempt = 0; ; from = 0, attempt++) {
    await framed.send({ t: 'blob', digest: blob.digest, offset: from })
    sent += await streamBlob(framed, options, blob, from, meter)
    await framed.send({ t: 'blob-done', digest: blob.digest })
    const reply = await framed.expect('ack', 'nack')
    if (reply.digest !== blob.digest) throw new TransferProtocolError(framed.remote, `a reply about ${reply.digest.slice(0, 19)}… during ${blob.digest.slice(0, 19)}…`)
    if (reply.t === 'ack') return sent
    if (attempt >= 1) throw new BlobIntegrityError(blob.digest)
    meter.rewind(blob.size)
  }
}

/** Blob bytes from `from` to the end as DATA frames, reading the next chunk while one is on the wire. */
async function streamBlob(framed: FramedChannel, options: SendOptions, blob: ManifestEntry, from: number, meter: ProgressMeter): Promise<number> {
  const chunkBytes = options.chunkBytes ?? DATA_CHUNK_BYTES
  const file = blobPath(options.modelsDir, blob.digest)
  const handle = await open(file, 'r').catch((error: unknown) => {
    throw new IoError(`Could not open ${file}.`, { cause: error })
  })
  const readAt = async (position: number) => {
    const length = Math.min(chunkBytes, blob.size - position)
    const { frame, bytes } = FramedChannel.allocData(length)
    for (let got = 0; got < length; ) {
      const { bytesRead } = await handle.read(bytes, got, length - got, position + got)
      if (bytesRead === 0) throw new IoError(`${file} became shorter while it was being sent.`)
      got += bytesRead
    }
    return { frame, length }
  }
  let position = from
  let next = position < blob.size ? readAt(position) : null
  try {
    while (next) {
      const { frame, length } = await next
      position += length
      next = position < blob.size ? readAt(position) : null
      await framed.sendData(frame, length)
      meter.moved(blob.digest, position, blob.size, length)
    }
    return blob.size - from
  } finally {
    await next?.catch(() => undefined)
    await handle.close()
  }
}
