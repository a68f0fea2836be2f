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
    // Frames: only the sandboxed srcdoc previews of HTML/SVG code blocks, which need no source; 'none'
    // also stops such a frame from being navigated anywhere (a refresh or a link inside it).
    "frame-src 'none'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ')
}
