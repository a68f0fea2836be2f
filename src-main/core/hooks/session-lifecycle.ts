import type { HookOutcome } from '../../../src-shared/contract'
import type { FireContext } from './hook-service'

/** SessionStart's `source`, as in Claude Code. */
export type SessionStartSource = 'startup' | 'resume' | 'compact'
/** SessionEnd's `reason`, as in Claude Code (`logout` never happens: the app has no sign-in). */
export type SessionEndReason = 'clear' | 'logout' | 'prompt_input_exit' | 'other'

/** Where a session's hooks run: its workspace, or the user's home without one. */
export type SessionPlace = Omit<FireContext, 'sessionId' | 'matchOn'>

/** How the lifecycle fires a SessionStart or SessionEnd hook (the hook service's fire). */
export type LifecycleFire = (event: 'SessionStart' | 'SessionEnd', fields: Record<string, unknown>, ctx: FireContext) => Promise<HookOutcome>

/**
 * Which chats are open in this app, so SessionStart and SessionEnd pair up as in Claude Code: a
 * chat starts once (`startup` when new, `resume` when an existing one is opened or written to
 * again) and ends once (`clear`, `other`, or `prompt_input_exit` when the app quits). A
 * compaction starts it again with `compact` (see README.md for the mapping).
 */
export class SessionLifecycle {
  private readonly open = new Map<string, SessionPlace>()
  /** What SessionStart hooks printed (plain stdout or additionalContext), until the next prompt of that chat takes it. */
  private readonly context = new Map<string, string>()
  private readonly fire: LifecycleFire

  constructor(fire: LifecycleFire) {
    this.fire = fire
  }

  isOpen(sessionId: string): boolean {
    return this.open.has(sessionId)
  }

  /** SessionStart; null when the chat is open already (a compaction always starts it again). */
  async start(sessionId: string, source: SessionStartSource, place: SessionPlace): Promise<HookOutcome | null> {
    if (source !== 'compact' && this.open.has(sessionId)) return null
    const { signal: _signal, span: _span, ...kept } = place
    this.open.set(sessionId, kept)
    const outcome = await this.fire('SessionStart', { source }, { ...place, sessionId })
    if (outcome.additionalContext) this.context.set(sessionId, [this.context.get(sessionId), outcome.additionalContext].filter(Boolean).join('\n\n'))
    return outcome
  }

  /** The SessionStart context not yet given to the model, once. */
  takeContext(sessionId: string): string | undefined {
    const text = this.context.get(sessionId)
    this.context.delete(sessionId)
    return text
  }

  /** SessionEnd; null when the chat was not open (it ended before, or never started here). */
  async end(sessionId: string, reason: SessionEndReason): Promise<HookOutcome | null> {
    const place = this.open.get(sessionId)
    if (place === undefined) return null
    this.open.delete(sessionId)
    this.context.delete(sessionId)
    return this.fire('SessionEnd', { reason }, { ...place, sessionId })
  }

  /** Ends every open chat (the app quits); their hooks run in parallel. */
  async endAll(reason: SessionEndReason): Promise<void> {
    await Promise.all([...this.open.keys()].map((id) => this.end(id, reason)))
  }
}
