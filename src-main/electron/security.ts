import type { Session } from 'electron'

/** Where the app's own pages come from: the built files, or the dev server during `npm run dev`. */
export interface TrustedOrigins {
  rendererFile: string
  devServerUrl?: string | undefined
}

export function isAppUrl(url: string, origins: TrustedOrigins): boolean {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return false
  }
  if (parsed.protocol === 'file:') {
    const expected = new URL(`file://${origins.rendererFile.startsWith('/') ? '' : '/'}${origins.rendererFile.replace(/\\/g, '/')}`)
    // The host must match too: `file://server/…` is a network share (UNC path on Windows).
    return parsed.host === expected.host && parsed.pathname === expected.pathname
  }
  if (origins.devServerUrl) return parsed.origin === new URL(origins.devServerUrl).origin
  return false
}

/** Links the user clicks open in their browser; nothing else leaves the app. */
export const isExternalLink = (url: string): boolean => /^https?:\/\//i.test(url)

export function rendererCsp(devServerUrl?: string): string {
  const dev = devServerUrl ? ` ${new URL(devServerUrl).origin} ws://${new URL(devServerUrl).host}` : ''
  return [
    "default-src 'self'",
    `script-src 'self'${devServerUrl ? " 'unsafe-inline'" + dev : ''}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    `connect-src 'self'${dev}`,
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ')
}

/** CSP on every response, and no permission (camera, geolocation, …) granted without a feature asking. */
export function hardenSession(session: Session, devServerUrl?: string): void {
  const csp = rendererCsp(devServerUrl)
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } })
  })
  session.setPermissionRequestHandler((_webContents, _permission, callback) => callback(false))
  session.setPermissionCheckHandler(() => false)
}
