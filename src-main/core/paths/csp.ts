/**
 * The interface's Content-Security-Policy, one policy for the desktop window and the web companion.
 * Only the dev server (electron-vite's, during `npm run dev`) widens it, for hot reload.
 */
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
