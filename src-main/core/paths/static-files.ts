import fs from 'node:fs'
import path from 'node:path'

export type StaticLookup =
  | { kind: 'file'; file: string; index: boolean }
  | { kind: 'not-found' }
  | { kind: 'not-built' }

export const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
}

export const contentTypeOf = (file: string): string => contentTypes[path.extname(file)] ?? 'application/octet-stream'

/**
 * Maps a URL path onto the built renderer, never outside it. Paths without an extension are
 * client-side routes and get index.html. Shared by the web companion and the desktop app:// scheme.
 */
export function lookupStaticFile(rootDir: string, urlPath: string): StaticLookup {
  // Absolute and without a trailing separator, or the inside-the-root check refuses every file.
  const root = path.resolve(rootDir)
  const decoded = safeDecode(urlPath)
  const resolved = decoded === undefined ? undefined : path.resolve(root, `.${decoded}`)
  const inside = resolved !== undefined && resolved.startsWith(root + path.sep)
  if (inside && isFile(resolved)) return { kind: 'file', file: resolved, index: resolved === path.join(root, 'index.html') }
  if (decoded === undefined || path.extname(decoded) !== '') return { kind: 'not-found' }
  const index = path.join(root, 'index.html')
  return isFile(index) ? { kind: 'file', file: index, index: true } : { kind: 'not-built' }
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
