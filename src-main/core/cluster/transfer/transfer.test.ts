import { existsSync } from 'node:fs'
import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { blobPath, manifestPath, partialBlobPath } from './model-store'
import { ConnectionLostError } from './protocol'
import { sendModel } from './sender'
import { makeInstances, type Instances } from './testdata/instances'
import { makeModel, sha256OfFile, type FakeModel } from './testdata/make-model'

/** A ~300 MB model over real TCP on 127.0.0.1: arrives intact, resumes after an interruption. */
describe('model transfer, large model', () => {
  let sourceRoot: string
  let model: FakeModel
  let link: Instances

  beforeAll(async () => {
    sourceRoot = await mkdtemp(path.join(tmpdir(), 'desk-transfer-src-'))
    model = await makeModel({ modelsDir: sourceRoot, name: 'fake-llama', tag: '3b', weightsBytes: 280 * 1024 * 1024, seed: 7 })
  }, 60_000)
  afterAll(async () => {
    await rm(sourceRoot, { recursive: true, force: true })
  })
  beforeEach(async () => {
    link = await makeInstances(sourceRoot)
  })
  afterEach(async () => {
    await link.cleanup()
  })

  const expectIntact = async () => {
    for (const blob of model.blobs) expect(await sha256OfFile(blobPath(link.receiverDir, blob.digest))).toBe(blob.digest)
    expect(existsSync(manifestPath(link.receiverDir, model.name))).toBe(true)
  }

  it('arrives intact, and the manifest appears only after every blob', async () => {
    let manifestSeenEarly = false
    let events = 0
    const received = link.receiveNext({
      onProgress: (p) => {
        events++
        if (p.digest !== null && existsSync(manifestPath(link.receiverDir, model.name))) manifestSeenEarly = true
      },
    })
    const progress: number[] = []
    const sent = await sendModel({ transport: link.transport, address: link.listener.address, modelsDir: link.senderDir, model: model.name, progressIntervalMs: 0, onProgress: (p) => progress.push(p.bytesDone) })
    const result = await received
    expect(result).toMatchObject({ model: 'fake-llama:3b', blobsReceived: 4, blobsSkipped: 0, bytesReceived: model.totalBytes })
    expect(sent).toMatchObject({ bytesTotal: model.totalBytes, bytesSent: model.totalBytes, blobsSent: 4, blobsSkipped: 0 })
    expect(manifestSeenEarly).toBe(false)
    expect(events).toBeGreaterThan(200)
    expect(progress.at(-1)).toBe(model.totalBytes)
    expect(progress).toEqual([...progress].sort((a, b) => a - b))
    await expectIntact()
  }, 60_000)

  it('an interrupted transfer resumes: only the remainder crosses the wire', async () => {
    const abort = new AbortController()
    const firstReceive = link.receiveNext()
    const firstSend = sendModel({
      transport: link.transport,
      address: link.listener.address,
      modelsDir: link.senderDir,
      model: model.name,
      signal: abort.signal,
      progressIntervalMs: 0,
      onProgress: (p) => {
        if (p.bytesDone >= 0.4 * p.bytesTotal) abort.abort()
      },
    })
    await expect(firstSend).rejects.toMatchObject({ code: 'E_CANCELLED' })
    await expect(firstReceive).rejects.toThrow(ConnectionLostError)
    expect(existsSync(manifestPath(link.receiverDir, model.name))).toBe(false)
    const partialBytes = (await stat(partialBlobPath(link.receiverDir, model.weights.digest))).size
    expect(partialBytes).toBeGreaterThan(0.3 * model.weights.size)
    expect(partialBytes).toBeLessThan(model.weights.size)

    const wireBefore = link.transport.bytesWritten
    const secondReceive = link.receiveNext()
    const resumed = await sendModel({ transport: link.transport, address: link.listener.address, modelsDir: link.senderDir, model: model.name })
    const secondResult = await secondReceive
    const wire = link.transport.bytesWritten - wireBefore
    expect(wire).toBeLessThan(model.totalBytes)
    expect(wire).toBeLessThan(model.weights.size - partialBytes + 64 * 1024)
    // The config blob (first) arrived whole in the first session; the rest of the weights and the small blobs after them did not.
    const remainder = model.totalBytes - (model.blobs[0]?.size ?? 0) - partialBytes
    expect(resumed).toMatchObject({ bytesSent: remainder, blobsSkipped: 1, blobsSent: 3 })
    expect(secondResult).toMatchObject({ bytesReceived: remainder, blobsSkipped: 1, blobsReceived: 3 })
    expect(existsSync(partialBlobPath(link.receiverDir, model.weights.digest))).toBe(false)
    await expectIntact()
  }, 60_000)
})
