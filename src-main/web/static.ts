import fs from 'node:fs'
import type { ServerResponse } from 'node:http'
import { contentTypeOf, lookupStaticFile } from '../core/paths'

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
  const found = lookupStaticFile(rootDir, urlPath)
  if (found.kind === 'file') {
    res.writeHead(200, {
      'content-type': contentTypeOf(found.file),
      'cache-control': found.index ? 'no-store' : 'public, max-age=31536000, immutable',
    })
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
