import type { Net, Protocol } from 'electron'
import { pathToFileURL } from 'node:url'
import { contentTypeOf, lookupStaticFile } from '../core/paths'
import { APP_HOST, APP_SCHEME } from './security'

/** Must run before the app is ready: makes app:// a standard, secure origin with fetch. */
export function registerAppScheme(protocol: Protocol): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } },
  ])
}

/** Serves the built renderer on app://ollama-desk/, and nothing outside its folder. */
export function serveAppScheme(protocol: Protocol, net: Net, rendererDir: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url)
    if (url.host !== APP_HOST) return new Response('Not found', { status: 404 })
    const found = lookupStaticFile(rendererDir, url.pathname)
    if (found.kind !== 'file') return new Response(found.kind === 'not-found' ? 'Not found' : 'Not built', { status: found.kind === 'not-found' ? 404 : 503 })
    const response = await net.fetch(pathToFileURL(found.file).toString())
    return new Response(response.body, { status: 200, headers: { 'content-type': contentTypeOf(found.file) } })
  })
}
