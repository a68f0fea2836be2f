import type { ErrorClass } from '../../../src-shared/contract'
import type { AppError } from './app-error'

/**
 * The class of an error as the fallback chain sees it; null for errors that never fall back (cancel,
 * internal). It reads only error codes, so it lives here: telemetry and resilience use it without
 * importing providers.
 */
export function errorClassOf(error: AppError): ErrorClass | null {
  switch (error.code) {
    case 'E_AUTH':
      return 'auth'
    case 'E_RATE_LIMITED':
      return 'rate-limited'
    case 'E_QUOTA':
      return 'quota'
    case 'E_CONTEXT_LENGTH':
      return 'context-length'
    case 'E_MODEL_NOT_FOUND':
      return 'model-not-found'
    case 'E_NETWORK':
      return 'network'
    case 'E_TIMEOUT':
      return 'timeout'
    case 'E_PROVIDER_SERVER':
      return 'server'
    case 'E_CONTENT_FILTERED':
      return 'content-filtered'
    case 'E_BAD_RESPONSE':
      return 'bad-response'
    default:
      return null
  }
}
