import { Box, Static, Text } from 'ink'
import { createElement as h, type ReactElement } from 'react'
import type { PermissionRequest } from '../../../src-shared/contract'
import type { LineEditor } from './line-editor'
import { markdownLines, type StyledLine } from './markdown'
import type { SlashSpec } from './slash'
import type { Entry, TuiStatus } from './tui-session'

const styled = (line: StyledLine, key: number): ReactElement =>
  h(Text, { key, wrap: 'wrap' }, ...line.map((segment, i) => h(Text, { key: i, bold: segment.bold, italic: segment.italic, dimColor: segment.dim, color: segment.color }, segment.text)))

const markdown = (text: string, keep?: number): ReactElement[] => {
  const lines = markdownLines(text)
  return (keep === undefined ? lines : lines.slice(-keep)).map(styled)
}

function EntryView({ entry }: { entry: Entry }): ReactElement {
  if (entry.kind === 'user') return h(Box, { marginTop: 1 }, h(Text, { color: 'cyan', bold: true }, '› '), h(Text, { wrap: 'wrap' }, entry.text))
  if (entry.kind === 'assistant')
    return h(Box, { flexDirection: 'column', marginTop: 1 }, ...markdown(entry.text || '(no text)'), entry.meta ? h(Text, { key: 'meta', dimColor: true }, entry.meta) : null)
  if (entry.kind === 'error') return h(Text, { color: 'red', wrap: 'wrap' }, `✗ ${entry.text}`)
  if (entry.kind === 'notice') return h(Text, { color: 'yellow', wrap: 'wrap' }, `· ${entry.text}`)
  return h(Box, { marginTop: 1 }, h(Text, { wrap: 'wrap' }, entry.text))
}

/** Finished items go to the terminal once (its own scrollback keeps them); only what changes is redrawn. */
export const Transcript = ({ entries, epoch }: { entries: readonly Entry[]; epoch: number }): ReactElement =>
  h(Static<Entry>, { key: epoch, items: [...entries], children: (entry: Entry) => h(EntryView, { key: entry.id, entry }) })

/** The reply being written: its last lines, so the live area never outgrows the terminal. */
export const LiveReply = ({ text, model, rows }: { text: string; model: string | null; rows: number }): ReactElement =>
  h(
    Box,
    { flexDirection: 'column', marginTop: 1 },
    ...(text ? markdown(text, Math.max(3, rows - 8)) : [h(Text, { key: 'wait', dimColor: true }, model ? `${model} is thinking…` : 'waiting for a model…')]),
    h(Text, { key: 'hint', dimColor: true }, 'Esc stops the reply'),
  )

export const Approval = ({ request }: { request: PermissionRequest }): ReactElement =>
  h(
    Box,
    { flexDirection: 'column', borderStyle: 'round', borderColor: 'yellow', paddingX: 1, marginTop: 1 },
    h(Text, { bold: true }, `Allow ${request.tool}?`),
    h(Text, { wrap: 'wrap' }, request.summary),
    h(Text, { dimColor: true, wrap: 'wrap' }, request.reason),
    ...(request.diff ? request.diff.split('\n').slice(0, 12).map((line, i) => h(Text, { key: i, color: line.startsWith('+') ? 'green' : line.startsWith('-') ? 'red' : undefined }, line)) : []),
    h(Text, {}, h(Text, { bold: true }, '[o]'), ' once  ', h(Text, { bold: true }, '[s]'), ' this session  ', h(Text, { bold: true }, '[w]'), ' this workspace  ', h(Text, { bold: true }, '[d]'), ' deny'),
  )

/** The prompt: the text with the cursor drawn as an inverse cell (the terminal's own cursor is hidden). */
export function Prompt({ editor, busy }: { editor: LineEditor; busy: boolean }): ReactElement {
  const lines = editor.text.split('\n')
  let offset = 0
  return h(
    Box,
    { flexDirection: 'column', marginTop: 1 },
    ...lines.map((line, row) => {
      const start = offset
      offset += line.length + 1
      const column = editor.cursor - start
      const here = column >= 0 && column <= line.length
      const mark = row === 0 ? h(Text, { color: busy ? 'gray' : 'cyan', bold: true }, '› ') : h(Text, { dimColor: true }, '  ')
      if (!here) return h(Box, { key: row }, mark, h(Text, {}, line))
      return h(Box, { key: row }, mark, h(Text, {}, line.slice(0, column)), h(Text, { inverse: true }, line[column] ?? ' '), h(Text, {}, line.slice(column + 1)))
    }),
    !editor.text && !busy ? h(Text, { key: 'placeholder', dimColor: true }, '  Type a message, or /help') : null,
  )
}

export const Completions = ({ specs }: { specs: SlashSpec[] }): ReactElement =>
  h(Box, { flexDirection: 'column' }, ...specs.slice(0, 6).map((spec) => h(Text, { key: spec.name, dimColor: true }, `  ${spec.usage}  ${spec.summary}`)))

/** One line: model · chat · tokens · cost · workspace, cut to the width. */
export function StatusLine({ status, columns }: { status: TuiStatus; columns: number }): ReactElement {
  const parts = [
    status.model,
    status.title ?? (status.sessionId ? 'untitled' : 'new chat'),
    `${status.inputTokens} in / ${status.outputTokens} out`,
    status.costUsd === null || status.costUsd === 0 ? 'free' : `$${status.costUsd.toFixed(4)}`,
    status.workspace.replace(process.env.HOME ?? '\0', '~'),
  ]
  const text = parts.join(' · ')
  return h(Text, { dimColor: true }, text.length > columns - 1 ? `${text.slice(0, Math.max(1, columns - 2))}…` : text)
}
