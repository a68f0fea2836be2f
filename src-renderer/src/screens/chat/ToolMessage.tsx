import type { SessionMessage } from '../../../../src-shared/contract'
import '../../agents.css'
import '../../tools.css'
import { formatDateTime } from '../../lib/format'

/** The approval dialog's answers in words; the core's own ("denied by rule", "allowed by hook" …) are already words. */
const ANSWERS: Record<string, string> = {
  'allow-once': 'allowed once by you',
  'allow-session': 'allowed by you for this chat',
  'allow-workspace': 'allowed by you for this workspace',
  deny: 'denied by you',
}

export const decisionLabel = (decision: string): string => ANSWERS[decision] ?? decision
const isDenied = (decision: string | undefined): boolean => decision !== undefined && decisionLabel(decision).startsWith('denied')

/** A single-line view of a call's input: the command, path, pattern or URL the tool got. */
function inputLine(input: unknown): string | undefined {
  if (typeof input !== 'object' || input === null) return undefined
  const record = input as Record<string, unknown>
  const first = ['command', 'file_path', 'path', 'pattern', 'url'].map((key) => record[key]).find((value) => typeof value === 'string')
  return first as string | undefined
}

/**
 * A stored tool result (role 'tool', saved by the core for every call, denied ones included): which
 * tool, who decided, and the output folded away, so a reloaded chat reads like the live one.
 */
export function ToolMessage({ message }: { message: SessionMessage }) {
  const call = message.toolCalls?.[0]
  const name = call?.name ?? 'tool'
  const decision = call?.decision
  const denied = isDenied(decision)
  const what = inputLine(call?.arguments)
  const when = formatDateTime(message.createdAt)
  return (
    <article className="message role-tool tool-message" aria-label={`Tool result ${name}${decision ? `, ${decisionLabel(decision)}` : ''}`}>
      <details className={`tool-result${denied || message.status === 'error' ? ' failed' : ''}`}>
        <summary>
          <span className="cap">tool</span> <code>{name}</code>
          {what && <span className="tool-input"> {what}</span>}
          {decision && <span className={denied ? 'tool-failed' : 'tool-ok'}> · {decisionLabel(decision)}</span>}
          <time className="muted" dateTime={new Date(message.createdAt).toISOString()}> · {when}</time>
        </summary>
        <pre>{message.text || '(no output)'}</pre>
      </details>
    </article>
  )
}
