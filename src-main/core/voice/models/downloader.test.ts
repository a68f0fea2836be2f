import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { CoreOptions } from '../../app'
import type { Result, StreamEvent, StreamResult } from '../../../../src-shared/contract'
import { createLocalClient } from '../../rpc'
import { createTestCore, type TestCore } from '../../../../test/support/core'
import { makeTempDir, removeTempDirs } from '../../../../test/support/tmp'
import type { CatalogEntry } from './catalog'

/** A valid-looking ONNX header (ir_version, producer, graph) around `size` bytes of weights. */
const onnx = (size: number): Buffer => {
  const length: number[] = []
  for (let n = size; ; n = Math.floor(n / 128)) {
    length.push((n & 0x7f) | (n > 0x7f ? 0x80 : 0))
    if (n <= 0x7f) break
  }
  return Buffer.concat([Buffer.from([0x08, 0x07, 0x3a, ...length]), Buffer.alloc(size, 7)])
}
const sha = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex')

interface Served {
  url: string
  ranges: (string | undefined)[]
  /** Pause after this many bytes of the named file until released. */
  hold(name: string, afterBytes: number): () => void
  close(): Promise<void>
}

async function serve(files: Record<string, Buffer>): Promise<Served> {
  const ranges: (string | undefined)[] = []
  const holds = new Map<string, { after: number; released: Promise<void>; release: () => void }>()
  const server = http.createServer((req, res) => {
    const name = decodeURIComponent((req.url ?? '').replace(/^\/files\//, ''))
    const body = files[name]
    if (!body) return void res.writeHead(404).end()
    ranges.push(req.headers.range)
    const start = Number(/^bytes=(\d+)-$/.exec(req.headers.range ?? '')?.[1] ?? 0)
    res.writeHead(start > 0 ? 206 : 200, { 'content-length': String(body.length - start), ...(start > 0 ? { 'content-range': `bytes ${start}-${body.length - 1}/${body.length}` } : {}) })
    const hold = holds.get(name)
    if (hold && start === 0) {
      res.write(body.subarray(0, hold.after))
      void hold.released.then(() => res.destroy())
      return
    }
    res.end(body.subarray(start))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/files/`,
    ranges,
    hold(name, after) {
      let release = () => undefined as void
      const released = new Promise<void>((resolve) => (release = resolve))
      holds.set(name, { after, released, release })
      return () => {
        holds.delete(name)
        release()
      }
    },
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()) }),
  }
}

const vadFile = onnx(200_000)
const encoder = onnx(3000)
const decoder = onnx(2000)
let archive: Buffer
let badArchive: Buffer
let server: Served
let t: TestCore

function makeArchive(files: Record<string, Buffer | string>): Buffer {
  const dir = makeTempDir()
  for (const [name, bytes] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true })
    fs.writeFileSync(path.join(dir, name), bytes)
  }
  const out = path.join(makeTempDir(), 'model.tar.bz2')
  execFileSync('tar', ['-cjf', out, '-C', dir, 'tiny'])
  return fs.readFileSync(out)
}

const entry = (id: string, kind: CatalogEntry['kind'], download: CatalogEntry['downloads'][number], layout: CatalogEntry['layout']): CatalogEntry => ({
  id, kind, name: `Model ${id}`, description: 'test', language: 'en', license: 'MIT', downloads: [download], layout,
})
const whisperLayout = { type: 'whisper', encoder: 'tiny/enc.onnx', decoder: 'tiny/dec.onnx', tokens: 'tiny/tokens.txt' } as const

beforeAll(async () => {
  archive = makeArchive({ 'tiny/enc.onnx': encoder, 'tiny/dec.onnx': decoder, 'tiny/tokens.txt': 'a 0\nb 1\n' })
  badArchive = makeArchive({ 'tiny/enc.onnx': 'not onnx', 'tiny/dec.onnx': decoder, 'tiny/tokens.txt': 'a 0\n' })
  server = await serve({ 'vad.onnx': vadFile, 'tiny.tar.bz2': archive, 'bad.tar.bz2': badArchive })
  const catalog: CatalogEntry[] = [
    entry('test-vad', 'vad', { name: 'vad.onnx', url: `${server.url}vad.onnx`, sizeBytes: vadFile.length, sha256: sha(vadFile) }, { type: 'silero', model: 'vad.onnx' }),
    entry('test-vad-wrong-sum', 'vad', { name: 'vad.onnx', url: `${server.url}vad.onnx`, sizeBytes: vadFile.length, sha256: sha(Buffer.from('other')) }, { type: 'silero', model: 'vad.onnx' }),
    entry('test-whisper', 'stt', { name: 'tiny.tar.bz2', url: `${server.url}tiny.tar.bz2`, sizeBytes: archive.length, sha256: sha(archive), extract: 'tar.bz2' }, whisperLayout),
    entry('test-whisper-bad', 'stt', { name: 'bad.tar.bz2', url: `${server.url}bad.tar.bz2`, sizeBytes: badArchive.length, sha256: sha(badArchive), extract: 'tar.bz2' }, whisperLayout),
    entry('test-unpinned', 'stt', { name: 'tiny.tar.bz2', url: `${server.url}tiny.tar.bz2`, sizeBytes: archive.length, sha256: null, extract: 'tar.bz2' }, whisperLayout),
  ]
  t = createTestCore({ voice: { catalog } } as Partial<CoreOptions>)
})
afterAll(async () => {
  await t.core.close()
  await server.close()
  removeTempDirs()
})

const api = () => createLocalClient(t.core.dispatcher, 'test')
const models = async () => {
  const result = await api().call('voice.models', {})
  if (!result.ok) throw new Error(result.error.message)
  return result.value
}
const installed = async (id: string) => (await models()).models.find((m) => m.id === id)?.installed
const modelDir = (id: string) => path.join(t.dir, 'voice-models', id)

async function download(id: string, extra: Record<string, unknown> = { consent: true }, onEvent?: (event: StreamEvent<'voice.models.download'>, cancel: () => void) => void) {
  const events: StreamEvent<'voice.models.download'>[] = []
  const handle = api().stream('voice.models.download', { id, ...extra } as never, (event) => {
    events.push(event)
    onEvent?.(event, () => handle.cancel())
  })
  const result: Result<StreamResult<'voice.models.download'>> = await handle.done
  return { events, result }
}

describe('voice model downloads', () => {
  it('refuses to download without the user’s consent', async () => {
    for (const extra of [{}, { consent: false }, { consent: 'yes' }]) {
      const { result } = await download('test-vad', extra)
      expect(result).toMatchObject({ ok: false, error: { code: "E_VALIDATION" } })
    }
    expect(server.ranges).toEqual([])
  })

  it('refuses a model whose checksum is not pinned, downloading nothing', async () => {
    const listed = (await models()).models.find((m) => m.id === 'test-unpinned')
    expect(listed).toMatchObject({ downloadable: false, reason: expect.stringContaining('checksum') })
    const { result } = await download('test-unpinned')
    expect(result).toMatchObject({ ok: false, error: { code: 'E_UNSUPPORTED' } })
    expect(server.ranges).toEqual([])
  })

  it('downloads with progress, verifies the sha256 and installs a plain model file', async () => {
    const { events, result } = await download('test-vad')
    expect(result).toMatchObject({ ok: true, value: { id: 'test-vad', installed: true, dir: modelDir('test-vad') } })
    const downloads = events.filter((e) => e.phase === 'download')
    expect(downloads.at(-1)).toMatchObject({ receivedBytes: vadFile.length, totalBytes: vadFile.length })
    expect(events.map((e) => e.phase)).toEqual([...downloads.map(() => 'download'), 'verify', 'install'])
    expect(fs.readFileSync(path.join(modelDir('test-vad'), 'vad.onnx'))).toEqual(vadFile)
    expect(await installed('test-vad')).toBe(true)
    expect((await api().call('voice.status', {})).ok).toBe(true)
  })

  it('unpacks a .tar.bz2 and checks every model file', async () => {
    const { result } = await download('test-whisper')
    expect(result.ok).toBe(true)
    expect(fs.readFileSync(path.join(modelDir('test-whisper'), 'tiny', 'enc.onnx'))).toEqual(encoder)
    expect(await installed('test-whisper')).toBe(true)
  })

  it('rejects an archive whose model file is not ONNX and installs nothing', async () => {
    const { result } = await download('test-whisper-bad')
    expect(result).toMatchObject({ ok: false, error: { code: 'E_VOICE_MODEL_INVALID' } })
    expect(fs.existsSync(modelDir('test-whisper-bad'))).toBe(false)
    expect(await installed('test-whisper-bad')).toBe(false)
  })

  it('rejects a checksum mismatch and deletes the file', async () => {
    const { result } = await download('test-vad-wrong-sum')
    expect(result).toMatchObject({ ok: false, error: { code: 'E_VOICE_MODEL_INVALID', message: expect.stringContaining('checksum') } })
    expect(fs.existsSync(modelDir('test-vad-wrong-sum'))).toBe(false)
    expect(fs.readdirSync(path.join(t.dir, 'voice-models', '.staging-test-vad-wrong-sum')).filter((n) => n.endsWith('.part'))).toEqual([])
  })

  it('cancel leaves nothing installed; the next download resumes from the partial file', async () => {
    await api().call('voice.models.remove', { id: 'test-vad' })
    server.ranges.length = 0
    const release = server.hold('vad.onnx', 65_536)
    const part = path.join(t.dir, 'voice-models', '.staging-test-vad', 'vad.onnx.part')
    // Cancel once the first bytes are on disk, while the server holds the rest back.
    let cancelling: Promise<void> | undefined
    const { result } = await download('test-vad', { consent: true }, (_event, cancel) => {
      cancelling ??= vi.waitFor(() => expect(fs.statSync(part).size).toBeGreaterThan(0), { interval: 5 }).then(cancel)
    })
    release()
    expect(result).toMatchObject({ ok: false, error: { code: 'E_CANCELLED' } })
    expect(fs.existsSync(modelDir('test-vad'))).toBe(false)
    expect(await installed('test-vad')).toBe(false)
    expect(fs.statSync(part).size).toBeGreaterThan(0)
    expect(fs.statSync(part).size).toBeLessThan(vadFile.length)

    const again = await download('test-vad')
    expect(again.result).toMatchObject({ ok: true })
    expect(server.ranges.at(-1)).toMatch(/^bytes=\d+-$/)
    expect(fs.readFileSync(path.join(modelDir('test-vad'), 'vad.onnx'))).toEqual(vadFile)
  })

  it('removes an installed model; an unknown id is E_NOT_FOUND', async () => {
    expect(await api().call('voice.models.remove', { id: 'test-whisper' })).toEqual({ ok: true, value: { removed: true } })
    expect(await installed('test-whisper')).toBe(false)
    expect(await api().call('voice.models.remove', { id: 'test-whisper' })).toEqual({ ok: true, value: { removed: false } })
    expect(await api().call('voice.models.remove', { id: 'no-such-model' })).toMatchObject({ ok: false, error: { code: 'E_NOT_FOUND' } })
    expect((await download('no-such-model')).result).toMatchObject({ ok: false, error: { code: 'E_NOT_FOUND' } })
  })
})
