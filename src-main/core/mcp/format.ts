import type { CallToolResult, GetPromptResult, ReadResourceResult } from './connection'

/** What a tool may hand to the model in one call; more is cut with a note. */
export const MAX_TOOL_OUTPUT_CHARS = 100_000

type ContentItem = { type: string; [key: string]: unknown }

function bytesOfBase64(data: unknown): number {
  if (typeof data !== 'string') return 0
  const padding = data.endsWith('==') ? 2 : data.endsWith('=') ? 1 : 0
  return Math.floor((data.length * 3) / 4) - padding
}

function resourceText(resource: Record<string, unknown>): string {
  const uri = String(resource.uri ?? '')
  if (typeof resource.text === 'string') return `[resource ${uri}]\n${resource.text}`
  return `[resource ${uri}: ${String(resource.mimeType ?? 'binary')}, ${bytesOfBase64(resource.blob)} bytes]`
}

/** Text stays text; images, audio and binary resources become a one-line summary the model can read. */
export function contentToText(item: ContentItem): string {
  switch (item.type) {
    case 'text':
      return String(item.text ?? '')
    case 'image':
    case 'audio':
      return `[${item.type}: ${String(item.mimeType ?? 'unknown type')}, ${bytesOfBase64(item.data)} bytes]`
    case 'resource':
      return resourceText((item.resource ?? {}) as Record<string, unknown>)
    case 'resource_link':
      return `[resource link: ${String(item.uri ?? '')}${item.name ? ` (${String(item.name)})` : ''}]`
    default:
      return `[${item.type} content]`
  }
}

function cap(text: string): string {
  if (text.length <= MAX_TOOL_OUTPUT_CHARS) return text
  return `${text.slice(0, MAX_TOOL_OUTPUT_CHARS)}\n[… ${text.length - MAX_TOOL_OUTPUT_CHARS} more characters cut]`
}

export function formatToolResult(result: CallToolResult): { ok: boolean; output: string } {
  const content = Array.isArray(result.content) ? (result.content as ContentItem[]) : []
  let output = content.map(contentToText).join('\n')
  if (output === '' && result.structuredContent !== undefined) output = JSON.stringify(result.structuredContent)
  // Servers of protocol 2024-10-07 answer with `toolResult` instead of content.
  if (output === '' && 'toolResult' in result) output = JSON.stringify(result.toolResult)
  return { ok: result.isError !== true, output: cap(output) }
}

export function formatResource(result: ReadResourceResult): { text: string; mimeType?: string } {
  const parts = result.contents.map((item) => ('text' in item ? item.text : resourceText(item)))
  const mimeType = result.contents[0]?.mimeType
  return { text: cap(parts.join('\n')), ...(mimeType === undefined ? {} : { mimeType }) }
}

export function formatPrompt(result: GetPromptResult): { text: string } {
  return { text: cap(result.messages.map((message) => contentToText(message.content as ContentItem)).join('\n\n')) }
}
