import type { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js'
import type { SseError } from '@modelcontextprotocol/sdk/client/sse.js'
import type { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import type { McpError } from '@modelcontextprotocol/sdk/types.js'

/**
 * The MCP SDK's runtime parts, imported on first use: when the first server connects, not at
 * start-up (the SDK with ajv and zod-to-json-schema is about 130 module files, 150-250 ms on a busy
 * machine). Everything else here only names its types.
 */
async function importSdk() {
  const [index, auth, sse, streamable, types, stdio] = await Promise.all([
    import('@modelcontextprotocol/sdk/client/index.js'),
    import('@modelcontextprotocol/sdk/client/auth.js'),
    import('@modelcontextprotocol/sdk/client/sse.js'),
    import('@modelcontextprotocol/sdk/client/streamableHttp.js'),
    import('@modelcontextprotocol/sdk/types.js'),
    import('@modelcontextprotocol/sdk/shared/stdio.js'),
  ])
  return {
    Client: index.Client,
    UnauthorizedError: auth.UnauthorizedError,
    SSEClientTransport: sse.SSEClientTransport,
    SseError: sse.SseError,
    StreamableHTTPClientTransport: streamable.StreamableHTTPClientTransport,
    StreamableHTTPError: streamable.StreamableHTTPError,
    McpError: types.McpError,
    ErrorCode: types.ErrorCode,
    ToolListChangedNotificationSchema: types.ToolListChangedNotificationSchema,
    ResourceListChangedNotificationSchema: types.ResourceListChangedNotificationSchema,
    PromptListChangedNotificationSchema: types.PromptListChangedNotificationSchema,
    ReadBuffer: stdio.ReadBuffer,
    serializeMessage: stdio.serializeMessage,
  }
}

export type McpSdk = Awaited<ReturnType<typeof importSdk>>

let loaded: McpSdk | undefined
let loading: Promise<McpSdk> | undefined

/** The SDK, imported once (a failed import is tried again next time). */
export function loadMcpSdk(): Promise<McpSdk> {
  if (loaded) return Promise.resolve(loaded)
  loading ??= importSdk().then(
    (sdk) => (loaded = sdk),
    (error: unknown) => {
      loading = undefined
      throw error
    },
  )
  return loading
}

/**
 * The SDK once it is loaded; before that nothing can have thrown one of its errors, so the
 * predicates below answer false without loading it.
 */
export const loadedMcpSdk = (): McpSdk | undefined => loaded

export const isMcpError = (error: unknown): error is McpError => loaded !== undefined && error instanceof loaded.McpError
export const isUnauthorizedError = (error: unknown): error is UnauthorizedError => loaded !== undefined && error instanceof loaded.UnauthorizedError
export const isStreamableHttpError = (error: unknown): error is StreamableHTTPError => loaded !== undefined && error instanceof loaded.StreamableHTTPError
export const isSseError = (error: unknown): error is SseError => loaded !== undefined && error instanceof loaded.SseError

/** The SDK's "connection closed" (-32000) and "request timed out" (-32001). */
export const isMcpClosed = (error: unknown): boolean => isMcpError(error) && error.code === loaded!.ErrorCode.ConnectionClosed
export const isMcpTimeout = (error: unknown): boolean => isMcpError(error) && error.code === loaded!.ErrorCode.RequestTimeout
