import type { ApiClient, Result } from '../../../src-shared/contract'
import type { Dispatcher } from './dispatcher'

/**
 * The typed contract client for callers inside the process (the CLI, tools, benchmarks): the same
 * validation and error results as IPC and WebSocket clients, without a transport in between.
 */
export function createLocalClient(dispatcher: Dispatcher, clientId = 'local'): Omit<ApiClient, 'on'> {
  return {
    call: (route, input) =>
      dispatcher.call(route, input, { signal: new AbortController().signal, clientId }) as Promise<Result<never>>,
    stream: (route, input, onEvent) => {
      const controller = new AbortController()
      const done = dispatcher.stream(route, input, { signal: controller.signal, clientId }, onEvent as (event: unknown) => void)
      return { id: 0, cancel: () => controller.abort(), done: done as Promise<Result<never>> }
    },
  }
}
