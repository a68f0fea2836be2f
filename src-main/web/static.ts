import fs from 'node:fs'
import type { ServerResponse } from 'node:http'
import path from 'node:path'

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
}

export function contentSecurityPolicy(): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "connect-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ')
}

/** Serves the built renderer; unknown paths fall back to index.html (client-side routes). */
export function serveStatic(rootDir: string, urlPath: string, res: ServerResponse): void {
  // Absolute and without a trailing separator, or the inside-the-root check below refuses every file.
  const root = path.resolve(rootDir)
  const decoded = safeDecode(urlPath)
  const resolved = decoded === undefined ? undefined : path.resolve(root, `.${decoded}`)
  const inside = resolved !== undefined && resolved.startsWith(root + path.sep)
  if (inside && isFile(resolved)) return send(resolved, res)
  if (decoded === undefined || path.extname(decoded) !== '') {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' })
    res.end('Not found\n')
    return
  }
  const index = path.join(root, 'index.html')
  if (isFile(index)) return send(index, res)
  res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' })
  res.end('The interface is not built yet. Run `npm run build`, then start the server again.\n')
}

function send(file: string, res: ServerResponse): void {
  const isIndex = file.endsWith('index.html')
  res.writeHead(200, {
    'content-type': types[path.extname(file)] ?? 'application/octet-stream',
    'cache-control': isIndex ? 'no-store' : 'public, max-age=31536000, immutable',
  })
  fs.createReadStream(file).pipe(res)
}

function safeDecode(urlPath: string): string | undefined {
  try {
    const decoded = decodeURIComponent(urlPath)
    return decoded.includes('\0') ? undefined : decoded
  } catch {
    return undefined
  }
}

function isFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile()
  } catch {
    return false
  }
}
