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

/**
 * Asks the operating system for the microphone (macOS shows its own prompt once and remembers the
 * answer in Privacy & Security); resolves true where the OS has no such gate.
 */
export type AskMicrophone = () => Promise<boolean>

type PermissionDetails = { requestingUrl?: string; mediaTypes?: string[]; mediaType?: string }

/** Only dictation's request qualifies: audio alone (no camera, no screen), from our own pages. */
function isMicrophoneRequest(permission: string, details: PermissionDetails, url: string | undefined, origins: TrustedOrigins): boolean {
  if (permission !== 'media' || !url || !isAppUrl(url, origins)) return false
  const types = details.mediaTypes ?? (details.mediaType ? [details.mediaType] : [])
  return types.length > 0 && types.every((type) => type === 'audio')
}

/**
 * CSP on every response. No permission is granted except the microphone for dictation, to the
 * app's own pages, after the OS says yes; camera, screen, geolocation, notifications… are refused.
 */
export function hardenSession(session: Session, origins: TrustedOrigins, askMicrophone: AskMicrophone = async () => true): void {
  const csp = rendererCsp(origins.devServerUrl)
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } })
  })
  session.setPermissionRequestHandler((_webContents, permission, callback, details) => {
    const info = details as PermissionDetails
    if (!isMicrophoneRequest(permission, info, info.requestingUrl, origins)) return callback(false)
    askMicrophone().then(callback, () => callback(false))
  })
  session.setPermissionCheckHandler((_webContents, permission, requestingOrigin, details) =>
    isMicrophoneRequest(permission, details as PermissionDetails, (details as PermissionDetails).requestingUrl ?? requestingOrigin, origins),
  )
}
