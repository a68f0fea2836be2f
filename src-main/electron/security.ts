import type { Session } from 'electron'
import { rendererCsp } from '../core/paths'

export { rendererCsp }

/**
 * The app's pages load from a privileged custom scheme, not file://: a standard, secure origin
 * that the CSP's 'self' covers, with no access to the rest of the file system.
 */
export const APP_SCHEME = 'app'
export const APP_HOST = 'ollama-desk'
export const APP_ENTRY_URL = `${APP_SCHEME}://${APP_HOST}/index.html`

/** Where the app's own pages come from: the built renderer, or the dev server during `npm run dev`. */
export interface TrustedOrigins {
  rendererDir: string
  devServerUrl?: string | undefined
}

export function isAppUrl(url: string, origins: TrustedOrigins): boolean {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return false
  }
  if (parsed.protocol === `${APP_SCHEME}:`) return parsed.host === APP_HOST && !origins.devServerUrl
  if (origins.devServerUrl) return parsed.origin === new URL(origins.devServerUrl).origin
  return false
}

/** Links the user clicks open in their browser; nothing else leaves the app. */
export const isExternalLink = (url: string): boolean => /^https?:\/\//i.test(url)

/** CSP on every response, and no permission (camera, geolocation, …) granted without a feature asking. */
export function hardenSession(session: Session, devServerUrl?: string): void {
  const csp = rendererCsp(devServerUrl)
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } })
  })
  session.setPermissionRequestHandler((_webContents, _permission, callback) => callback(false))
  session.setPermissionCheckHandler(() => false)
}
