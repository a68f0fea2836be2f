import type { Message, Session } from './types'

const ROLE_NAMES: Record<Message['role'], string> = { system: 'System', user: 'You', assistant: 'Assistant', tool: 'Tool' }

const when = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').slice(0, 16) + ' UTC'

function byline(m: Message): string {
  const model = [m.provider, m.model].filter(Boolean).join(' / ')
  return [ROLE_NAMES[m.role], when(m.createdAt), model].filter(Boolean).join(' · ')
}

/** A fence longer than any backtick run inside, so code in a message cannot close it early. */
function fence(text: string, info = ''): string {
  const longest = Math.max(2, ...Array.from(text.matchAll(/`+/g), (run) => run[0].length))
  const ticks = '`'.repeat(longest + 1)
  return `${ticks}${info}\n${text}\n${ticks}`
}

export function toMarkdown(session: Session, messages: readonly Message[]): string {
  const lines = [`# ${session.title || 'Untitled session'}`, '', `Created ${when(session.createdAt)} · ${messages.length} messages`]
  if (session.tags.length > 0) lines.push(`Tags: ${session.tags.join(', ')}`)
  for (const m of messages) {
    lines.push('', '---', '', `### ${byline(m)}`, '')
    if (m.reasoning) lines.push('<details><summary>Reasoning</summary>', '', fence(m.reasoning), '', '</details>', '')
    lines.push(m.text)
    if (m.toolCalls && m.toolCalls.length > 0) lines.push('', fence(JSON.stringify(m.toolCalls, null, 2), 'json'))
    for (const a of m.attachments) lines.push('', `📎 ${a.name} (${a.mime}, ${a.size} bytes)`)
    if (m.status === 'error') lines.push('', `> ⚠ ${m.error ?? 'This reply did not finish.'}`)
  }
  return `${lines.join('\n')}\n`
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!)
}

const CSS = `
  :root { color-scheme: light dark; --bg: #fff; --fg: #1d1d1f; --muted: #6e6e73; --card: #f5f5f7; --accent: #0a66c2; }
  @media (prefers-color-scheme: dark) { :root { --bg: #161618; --fg: #f5f5f7; --muted: #a1a1a6; --card: #232326; --accent: #5aa2f0; } }
  body { margin: 0 auto; max-width: 52rem; padding: 2rem 1rem; background: var(--bg); color: var(--fg);
    font: 15px/1.55 system-ui, -apple-system, "Segoe UI", sans-serif; }
  h1 { font-size: 1.5rem; margin: 0 0 .25rem; }
  .meta { color: var(--muted); font-size: .85rem; margin-bottom: 1.5rem; }
  article { background: var(--card); border-radius: 10px; padding: .75rem 1rem; margin: .75rem 0; }
  article.user { border-left: 3px solid var(--accent); }
  .by { color: var(--muted); font-size: .8rem; margin-bottom: .35rem; }
  .text, pre { white-space: pre-wrap; overflow-wrap: anywhere; margin: 0; }
  pre { font: 13px/1.45 ui-monospace, "SF Mono", Menlo, Consolas, monospace; }
  details { margin-bottom: .5rem; color: var(--muted); }
  .error { color: #c0392b; margin-top: .5rem; }
  @media print {
    :root { color-scheme: light; --bg: #fff; --fg: #000; --muted: #444; --card: #fff; --accent: #000; }
    body { max-width: none; padding: 0; font-size: 11pt; }
    article { border: 1px solid #bbb; break-inside: avoid-page; page-break-inside: avoid; }
    h1 { break-after: avoid; }
    pre, .text { font-size: 10pt; }
  }
`

/**
 * One self-contained page: inline CSS, no scripts, no external requests (a CSP forbids them too),
 * and every piece of message text escaped, so a message containing HTML shows as text.
 */
export function toHtml(session: Session, messages: readonly Message[]): string {
  const title = escapeHtml(session.title || 'Untitled session')
  const body = messages
    .map((m) => {
      const parts = [`<div class="by">${escapeHtml(byline(m))}</div>`]
      if (m.reasoning) parts.push(`<details><summary>Reasoning</summary><pre>${escapeHtml(m.reasoning)}</pre></details>`)
      parts.push(`<div class="text">${escapeHtml(m.text)}</div>`)
      if (m.toolCalls && m.toolCalls.length > 0) parts.push(`<pre>${escapeHtml(JSON.stringify(m.toolCalls, null, 2))}</pre>`)
      for (const a of m.attachments) parts.push(`<div class="by">📎 ${escapeHtml(a.name)} (${escapeHtml(a.mime)}, ${a.size} bytes)</div>`)
      if (m.status === 'error') parts.push(`<div class="error">${escapeHtml(m.error ?? 'This reply did not finish.')}</div>`)
      return `<article class="${m.role}">${parts.join('')}</article>`
    })
    .join('\n')
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>${CSS}</style>
</head>
<body>
<h1>${title}</h1>
<div class="meta">Created ${escapeHtml(when(session.createdAt))} · ${messages.length} messages${session.tags.length > 0 ? ` · ${escapeHtml(session.tags.join(', '))}` : ''}</div>
${body}
</body>
</html>
`
}
