/**
 * The one shape every fake provider server in test/support/fakes has, so the conformance suite
 * and the fault matrix run the same cases against each wire protocol. Servers listen on
 * 127.0.0.1 with port 0 and speak the real protocol, so the real SDKs run unmodified.
 */

/** What the next reply should be. Text arrives in these chunks, in order. */
export interface ScriptedReply {
  text: string[]
  reasoning?: string[]
  toolCall?: { id: string; name: string; arguments: Record<string, unknown> }
  usage?: { inputTokens: number; outputTokens: number; cachedTokens?: number }
  /** Delay between chunks, ms (0 = as fast as possible). */
  chunkDelayMs?: number
}

export type Fault =
  | { kind: 'none' }
  | { kind: 'status'; status: 500 | 401 | 403 | 404 | 400; message?: string }
  | { kind: 'rate-limit'; retryAfterSeconds: number }
  /** Accepts the request and never answers. */
  | { kind: 'hang' }
  /** Sends `afterChunks` text chunks, then destroys the socket. */
  | { kind: 'disconnect'; afterChunks: number }
  /** Sends `afterChunks` good chunks, then one that is not valid for the protocol. */
  | { kind: 'malformed'; afterChunks: number }

export interface RecordedRequest {
  method: string
  path: string
  headers: Record<string, string | string[] | undefined>
  body: unknown
}

export interface FakeProviderServer {
  /** Base URL as the provider config wants it (e.g. http://127.0.0.1:PORT or …/v1). */
  readonly url: string
  /** The model names the fake lists and answers for; any other name gets the protocol's 404. */
  readonly models: string[]
  /** Replies served in order; the last one repeats. */
  script(...replies: ScriptedReply[]): void
  /** Applies to the next `times` chat requests (default: until changed). Listing and probes are unaffected unless `everything`. */
  fault(fault: Fault, options?: { times?: number; everything?: boolean }): void
  readonly requests: RecordedRequest[]
  /** Chat requests whose connection the client closed before the reply ended (proves cancel reached the server). */
  readonly aborted: number
  close(): Promise<void>
}
