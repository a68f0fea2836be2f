import { useEffect, useId, useRef, type KeyboardEvent } from 'react'
import { createPortal } from 'react-dom'
import type { PermissionDecision, PermissionRequest } from '../../../../src-shared/contract'
import { useApi } from '../../api/context'
import '../../agents.css'
import { useReplies } from './reply-store'

type LineKind = 'add' | 'del' | 'hunk' | 'ctx'

/** Each line of a unified diff with what it does; file headers read as context. */
export function diffLines(diff: string): { kind: LineKind; text: string }[] {
  return diff.replace(/\n$/, '').split('\n').map((text) => {
    if (text.startsWith('+++') || text.startsWith('---')) return { kind: 'hunk', text }
    if (text.startsWith('@@')) return { kind: 'hunk', text }
    if (text.startsWith('+')) return { kind: 'add', text }
    if (text.startsWith('-')) return { kind: 'del', text }
    return { kind: 'ctx', text }
  })
}

export function DiffView({ diff }: { diff: string }) {
  return (
    <pre className="diff" aria-label="Changes">
      <code>
        {diffLines(diff).map((line, i) => (
          <span key={i} className={`diff-${line.kind}`}>{line.text || ' '}{'\n'}</span>
        ))}
      </code>
    </pre>
  )
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value ? value : undefined)

/** The exact thing the tool would do: the command, the file and its diff, or the URL. */
function WhatItDoes({ request }: { request: PermissionRequest }) {
  const { input } = request
  const command = text(input.command)
  const file = text(input.file_path) ?? text(input.path)
  const url = text(input.url)
  if (request.tool === 'Bash' && command) return <pre aria-label="Command">{command}</pre>
  if (url) return <pre aria-label="URL">{url}</pre>
  if (file || request.diff) {
    return (
      <>
        {file && <p>File: <code>{file}</code></p>}
        {request.diff ? <DiffView diff={request.diff} /> : <pre aria-label="Input">{JSON.stringify(input, null, 2)}</pre>}
      </>
    )
  }
  return <pre aria-label="Input">{JSON.stringify(input, null, 2)}</pre>
}

/** Two rows of two: this time (allow or deny), then always (session or workspace); no button alone on a row. */
const choices: { decision: PermissionDecision; label: string; kind: string }[] = [
  { decision: 'allow-once', label: 'Allow once', kind: 'button' },
  { decision: 'deny', label: 'Deny', kind: 'button danger' },
  { decision: 'allow-session', label: 'Always allow in this session', kind: 'button secondary' },
  { decision: 'allow-workspace', label: 'Always allow in this workspace', kind: 'button secondary' },
]

export interface ApprovalDialogProps {
  request: PermissionRequest
  /** Without a workspace there is nothing to remember the rule in. */
  hasWorkspace: boolean
  onDecide(decision: PermissionDecision): void
}

/** Asks before a tool runs. Focus stays inside; Escape denies; Deny has the focus first. */
export function ApprovalDialog({ request, hasWorkspace, onDecide }: ApprovalDialogProps) {
  const titleId = useId()
  const box = useRef<HTMLDivElement>(null)
  const deny = useRef<HTMLButtonElement>(null)
  useEffect(() => {
    const before = document.activeElement as HTMLElement | null
    deny.current?.focus()
    return () => before?.focus?.()
  }, [request.id])

  const onKeyDown = (event: KeyboardEvent): void => {
    if (event.key === 'Escape') {
      event.preventDefault()
      onDecide('deny')
      return
    }
    if (event.key !== 'Tab' || !box.current) return
    const focusable = [...box.current.querySelectorAll<HTMLElement>('button:not(:disabled), [href], input, textarea, select, [tabindex]:not([tabindex="-1"])')]
    const first = focusable[0]
    const last = focusable.at(-1)
    if (!first || !last) return
    const inside = box.current.contains(document.activeElement)
    if (event.shiftKey && (document.activeElement === first || !inside)) {
      event.preventDefault()
      last.focus()
    } else if (!event.shiftKey && (document.activeElement === last || !inside)) {
      event.preventDefault()
      first.focus()
    }
  }

  return createPortal(
    <div className="approval-backdrop">
      <div ref={box} className="approval" role="dialog" aria-modal="true" aria-labelledby={titleId} onKeyDown={onKeyDown}>
        <h2 id={titleId}>Allow {request.tool}?</h2>
        <p className="muted">{request.summary}</p>
        <WhatItDoes request={request} />
        <p className="hint">Why you are asked: {request.reason}</p>
        <div className="approval-actions">
          {choices.map((choice) => (
            <button
              key={choice.decision}
              ref={choice.decision === 'deny' ? deny : undefined}
              type="button"
              className={choice.kind}
              // Without a workspace, "always" is kept in your own rules (e.g. for an MCP tool).
              title={choice.decision === 'allow-workspace' && !hasWorkspace ? 'Kept in your rules (Tools & MCP), for every chat' : undefined}
              onClick={() => onDecide(choice.decision)}
            >
              {choice.decision === 'allow-workspace' && !hasWorkspace ? 'Always allow this tool' : choice.label}
            </button>
          ))}
        </div>
      </div>
    </div>,
    document.body,
  )
}

/** The first unanswered permission request of a reply, as a dialog. */
export function ApprovalGate({ replyKey }: { replyKey: string }) {
  const api = useApi()
  const reply = useReplies((state) => state.replies[replyKey])
  const answered = useReplies((state) => state.answered)
  const request = reply?.permissions.find((p) => !(p.id in answered))
  if (!request) return null
  return <ApprovalDialog key={request.id} request={request} hasWorkspace={Boolean(reply?.input.workspace)} onDecide={(decision) => void useReplies.getState().decide(api, request.id, decision)} />
}
