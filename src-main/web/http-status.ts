import type { ErrorCode } from '../../src-shared/contract'

/**
 * The HTTP status of each typed error says whose move it is. 4xx: the request, or something it
 * names (a path, a provider, a model, a URL), has to change or answer. 5xx: the companion or the
 * machine under it failed (a bug, an I/O fault, its own disk full), so a 5xx always means this
 * server needs looking at. An outside service that fails (a provider down, a key refused, a
 * collector not listening) is 424 Failed Dependency: a provider's 401 must not read as "your
 * companion token is wrong". A Record, so a new code cannot ship without a status.
 */
const statusFor: Record<ErrorCode, number> = {
  E_VALIDATION: 400,
  E_UNAUTHORIZED: 401,
  E_BUDGET: 402,
  E_FORBIDDEN: 403,
  E_BLOCKED: 403,
  E_NOT_FOUND: 404,
  E_UNKNOWN_ROUTE: 404,
  E_MODEL_NOT_FOUND: 404,
  E_CONFIG: 409,
  E_NO_PROVIDER: 409,
  E_PAYLOAD_TOO_LARGE: 413,
  // Understood, but not something this build, this machine or this input can do.
  E_UNSUPPORTED: 422,
  E_CONTEXT_LENGTH: 422,
  E_CONTENT_FILTERED: 422,
  // The file the user picked is not a speech model: their choice to redo, not the server failing.
  E_VOICE_MODEL_INVALID: 422,
  E_NETWORK: 424,
  E_TIMEOUT: 424,
  E_AUTH: 424,
  E_QUOTA: 424,
  E_PROVIDER_SERVER: 424,
  E_BAD_RESPONSE: 424,
  E_RATE_LIMITED: 429,
  E_CANCELLED: 499,
  E_INTERNAL: 500,
  E_IO: 500,
  E_DISK_FULL: 507,
}

/** The status a failed call answers with. */
export const httpStatusFor = (code: ErrorCode): number => statusFor[code]
