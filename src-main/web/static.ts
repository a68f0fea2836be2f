import fs from 'node:fs'
import type { ServerResponse } from 'node:http'
import zlib from 'node:zlib'
import { contentTypeOf, lookupStaticFile, rendererCsp } from '../core/paths'

/** The same policy as the desktop window's (no dev server here). */
export const contentSecurityPolicy = (): string => rendererCsp()

const COMPRESSIBLE = /\.(js|mjs|css|html|svg|json|txt|map)$/i

/** Compressed bodies by file (path, size and mtime), made once on the first request for each. */
const compressed = new Map<string, { key: string; br: Buffer; gzip: Buffer }>()

/** Brotli when the browser takes it, else gzip, else none (`identity`). */
function pickEncoding(acceptEncoding: string | undefined): 'br' | 'gzip' | null {
  const accepted = (acceptEncoding ?? '').toLowerCase().split(',').map((part) => part.trim().split(';'))
  const takes = (name: string) => accepted.some(([coding, q]) => coding === name && !/^\s*q=0(\.0*)?\s*$/.test(q ?? ''))
  return takes('br') ? 'br' : takes('gzip') ? 'gzip' : null
}

function compressedBody(file: string, stat: fs.Stats, encoding: 'br' | 'gzip'): Buffer {
  const key = `${stat.size}-${stat.mtimeMs}`
  let entry = compressed.get(file)
  if (entry?.key !== key) {
    const raw = fs.readFileSync(file)
    entry = {
      key,
      br: zlib.brotliCompressSync(raw, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 5, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: raw.length } }),
      gzip: zlib.gzipSync(raw, { level: 6 }),
    }
    compressed.set(file, entry)
  }
  return entry[encoding]
}

/**
 * Serves the built renderer; unknown paths fall back to index.html (client-side routes). Text
 * assets go out brotli- or gzip-compressed when the browser accepts it (`Vary: Accept-Encoding`),
 * with an ETag per file version and encoding, so a revalidation is a 304.
 */
export function serveStatic(rootDir: string, urlPath: string, res: ServerResponse, request: { acceptEncoding?: string; ifNoneMatch?: string } = {}): void {
  const found = lookupStaticFile(rootDir, urlPath)
  if (found.kind === 'file') {
    const stat = fs.statSync(found.file)
    const encoding = COMPRESSIBLE.test(found.file) ? pickEncoding(request.acceptEncoding) : null
    const etag = `"${stat.size.toString(36)}-${Math.trunc(stat.mtimeMs).toString(36)}${encoding ? `-${encoding}` : ''}"`
    const headers: Record<string, string> = {
      'content-type': contentTypeOf(found.file),
      'cache-control': found.index ? 'no-store' : 'public, max-age=31536000, immutable',
      etag,
      ...(COMPRESSIBLE.test(found.file) ? { vary: 'Accept-Encoding' } : {}),
    }
    if (request.ifNoneMatch?.split(',').some((tag) => tag.trim() === etag)) {
      res.writeHead(304, headers)
      res.end()
      return
    }
    if (encoding) {
      const body = compressedBody(found.file, stat, encoding)
      res.writeHead(200, { ...headers, 'content-encoding': encoding, 'content-length': String(body.length) })
      res.end(body)
      return
    }
    res.writeHead(200, { ...headers, 'content-length': String(stat.size) })
    fs.createReadStream(found.file).pipe(res)
    return
  }
  const [status, text] =
    found.kind === 'not-found'
      ? [404, 'Not found\n']
      : [503, 'The interface is not built yet. Run `npm run build`, then start the server again.\n']
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' })
  res.end(text)
}
