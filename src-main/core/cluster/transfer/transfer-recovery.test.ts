import { existsSync } from 'node:fs'
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { AppError } from '../../errors'
import { blobPath, manifestPath, ModelNotInstalledError, partialBlobPath } from './model-store'
import { BlobIntegrityError, ConnectionLostError, FramedChannel, PeerError, TransferProtocolError, type Authenticate } from './protocol'
import { acceptModels, NotEnoughSpaceError, type ReceiveResult } from './receiver'
import { sendModel } from './sender'
import { makeInstances, type Instances } from './testdata/instances'
import { makeModel, sha256OfFile, type FakeModel } from './testdata/make-model'

const MIB = 1024 * 1024

describe('model transfer, recovery and refusals', () => {
  let link: Instances
  let model: FakeModel

  beforeEach(async () => {
    link = await makeInstances()
    model = await makeModel({ modelsDir: link.senderDir, name: 'hf.co/user/tiny', tag: 'Q4_K_M', weightsBytes: 3 * MIB + 17, seed: 3 })
  })
  afterEach(async () => {
    await link.cleanup()
  })

  const send = (extra: Partial<Parameters<typeof sendModel>[0]> = {}) =>
    sendModel({ transport: link.transport, address: link.listener.address, modelsDir: link.senderDir, model: model.name, ...extra })
  const smallBlobs = () => model.totalBytes - model.weights.size

  it('a corrupted partial is caught by the digest and the blob is sent again from 0', async () => {
    const original = await readFile(blobPath(link.senderDir, model.weights.digest))
    const damaged = Buffer.from(original.subarray(0, MIB))
    damaged[1000] = (damaged[1000] ?? 0) ^ 0xff
    await mkdir(`${link.receiverDir}/blobs/.partial`, { recursive: true })
    await writeFile(partialBlobPath(link.receiverDir, model.weights.digest), damaged)

    const received = link.receiveNext()
    const sent = await send()
    expect(sent.bytesSent).toBe(smallBlobs() + (model.weights.size - MIB) + model.weights.size)
    expect((await received).blobsReceived).toBe(4)
    expect(await sha256OfFile(blobPath(link.receiverDir, model.weights.digest))).toBe(model.weights.digest)
    expect(existsSync(partialBlobPath(link.receiverDir, model.weights.digest))).toBe(false)
  })

  it('a blob that stays corrupt after one re-send fails the transfer on both sides, with no manifest', async () => {
    const file = blobPath(link.senderDir, model.weights.digest)
    const bytes = await readFile(file)
    bytes[5] = (bytes[5] ?? 0) ^ 0x01
    await writeFile(file, bytes)

    const received = link.receiveNext()
    const sent = send()
    await expect(received).rejects.toThrow(BlobIntegrityError)
    const failure = await sent.catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(PeerError)
    expect(failure).toMatchObject({ code: 'E_IO', message: expect.stringContaining('arrived corrupted twice') })
    expect(existsSync(manifestPath(link.receiverDir, model.name))).toBe(false)
    expect(existsSync(partialBlobPath(link.receiverDir, model.weights.digest))).toBe(false)
  })

  it('blobs already present are skipped; a model already there moves no bytes', async () => {
    const results: ReceiveResult[] = []
    const stop = new AbortController()
    const accepting = acceptModels({ listener: link.listener, modelsDir: link.receiverDir, signal: stop.signal, onReceived: (r) => results.push(r) })
    await mkdir(`${link.receiverDir}/blobs`, { recursive: true })
    await writeFile(blobPath(link.receiverDir, model.weights.digest), await readFile(blobPath(link.senderDir, model.weights.digest)))

    const first = await send()
    expect(first).toMatchObject({ blobsSkipped: 1, blobsSent: 3, bytesSent: smallBlobs() })
    const again = await send()
    expect(again).toMatchObject({ blobsSkipped: 4, blobsSent: 0, bytesSent: 0 })
    stop.abort()
    await accepting
    expect(results.map((r) => [r.model, r.blobsSkipped])).toEqual([
      ['hf.co/user/tiny:Q4_K_M', 1],
      ['hf.co/user/tiny:Q4_K_M', 4],
    ])
    expect(await readFile(manifestPath(link.receiverDir, model.name), 'utf8')).toBe(model.manifestText)
  })

  it('a complete, valid partial (left by a crash before the rename) is moved into place; an oversized one is dropped', async () => {
    await mkdir(`${link.receiverDir}/blobs/.partial`, { recursive: true })
    await writeFile(partialBlobPath(link.receiverDir, model.weights.digest), await readFile(blobPath(link.senderDir, model.weights.digest)))
    const [config] = model.blobs
    await writeFile(partialBlobPath(link.receiverDir, config?.digest ?? ''), Buffer.alloc((config?.size ?? 0) + 10))
    const received = link.receiveNext()
    expect(await send()).toMatchObject({ blobsSkipped: 1, bytesSent: smallBlobs() })
    await received
    for (const blob of model.blobs) expect(await sha256OfFile(blobPath(link.receiverDir, blob.digest))).toBe(blob.digest)
  })

  it('a second sender of the same blobs while one is receiving is told to retry later', async () => {
    const first = link.receiveNext()
    const idle = new FramedChannel(await link.transport.connect(link.listener.address))
    await idle.send({ t: 'hello', protocol: 1, peerId: 'slow', nonce: 'n1', role: 'sender' })
    await idle.expect('hello')
    await idle.send({ t: 'offer', model: model.name, manifest: model.manifestText, blobs: model.blobs })
    await idle.expect('want')

    const second = link.receiveNext()
    const sent = send()
    await expect(second).rejects.toMatchObject({ code: 'E_IO', retryable: true, message: expect.stringContaining('Another transfer is already receiving') })
    await expect(sent).rejects.toThrow(PeerError)
    idle.channel.destroy()
    await expect(first).rejects.toThrow(ConnectionLostError)
  })

  it('a blob in place with the wrong bytes is not trusted: it is replaced', async () => {
    await mkdir(`${link.receiverDir}/blobs`, { recursive: true })
    await writeFile(blobPath(link.receiverDir, model.weights.digest), Buffer.alloc(model.weights.size, 1))
    const received = link.receiveNext()
    expect((await send()).blobsSkipped).toBe(0)
    await received
    expect(await sha256OfFile(blobPath(link.receiverDir, model.weights.digest))).toBe(model.weights.digest)
  })

  it('a model the sender does not have is a clear error before any connection', async () => {
    const failure = send({ model: 'llama9:70b' })
    await expect(failure).rejects.toThrow(ModelNotInstalledError)
    await expect(failure).rejects.toThrow(`"llama9:70b" is not installed in ${link.senderDir}`)
    expect(link.transport.bytesWritten).toBe(0)
  })

  it('a model with a missing blob on the sender is refused with a re-pull hint', async () => {
    await rm(blobPath(link.senderDir, model.weights.digest))
    await expect(send()).rejects.toMatchObject({ code: 'E_IO', message: expect.stringContaining('is missing'), hint: expect.stringContaining('ollama pull hf.co/user/tiny:Q4_K_M') })
  })

  it('an unreachable receiver is a network error', async () => {
    const closed = await link.transport.listen({ host: '127.0.0.1', port: 0 })
    await closed.close()
    await expect(send({ address: closed.address })).rejects.toMatchObject({ code: 'E_NETWORK', message: expect.stringContaining('Could not connect') })
  })

  it('the receiver cancelling keeps its partial for the next attempt; the sender sees a lost connection', async () => {
    const stop = new AbortController()
    const received = link.receiveNext({ signal: stop.signal, onProgress: (p) => p.blobDone > MIB && stop.abort() })
    const sent = send({ chunkBytes: 64 * 1024 })
    await expect(received).rejects.toMatchObject({ code: 'E_CANCELLED', message: expect.stringContaining('resume') })
    await expect(sent).rejects.toThrow(ConnectionLostError)
    expect((await stat(partialBlobPath(link.receiverDir, model.weights.digest))).size).toBeGreaterThan(MIB)
    expect(existsSync(manifestPath(link.receiverDir, model.name))).toBe(false)
  })

  it('not enough disk space is refused before any data moves', async () => {
    const received = link.receiveNext({ freeBytes: async () => MIB })
    const sent = send()
    await expect(received).rejects.toThrow(NotEnoughSpaceError)
    await expect(sent).rejects.toMatchObject({ code: 'E_IO', message: expect.stringContaining('needs 3.1 MB more; the disk has 1.0 MB free') })
    expect(link.transport.bytesWritten).toBeLessThan(4096)
  })

  it('the authenticate hook runs on both sides and can refuse the peer', async () => {
    const withToken =
      (token: string): Authenticate =>
      async (link, { side, remote }) => {
        if (side === 'sender') return link.send({ token, about: remote.nonce })
        const proof = await link.receive()
        if (proof.token !== 'secret') throw new AppError('E_UNAUTHORIZED', 'This machine is not paired.')
      }
    const accepted = link.receiveNext({ authenticate: withToken('') })
    await send({ authenticate: withToken('secret'), peerId: 'studio' })
    expect((await accepted).peerId).toBe('studio')

    const refused = link.receiveNext({ authenticate: withToken('') })
    const sent = send({ authenticate: withToken('wrong') })
    await expect(refused).rejects.toMatchObject({ code: 'E_UNAUTHORIZED' })
    await expect(sent).rejects.toMatchObject({ code: 'E_UNAUTHORIZED', message: expect.stringContaining('not paired') })
  })

  it('a peer that breaks the protocol or offers a path-escaping name is refused', async () => {
    const hello = { t: 'hello', protocol: 1, peerId: 'x', nonce: 'n', role: 'sender' } as const
    const garbage = link.receiveNext()
    const raw = await link.transport.connect(link.listener.address)
    await raw.write(Buffer.from([9, 0, 0, 0, 1, 0]))
    await expect(garbage).rejects.toThrow(TransferProtocolError)
    raw.destroy()

    const escaping = link.receiveNext()
    const framed = new FramedChannel(await link.transport.connect(link.listener.address))
    await framed.send(hello)
    await framed.expect('hello')
    await framed.send({ t: 'offer', model: '../../../etc/cron.d:x', manifest: model.manifestText, blobs: model.blobs })
    await expect(escaping).rejects.toMatchObject({ code: 'E_VALIDATION' })
    await expect(framed.expect('want')).rejects.toMatchObject({ code: 'E_VALIDATION', message: expect.stringContaining('not a valid Ollama model name') })
    framed.channel.destroy()

    const mismatched = link.receiveNext()
    const other = new FramedChannel(await link.transport.connect(link.listener.address))
    await other.send(hello)
    await other.expect('hello')
    await other.send({ t: 'offer', model: model.name, manifest: model.manifestText, blobs: model.blobs.slice(1) })
    await expect(mismatched).rejects.toThrow('blob list differs from its manifest')
    other.channel.destroy()
  })

  it('an incompatible protocol version is refused with a clear message', async () => {
    const received = link.receiveNext()
    const framed = new FramedChannel(await link.transport.connect(link.listener.address))
    await framed.send({ t: 'hello', protocol: 99, peerId: 'x', nonce: 'n', role: 'sender' })
    await expect(received).rejects.toThrow('protocol version 99')
    framed.channel.destroy()
    expect(new ConnectionLostError('tcp://h:1')).toBeInstanceOf(AppError)
  })
})
