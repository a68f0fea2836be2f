import fs from 'node:fs'
import type { ServerResponse } from 'node:http'
import { contentTypeOf, lookupStaticFile, rendererCsp } from '../core/paths'

/** The same policy as the desktop window's (no dev server here). */
export const contentSecurityPolicy = (): string => rendererCsp()

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
