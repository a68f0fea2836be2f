import type { ErrorShape } from '../../../src-shared/contract'
import { setDataFolderForDiskErrors, toAppError } from '../errors'
import { SessionEngine, type SessionEngineOptions } from './engine'
import { ENGINE_METHODS, type EngineMethod, type HostMessage, type StoreRequest } from './protocol'

/** The part of a MessagePort (or a worker's parentPort) the host uses. */
export interface HostPort {
  postMessage(value: HostMessage): void
  on(event: 'message', listener: (value: unknown) => void): unknown
  close(): void
}

const isRequest = (value: unknown): value is StoreRequest =>
  typeof value === 'object' && value !== null && typeof (value as StoreRequest).id === 'number' && Array.isArray((value as StoreRequest).args)

function failure(error: unknown): { error: ErrorShape; detail?: string } {
  const appError = toAppError(error)
  const cause = appError.code === 'E_INTERNAL' ? (appError.cause ?? error) : undefined
  return { error: appError.toShape(), ...(cause instanceof Error ? { detail: cause.message } : {}) }
}

/**
 * Opens the engine and answers requests on `port`, one at a time in arrival order (which is what
 * keeps writes serialized). Runs inside the worker thread, or on the caller's thread for tests.
 */
export function serveSessionEngine(port: HostPort, options: SessionEngineOptions): void {
  let engine: SessionEngine
  // On its own thread this module has its own copy of that setting: a full disk says how full.
  setDataFolderForDiskErrors(options.dataDir)
  try {
    engine = SessionEngine.open(options)
  } catch (error) {
    port.postMessage({ type: 'failed', ...failure(error) })
    port.close()
    return
  }
  port.postMessage({ type: 'ready', info: engine.info() })
  port.on('message', (request) => {
    if (!isRequest(request)) return
    if (request.method === 'close') {
      engine.close()
      port.postMessage({ type: 'result', id: request.id, ok: true, value: undefined })
      port.close()
      return
    }
    try {
      if (!ENGINE_METHODS.includes(request.method)) throw new TypeError(`unknown store method ${String(request.method)}`)
      const method = engine[request.method as EngineMethod] as (...args: unknown[]) => unknown
      port.postMessage({ type: 'result', id: request.id, ok: true, value: method.apply(engine, request.args) })
    } catch (error) {
      port.postMessage({ type: 'result', id: request.id, ok: false, ...failure(error) })
    }
  })
}
