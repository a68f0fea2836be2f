import type { PermissionDecision } from '../../../src-shared/contract'
import { CancelledError } from '../errors'

/**
 * Tool calls waiting for the user. The chat stream announces a request; the `tools.decide` route
 * answers it, from whichever window or client the user is at.
 */
export class ApprovalBroker {
  private readonly pending = new Map<string, (decision: PermissionDecision) => void>()

  /** Waits for the answer; a stopped chat (signal) counts as a denial and rejects. */
  wait(requestId: string, signal: AbortSignal): Promise<PermissionDecision> {
    return new Promise((resolve, reject) => {
      if (signal.aborted) return reject(new CancelledError('Stopped while waiting for your answer.'))
      const onAbort = (): void => {
        this.pending.delete(requestId)
        reject(new CancelledError('Stopped while waiting for your answer.'))
      }
      signal.addEventListener('abort', onAbort, { once: true })
      this.pending.set(requestId, (decision) => {
        signal.removeEventListener('abort', onAbort)
        this.pending.delete(requestId)
        resolve(decision)
      })
    })
  }

  /** false when no chat is waiting for this request (already answered, stopped, or unknown). */
  decide(requestId: string, decision: PermissionDecision): boolean {
    const resolve = this.pending.get(requestId)
    if (!resolve) return false
    resolve(decision)
    return true
  }

  get waiting(): number {
    return this.pending.size
  }
}
