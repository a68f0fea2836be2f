/**
 * The Preview tab of an HTML or SVG code block: the code as a document in an iframe that can do
 * nothing but draw.
 * - `sandbox=""` (every flag off): an opaque origin, so no access to the app, its storage or the
 *   bridge; no script, no form, no popup, no top-level navigation, no plugin.
 * - A CSP of its own, first in the document: no request of any kind (`default-src 'none'`); images
 *   only from data: URLs, inline styles allowed. A srcdoc frame also inherits the app's policy, so
 *   a second `<meta>` in the code can only narrow it, never widen it.
 * - The app's own policy has `frame-src 'none'`: the frame cannot be navigated anywhere (a
 *   `<meta http-equiv="refresh">` or a link inside it goes nowhere), and srcdoc needs no source.
 *   Links open in a new window by default (`<base target>`), which the sandbox refuses, so a click
 *   on a link leaves the preview as it was instead of an error page.
 */
export const PREVIEW_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:; form-action 'none'; base-uri 'none'"

/**
 * An SVG is shown as an image inside the frame: an image document runs no script, follows no
 * link and loads nothing, so even a click on one of its links leaves the preview as it was.
 */
function svgAsImage(code: string): string {
  const svg = /<svg\b[^>]*\sxmlns=/.test(code) ? code : code.replace(/<svg\b/, '<svg xmlns="http://www.w3.org/2000/svg"')
  return `<img alt="SVG image" src="data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg.trim())}">`
}

/** The srcdoc for a block's code: the policy, a light page style, then the code as written (an SVG as an image of it). */
export function previewDocument(lang: 'html' | 'svg', code: string): string {
  const head = `<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${PREVIEW_CSP}"><meta name="referrer" content="no-referrer"><base target="_blank"><style>html{color-scheme:light}body{margin:8px;font:14px system-ui,sans-serif;background:#fff;color:#111}img{max-width:100%;height:auto}</style></head><body>`
  return `${head}${lang === 'svg' ? svgAsImage(code) : code}</body></html>`
}

export function CodeBlockPreview({ lang, code }: { lang: 'html' | 'svg'; code: string }) {
  return (
    <iframe
      className="code-preview"
      title={`${lang.toUpperCase()} preview`}
      sandbox=""
      referrerPolicy="no-referrer"
      srcDoc={previewDocument(lang, code)}
    />
  )
}
