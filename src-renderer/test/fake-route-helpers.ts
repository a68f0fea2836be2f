import type { ApiClient, ErrorShape, EventName, Result, Settings } from '../../src-shared/contract'

/*
 * What the per-capability fakes (fake-updates.ts, fake-voice.ts, ...) share: the fake API they
 * wrap in place, typed results, and the dispatch that answers their own routes and passes every
 * other route on to the API underneath, so fake-api.ts needs one line per capability.
 */

export interface FakeDeps {
  api: ApiClient
  /** Every route a fake answered, with its input, in order (the fake API's `calls`). */
  calls: { route: string; input: unknown }[]
  emit: (name: EventName, payload: unknown) => void
  settings: () => Settings
}

export const ok = <T>(value: T): Result<T> => ({ ok: true, value })
export const fail = (code: ErrorShape['code'], message: string): Result<never> => ({ ok: false, error: { code, message, retryable: false } })

/**
 * Makes `api.call` answer the routes `handles` accepts (a prefix such as 'voice.', or a test) with
 * `answer`, recording each call; any other route goes to the call that was there before.
 */
export function answerRoutes(
  { api, calls }: Pick<FakeDeps, 'api' | 'calls'>,
  handles: string | ((route: string) => boolean),
  answer: (route: string, input: unknown) => Result<unknown> | Promise<Result<unknown>>,
): void {
  const owns = typeof handles === 'string' ? (route: string) => route.startsWith(handles) : handles
  const underneath = api.call
  api.call = ((route: string, input: unknown) => {
    if (!owns(route)) return underneath(route as never, input as never)
    calls.push({ route, input })
    return Promise.resolve(answer(route, input))
  }) as ApiClient['call']
}
