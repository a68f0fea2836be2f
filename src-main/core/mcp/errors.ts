import { AppError, CancelledError, TimeoutError } from '../errors'

/** When a server that is down is tried again: attempt number and the wait left (null: under way now). */
export interface McpRetryIn {
  attempt: number
  inMs: number | null
}

/** A status's retry details as the wait left, now being `now`. */
export function retryInFrom(retry: { attempt: number; nextAttemptAt: number | null } | undefined, now: number): McpRetryIn | undefined {
  if (!retry) return undefined
  return { attempt: retry.attempt, inMs: retry.nextAttemptAt === null ? null : Math.max(0, retry.nextAttemptAt - now) }
}

const COMING_BACK = new Set(['connecting', 'restarting', 'reconnecting', 'signing-in'])

/** A call reached a server that is not connected right now (starting, crashed, gone away, signing in, disabled). */
export class McpNotConnectedError extends AppError {
  constructor(server: string, state: string, lastError: string | null, retry?: McpRetryIn) {
    const next = retry ? ` Attempt ${retry.attempt} to ${state === 'reconnecting' ? 'reconnect' : 'restart'} ${retry.inMs === null ? 'is under way' : `starts in ${Math.ceil(retry.inMs / 1000)} s`}.` : ''
    super('E_NETWORK', `The MCP server "${server}" is not connected (${state}${lastError ? `: ${lastError}` : ''}).${next}`, {
      retryable: COMING_BACK.has(state),
      hint: state === 'signing-in' ? 'Finish the sign-in in the browser.' : 'Open Settings → MCP servers to see its log, test it or restart it.',
    })
  }
}

export class McpUnknownServerError extends AppError {
  constructor(server: string) {
    super('E_NOT_FOUND', `There is no MCP server named "${server}".`, { hint: 'Add it in Settings → MCP servers.' })
  }
}

export class McpUnknownToolError extends AppError {
  constructor(qualifiedName: string) {
    super('E_NOT_FOUND', `There is no MCP tool named "${qualifiedName}" among the connected servers.`, {
      hint: 'The server may have removed it, or it is not connected yet.',
    })
  }
}

export class McpToolTimeoutError extends TimeoutError {
  constructor(server: string, what: string, timeoutMs: number) {
    super(`The MCP server "${server}" did not answer ${what} within ${Math.round(timeoutMs / 1000)} s; the request was cancelled.`, {
      hint: 'Raise the server’s timeout in Settings → MCP servers if this tool is slow by nature.',
    })
  }
}

/** The server answered with a JSON-RPC error, or the connection broke mid-request. */
export class McpRequestError extends AppError {
  constructor(server: string, what: string, detail: string, options: { retryable?: boolean; cause?: unknown } = {}) {
    super('E_BAD_RESPONSE', `The MCP server "${server}" failed ${what}: ${detail}`, options)
  }
}

export class McpCancelledError extends CancelledError {
  constructor(server: string, what: string) {
    super(`The request ${what} to the MCP server "${server}" was cancelled.`)
  }
}
