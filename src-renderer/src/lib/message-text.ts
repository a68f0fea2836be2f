export type TextBlock = { kind: 'text'; text: string } | { kind: 'code'; lang: string; code: string }

const FENCE = /^ {0,3}(`{3,}|~{3,})\s*([\w+#.-]*)/

/**
 * Splits message text at Markdown code fences: code goes in a <pre>, the rest stays plain text
 * with its line breaks. An unclosed fence runs to the end, as while a reply is still streaming.
 */
export function splitCodeFences(text: string): TextBlock[] {
  const blocks: TextBlock[] = []
  const lines = text.split('\n')
  let prose: string[] = []
  let code: string[] | undefined
  let fence = ''
  let lang = ''
  const flushProse = (): void => {
    const joined = prose.join('\n')
    if (joined.trim()) blocks.push({ kind: 'text', text: joined.replace(/^\n+|\n+$/g, '') })
    prose = []
  }
  for (const line of lines) {
    const match = FENCE.exec(line)
    if (code === undefined) {
      if (match) {
        flushProse()
        code = []
        fence = match[1]!
        lang = match[2] ?? ''
      } else prose.push(line)
    } else if (match && match[1]!.startsWith(fence) && !match[2]) {
      blocks.push({ kind: 'code', lang, code: code.join('\n') })
      code = undefined
    } else code.push(line)
  }
  if (code !== undefined) blocks.push({ kind: 'code', lang, code: code.join('\n') })
  flushProse()
  return blocks
}
