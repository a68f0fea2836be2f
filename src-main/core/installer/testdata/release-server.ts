import { createHash } from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import zlib from 'node:zlib'

/** The stand-in `ollama`: `--version`, and `serve` answering /api/version and /api/tags on OLLAMA_HOST. */
export const FAKE_OLLAMA_VERSION = '0.99.0-fake'
export const fakeOllamaScript = `#!/usr/bin/env node
const http = require('node:http')
const args = process.argv.slice(2)
if (args[0] === '--version' || args[0] === '-v') { console.log('ollama version is ${FAKE_OLLAMA_VERSION}'); process.exit(0) }
if (args[0] !== 'serve') { console.error('usage: ollama serve'); process.exit(2) }
const hostPort = (process.env.OLLAMA_HOST || '127.0.0.1:11434').replace(/^https?:\\/\\//, '')
const [host, port] = hostPort.split(':')
http.createServer((req, res) => {
  res.setHeader('content-type', 'application/json')
  if (req.url === '/api/version') return res.end(JSON.stringify({ version: '${FAKE_OLLAMA_VERSION}' }))
  if (req.url === '/api/tags') return res.end(JSON.stringify({ models: [] }))
  res.statusCode = 404; res.end('{"error":"not found"}')
}).listen(Number(port), host, () => console.log('listening on ' + hostPort))
process.on('SIGTERM', () => process.exit(0))
`

export interface TarEntry {
  name: string
  type?: 'file' | 'dir' | 'symlink'
  data?: string | Buffer
  mode?: number
  linkName?: string
}

function header(name: string, type: string, size: number, mode: number, linkName = ''): Buffer {
  const block = Buffer.alloc(512)
  block.write(name, 0, 100)
  block.write(`${mode.toString(8).padStart(7, '0')}\0`, 100)
  block.write('0000000\0', 108)
  block.write('0000000\0', 116)
  block.write(`${size.toString(8).padStart(11, '0')}\0`, 124)
  block.write(`${Math.floor(Date.now() / 1000).toString(8).padStart(11, '0')}\0`, 136)
  block.write(type, 156)
  block.write(linkName, 157, 100)
  block.write('ustar\0', 257)
  block.write('00', 263)
  block.fill(32, 148, 156)
  let sum = 0
  for (const byte of block) sum += byte
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148)
  return block
}

const pad = (data: Buffer) => Buffer.concat([data, Buffer.alloc((512 - (data.length % 512)) % 512)])

/** A ustar archive; names over 100 bytes get a GNU long-name entry. */
export function buildTar(entries: TarEntry[]): Buffer {
  const parts: Buffer[] = []
  for (const entry of entries) {
    const type = entry.type ?? 'file'
    const data = type === 'file' ? Buffer.from(entry.data ?? '') : Buffer.alloc(0)
    if (Buffer.byteLength(entry.name) > 100) {
      const long = Buffer.from(`${entry.name}\0`)
      parts.push(header('././@LongLink', 'L', long.length, 0o644), pad(long))
    }
    const flag = type === 'dir' ? '5' : type === 'symlink' ? '2' : '0'
    parts.push(header(entry.name.slice(0, 100), flag, data.length, entry.mode ?? (type === 'dir' ? 0o755 : 0o644), entry.linkName), pad(data))
  }
  return Buffer.concat([...parts, Buffer.alloc(1024)])
}

export function fakeLinuxArchive(extra: TarEntry[] = []): Buffer {
  return zlib.zstdCompressSync(
    buildTar([
      { name: 'bin/', type: 'dir' },
      { name: 'bin/ollama', data: fakeOllamaScript, mode: 0o755 },
      { name: 'lib/ollama/', type: 'dir' },
      { name: `lib/ollama/${'very-long-library-name-'.repeat(6)}.so`, data: 'fake library' },
      { name: 'lib/ollama/libggml.so', type: 'symlink', linkName: `${'very-long-library-name-'.repeat(6)}.so` },
      ...extra,
    ]),
  )
}

export interface Faults {
  /** Drop the connection mid-body this many times. */
  drops?: number
  /**
   * Before each drop, waits for this with the number of bytes of the file sent so far (e.g. until the
   * client has stored them). Without it the drop follows after 5 ms, whether the client has read
   * the bytes by then or not.
   */
  holdDrop?: (sentUpTo: number) => Promise<void>
  /** Flip one byte in the artifact this many times (each a whole download). */
  corrupt?: number
  /** Answer 503 this many times first. */
  unavailable?: number
  /** Delay per 16 KiB chunk, ms. */
  slowMs?: number
}

export interface ReleaseServer {
  url: string
  faults: Faults
  requests: { path: string; range?: string }[]
  artifacts: Map<string, Buffer>
  close(): Promise<void>
}

const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex')

/** A loopback release server: artifacts, `sha256sum.txt`, Range, and injectable faults. */
export async function startReleaseServer(options: { faults?: Faults; artifacts?: Map<string, Buffer> } = {}): Promise<ReleaseServer> {
  const artifacts =
    options.artifacts ??
    new Map<string, Buffer>([
      ['ollama-linux-amd64.tar.zst', fakeLinuxArchive()],
      ['ollama-linux-arm64.tar.zst', fakeLinuxArchive()],
      ['Ollama-darwin.zip', Buffer.from('PK\u0003\u0004 stand-in Ollama.app zip')],
      ['OllamaSetup.exe', Buffer.from('MZ stand-in setup')],
    ])
  const state: ReleaseServer = { url: '', faults: { ...options.faults }, requests: [], artifacts, close: async () => undefined }
  const server = http.createServer((req, res) => {
    const name = decodeURIComponent((req.url ?? '/').split('?')[0]?.slice(1) ?? '')
    state.requests.push({ path: name, ...(req.headers.range ? { range: req.headers.range } : {}) })
    const faults = state.faults
    if (faults.unavailable && faults.unavailable > 0) {
      faults.unavailable--
      res.writeHead(503).end('busy')
      return
    }
    if (name === 'sha256sum.txt') {
      res.end([...artifacts].map(([file, data]) => `${sha(data)}  ./${file}`).join('\n') + '\n')
      return
    }
    let body = artifacts.get(name)
    if (!body) return void res.writeHead(404).end('not found')
    if (faults.corrupt && faults.corrupt > 0) {
      faults.corrupt--
      body = Buffer.from(body)
      body[Math.floor(body.length / 2)] = (body[Math.floor(body.length / 2)] as number) ^ 0xff
    }
    let start = 0
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '')
    if (range) {
      start = Number(range[1])
      if (start >= body.length) return void res.writeHead(416, { 'content-range': `bytes */${body.length}` }).end()
      res.writeHead(206, { 'content-length': body.length - start, 'content-range': `bytes ${start}-${body.length - 1}/${body.length}` })
    } else res.writeHead(200, { 'content-length': body.length, 'accept-ranges': 'bytes' })
    const rest = body.subarray(start)
    const drop = faults.drops && faults.drops > 0 && rest.length > 64
    if (drop) faults.drops = (faults.drops ?? 1) - 1
    const cut = drop ? Math.max(1, Math.floor(rest.length / 3)) : rest.length
    void (async () => {
      for (let offset = 0; offset < cut; offset += 16384) {
        if (res.destroyed) return
        await new Promise((resolve) => res.write(rest.subarray(offset, Math.min(offset + 16384, cut)), resolve))
        if (faults.slowMs) await new Promise((resolve) => setTimeout(resolve, faults.slowMs))
      }
      if (drop && faults.holdDrop) {
        await faults.holdDrop(start + cut)
        res.socket?.destroy()
      } else if (drop) setTimeout(() => res.socket?.destroy(), 5)
      else res.end()
    })()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  state.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    })
  return state
}
