import type { MemoryRegion, WorkCompletion } from './verbs'

/**
 * What the native queue pair and the test fabric's share, so both behave alike where the verbs
 * contract says how: the regions registered with it, the checks ibv_post_send / ibv_post_recv make,
 * and the completion queue with its event.
 */
export abstract class BaseQueuePair {
  protected state: 'ready' | 'error' | 'closed' = 'ready'
  protected readonly regions = new Set<MemoryRegion>()
  protected handler: ((event: 'completion' | 'disconnected') => void) | undefined
  private readonly completions: WorkCompletion[] = []
  private notifyScheduled = false

  /** Leaves `ready`, flushing what is still posted. */
  protected abstract enterError(state: 'error' | 'closed'): void

  pollCompletions(max: number): WorkCompletion[] {
    return this.completions.splice(0, max)
  }

  onEvent(handler: (event: 'completion' | 'disconnected') => void): void {
    this.handler = handler
  }

  /**
   * Whether a work request may be posted: on a queue pair that is not ready it completes as `flush`;
   * a range outside a region registered here completes as `local-protection` and, as on hardware,
   * puts the queue pair in the error state.
   */
  protected checkPost(wrId: number, opcode: 'send' | 'recv', region: MemoryRegion | null, offset: number, length: number): boolean {
    if (this.state !== 'ready') {
      this.complete({ wrId, opcode, status: 'flush', byteLength: 0, immediate: 0 })
      return false
    }
    if (length > 0 && (!region || !this.regions.has(region) || offset < 0 || offset + length > region.bytes.length)) {
      this.complete({ wrId, opcode, status: 'local-protection', byteLength: 0, immediate: 0 })
      this.enterError('error')
      return false
    }
    return true
  }

  /** Queues a completion; the handler hears 'completion' once per turn, however many arrived. */
  protected complete(completion: WorkCompletion): void {
    this.completions.push(completion)
    if (this.notifyScheduled) return
    this.notifyScheduled = true
    setImmediate(() => {
      this.notifyScheduled = false
      if (this.completions.length > 0) this.handler?.('completion')
    })
  }
}
