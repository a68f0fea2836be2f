import type { ChatEvent, ChatTarget, ErrorShape, PermissionDecision, PermissionRequest } from '../../../src-shared/contract'
import type { CliApi } from '../api-command'

/** One finished item of the transcript: printed once, then part of the terminal's scrollback. */
export interface Entry {
  id: number
  kind: 'user' | 'assistant' | 'info' | 'notice' | 'error'
  text: string
  /** The line under a reply: model, tokens, cost. */
  meta?: string
}

export interface TuiStatus {
  model: string
  sessionId: string | null
  title: string | null
  inputTokens: number
  outputTokens: number
  costUsd: number | null
  workspace: string
}

export interface TuiView {
  entries: readonly Entry[]
  /** The reply being written, while one is. */
  live: { text: string; model: string | null } | null
  permission: PermissionRequest | null
  busy: boolean
  status: TuiStatus
  /** Bumped by /clear: the UI wipes the screen and its scrollback. */
  cleared: number
}

export const targetLabel = (target: ChatTarget): string => ('auto' in target ? 'auto' : `${target.providerId}:${target.model}`)

/**
 * The terminal chat without the terminal: what was said, the reply being streamed, the pending
 * tool approval and the status line, driven through the same contract client as every command.
 * The Ink view draws `view()` after each change; tests drive it directly.
 */
export class TuiSession {
  private entries: Entry[] = []
  private nextId = 1
  private live: TuiView['live'] = null
  private permission: PermissionRequest | null = null
  private cancelReply: (() => void) | null = null
  private cleared = 0
  target: ChatTarget
  readonly status: TuiStatus
  private readonly api: CliApi
  private readonly listeners = new Set<() => void>()

  constructor(api: CliApi, options: { target: ChatTarget; workspace: string; sessionId?: string }) {
    this.api = api
    this.target = options.target
    this.status = { model: targetLabel(options.target), sessionId: options.sessionId ?? null, title: null, inputTokens: 0, outputTokens: 0, costUsd: null, workspace: options.workspace }
  }

  /** Calls `listener` after every change; returns the unsubscribe. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener)
    return () => void this.listeners.delete(listener)
  }

  private onChange(): void {
    for (const listener of this.listeners) listener()
  }

  view(): TuiView {
    return { entries: this.entries, live: this.live, permission: this.permission, busy: this.cancelReply !== null, status: { ...this.status }, cleared: this.cleared }
  }

  add(kind: Entry['kind'], text: string, meta?: string): void {
    this.entries = [...this.entries, { id: this.nextId++, kind, text, ...(meta ? { meta } : {}) }]
    this.onChange()
  }

  /** Forget the transcript on screen (the chat itself stays in the history). */
  clearScreen(): void {
    this.entries = []
    this.cleared += 1
    this.onChange()
  }

  /** Starts a new chat: the next message opens a new session. */
  newChat(): void {
    Object.assign(this.status, { sessionId: null, title: null, inputTokens: 0, outputTokens: 0, costUsd: null })
    this.onChange()
  }

  /** Continues an existing chat: its messages are shown, the next message goes on from its end. */
  async open(sessionId: string): Promise<boolean> {
    const session = await this.api.call('sessions.get', { id: sessionId })
    if (!session.ok) return this.fail(session.error)
    const page = await this.api.call('sessions.messages', { sessionId, limit: 1000 })
    if (!page.ok) return this.fail(page.error)
    Object.assign(this.status, { sessionId, title: session.value.title, inputTokens: 0, outputTokens: 0, costUsd: null })
    this.add('info', `Continuing “${session.value.title}” (${page.value.messages.length} messages)`)
    for (const message of page.value.messages) {
      if (message.role === 'user') this.add('user', message.text)
      else if (message.role === 'assistant' && (message.text || !message.toolCalls?.length)) this.add('assistant', message.text, message.model ? `${message.provider}:${message.model}` : undefined)
      for (const call of message.role === 'assistant' ? (message.toolCalls ?? []) : []) this.add('notice', `⚙ ${call.name}${call.decision ? ` (${call.decision})` : ''}`)
    }
    return true
  }

  fail(error: ErrorShape): false {
    this.add('error', `${error.message}${error.hint ? `\n${error.hint}` : ''}`)
    return false
  }

  /** Stops the reply being written; false when there is none. */
  stop(): boolean {
    if (!this.cancelReply) return false
    this.cancelReply()
    return true
  }

  /** Answers the pending tool approval. */
  async decide(decision: PermissionDecision): Promise<void> {
    const request = this.permission
    if (!request) return
    this.permission = null
    this.add('notice', `${request.summary}: ${decision === 'deny' ? 'denied' : decision.replace('allow-', 'allowed ')}`)
    const answer = await this.api.call('tools.decide', { requestId: request.id, decision })
    if (!answer.ok) this.fail(answer.error)
  }

  /** Sends `text` as a message and streams the reply; resolves when it ended (answered, failed or stopped). */
  async send(text: string): Promise<void> {
    this.add('user', text)
    this.live = { text: '', model: null }
    const input = { text, target: this.target, workspace: this.status.workspace, ...(this.status.sessionId ? { sessionId: this.status.sessionId } : {}) }
    const stream = this.api.stream('chat.send', input, (event) => this.onEvent(event))
    let stopped = false
    this.cancelReply = () => {
      stopped = true
      stream.cancel()
    }
    this.onChange()
    const result = await stream.done
    const live = this.live
    this.live = null
    this.cancelReply = null
    this.permission = null
    if (result.ok) {
      const m = result.value.message
      const tokens = m.usage ? `${m.usage.inputTokens} in / ${m.usage.outputTokens} out${m.usage.estimated ? ' (est.)' : ''}` : ''
      const cost = m.cost === null ? '' : m.cost === 0 ? 'free' : `$${m.cost.toFixed(4)}`
      this.add('assistant', m.text, [m.provider && m.model ? `${m.provider}:${m.model}` : '', tokens, cost].filter(Boolean).join(' · '))
      void this.refreshTitle()
    } else if (stopped) {
      this.add('assistant', live?.text ?? '', 'stopped')
    } else {
      if (live?.text) this.add('assistant', live.text, 'interrupted')
      this.fail(result.error)
    }
  }

  private onEvent(event: ChatEvent): void {
    if (event.type === 'started') this.status.sessionId = event.sessionId
    else if (event.type === 'answering') {
      this.status.model = `${event.providerId}:${event.model}`
      if (this.live) this.live = { ...this.live, model: this.status.model }
    } else if (event.type === 'text' && this.live) this.live = { ...this.live, text: this.live.text + event.text }
    else if (event.type === 'usage') {
      this.status.inputTokens += event.usage.inputTokens
      this.status.outputTokens += event.usage.outputTokens
      if (event.costUsd !== null) this.status.costUsd = (this.status.costUsd ?? 0) + event.costUsd
    } else if (event.type === 'permission') this.permission = event.request
    else if (event.type === 'tool_call') this.add('notice', `⚙ ${event.call.name}`)
    else if (event.type === 'tool_result') this.add('notice', `${event.ok ? '✓' : '✗'} ${event.name}: ${event.output.split('\n')[0]!.slice(0, 200)}`)
    else if (event.type === 'retry') this.add('notice', `retrying ${event.providerId}:${event.model} in ${(event.delayMs / 1000).toFixed(1)} s (${event.reason})`)
    else if (event.type === 'attempt' && event.attempt.outcome === 'failed') this.add('notice', `${event.attempt.providerId}:${event.attempt.model} failed${event.attempt.reason ? ` (${event.attempt.reason})` : ''}`)
    else if (event.type === 'hook' || event.type === 'notice' || event.type === 'budget') this.add('notice', event.message)
    this.onChange()
  }

  private async refreshTitle(): Promise<void> {
    if (!this.status.sessionId) return
    const session = await this.api.call('sessions.get', { id: this.status.sessionId })
    if (session.ok && session.value.title !== this.status.title) {
      this.status.title = session.value.title
      this.onChange()
    }
  }
}
