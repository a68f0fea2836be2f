import type { McpResource } from '../../../../src-shared/contract'

/** What one resource may add to a message; the rest is cut with a note the user sees on the chip. */
export const MAX_RESOURCE_CHARS = 100_000

export interface ResourceAttachment {
  server: string
  uri: string
  name: string
  /** The text that goes out, already capped. */
  text: string
  /** Characters left out by the cap; 0 when the whole resource fits. */
  cut: number
}

export const sameResource = (a: { server: string; uri: string }, b: { server: string; uri: string }): boolean => a.server === b.server && a.uri === b.uri

export function attachmentOf(resource: McpResource, text: string): ResourceAttachment {
  const cut = Math.max(0, text.length - MAX_RESOURCE_CHARS)
  return { server: resource.server, uri: resource.uri, name: resource.name, text: cut > 0 ? text.slice(0, MAX_RESOURCE_CHARS) : text, cut }
}

/** A fence longer than any run of backticks inside, so a resource holding ``` cannot close it early. */
function fenceFor(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length))
  return '`'.repeat(Math.max(3, longest + 1))
}

export function resourceBlock(attachment: ResourceAttachment): string {
  const fence = fenceFor(attachment.text)
  const note = attachment.cut > 0 ? `\n(cut: ${attachment.cut.toLocaleString('en-US')} more characters left out)` : ''
  return `Resource ${attachment.uri} (${attachment.server}):\n${fence}\n${attachment.text}\n${fence}${note}`
}

/** The message as sent: what the user wrote, then each attached resource as a fenced block. */
export function withResources(text: string, attachments: ResourceAttachment[]): string {
  const blocks = attachments.map(resourceBlock)
  return [text.trim() === '' ? '' : text, ...blocks].filter((part) => part !== '').join('\n\n')
}
