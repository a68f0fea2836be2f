import { AppError, CancelledError, TimeoutError } from '../errors'

/** A call reached a server that is not connected right now (starting, crashed, disabled). */
export class McpNotConnectedError extends AppError {
  constructor(server: string, state: string, lastError: string | null) {
    super('E_NETWORK', `The MCP server "${server}" is not connected (${state}${lastError ? `: ${lastError}` : ''}).`, {
      retryable: state === 'connecting' || state === 'restarting',
      hint: 'Open Settings → MCP servers to see its log, test it or restart it.',
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
