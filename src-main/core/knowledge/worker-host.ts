import type { ErrorShape } from '../../../src-shared/contract'
import { toAppError } from '../errors'
import { KnowledgeService, type KnowledgeEvent, type KnowledgeServiceOptions } from './service'

/** Service methods callable across the worker boundary: an allowlist, nothing else is reachable. */
export const KNOWLEDGE_METHODS = [
  'list', 'get', 'create', 'rename', 'remove', 'addSource', 'removeSource', 'files', 'sync', 'settled', 'pause', 'resume', 'cancel', 'search', 'setEndpoints', 'watchSources',
] as const satisfies readonly (keyof KnowledgeService)[]

export type KnowledgeMethod = (typeof KNOWLEDGE_METHODS)[number]

export interface KnowledgeRequest {
  id: number
  method: KnowledgeMethod | 'close'
  args: unknown[]
}

export type KnowledgeHostMessage =
  | { type: 'ready' }
  | { type: 'event'; event: KnowledgeEvent }
  | { type: 'result'; id: number; ok: true; value: unknown }
  | { type: 'result'; id: number; ok: false; error: ErrorShape }

export interface KnowledgeHostPort {
  postMessage(value: KnowledgeHostMessage): void
  on(event: 'message', listener: (value: unknown) => void): unknown
  close(): void
}

const isRequest = (value: unknown): value is KnowledgeRequest =>
  typeof value === 'object' && value !== null && typeof (value as KnowledgeRequest).id === 'number' && Array.isArray((value as KnowledgeRequest).args)

/** Answers requests on `port` (async: an indexing job runs while searches are answered) and forwards job events. */
export function serveKnowledge(port: KnowledgeHostPort, options: KnowledgeServiceOptions): void {
  const service = new KnowledgeService(options)
  service.onEvent((event) => port.postMessage({ type: 'event', event }))
  port.postMessage({ type: 'ready' })
  port.on('message', (request) => {
    if (!isRequest(request)) return
    void (async () => {
      try {
        if (request.method === 'close') {
          await service.close()
          port.postMessage({ type: 'result', id: request.id, ok: true, value: undefined })
          port.close()
          return
        }
        if (!KNOWLEDGE_METHODS.includes(request.method)) throw new TypeError(`unknown knowledge method ${String(request.method)}`)
        const method = service[request.method] as (...args: unknown[]) => unknown
        const value = await method.apply(service, request.args)
        port.postMessage({ type: 'result', id: request.id, ok: true, value })
      } catch (error) {
        port.postMessage({ type: 'result', id: request.id, ok: false, error: toAppError(error).toShape() })
      }
    })()
  })
}
