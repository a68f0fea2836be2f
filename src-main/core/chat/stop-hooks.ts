import type { ChatEvent } from '../../../src-shared/contract'
import { hookNotices, type AgentRuntime, type HookFireContext } from './tool-loop'

/**
 * How many times Stop hooks may send a finished reply back to the model in one turn. Claude Code
 * leaves the loop guard to the hook (`stop_hook_active`); a buggy hook that always blocks would
 * then loop forever, so the app stops after this many continuations and says so.
 */
export const MAX_STOP_CONTINUATIONS = 3

/** Stop hooks of one turn: how often they have already made the reply continue. */
export interface StopState {
  continuations: number
}

/**
 * Runs the Stop hooks after a reply, as Claude Code does: a block (exit 2 or `decision: block`)
 * makes the model continue with the hook's reason as a new instruction, and `stop_hook_active` is
 * true for the hooks after such a continuation. `continue: false` ends the turn whatever else was
 * said. Returns the instruction to continue with, or null when the turn ends.
 */
export async function* askStopHooks(agent: AgentRuntime, state: StopState, lastText: string, ctx: HookFireContext): AsyncGenerator<ChatEvent, string | null> {
  if (ctx.signal?.aborted) return null
  const outcome = await agent.hooks.fire('Stop', { stop_hook_active: state.continuations > 0, last_assistant_message: lastText }, ctx)
  // System messages and hook errors as usual; the block itself is said below, with what follows from it
  // (the window prefixes "Stop hook: ", or "Blocked by a Stop hook: " when blocked is true).
  yield* hookNotices({ ...outcome, allowed: true })
  if (outcome.allowed) return null
  const reason = outcome.reason ?? 'A Stop hook asked the model to go on.'
  if (outcome.decision !== 'deny') {
    yield { type: 'hook', event: 'Stop', blocked: true, message: reason }
    return null
  }
  if (state.continuations >= MAX_STOP_CONTINUATIONS) {
    yield { type: 'hook', event: 'Stop', blocked: false, message: `kept blocking after ${MAX_STOP_CONTINUATIONS} continuations, so the reply ends here (its last reason: ${reason})` }
    return null
  }
  state.continuations++
  yield { type: 'hook', event: 'Stop', blocked: false, message: `the reply continues — ${reason}` }
  return reason
}
