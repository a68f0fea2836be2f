import { AppError, CancelledError, NetworkError, TimeoutError, type AppErrorOptions } from '../errors'

/** Provider failures, one class per thing a user (or the fallback chain) would act on differently. */

export class AuthError extends AppError {
  constructor(provider: string, options: AppErrorOptions = {}) {
    super('E_AUTH', `${provider} refused the API key.`, { hint: 'Check the key in Providers & Health; it may be mistyped, revoked or for another account.', ...options })
  }
}

export class RateLimitedError extends AppError {
  readonly retryAfterMs: number | undefined
  constructor(provider: string, retryAfterMs?: number, options: AppErrorOptions = {}) {
    super('E_RATE_LIMITED', `${provider} is rate-limiting requests${retryAfterMs === undefined ? '' : ` (retry in ${Math.ceil(retryAfterMs / 1000)} s)`}.`, {
      retryable: true,
      hint: 'Wait a moment, or add a fallback provider in Providers & Health.',
      ...options,
    })
    this.retryAfterMs = retryAfterMs
  }
  override toShape() {
    return { ...super.toShape(), ...(this.retryAfterMs === undefined ? {} : { retryAfterMs: this.retryAfterMs }) }
  }
}

export class QuotaError extends AppError {
  constructor(provider: string, options: AppErrorOptions = {}) {
    super('E_QUOTA', `${provider} says the account is out of credit or quota.`, { hint: 'Top up or raise the limit in the provider’s billing page, or pick another provider.', ...options })
  }
}

export class ContextTooLongError extends AppError {
  constructor(provider: string, options: AppErrorOptions = {}) {
    super('E_CONTEXT_LENGTH', `The conversation is too long for this model on ${provider}.`, { hint: 'Compact the session, start a new one, or pick a model with a larger context window.', ...options })
  }
}

export class ModelNotFoundError extends AppError {
  constructor(provider: string, model: string, options: AppErrorOptions = {}) {
    super('E_MODEL_NOT_FOUND', `${provider} has no model named "${model}".`, { hint: 'Pick a model from the list, or pull it first (Models screen) for Ollama.', ...options })
  }
}

export class ProviderServerError extends AppError {
  constructor(provider: string, status: number | undefined, options: AppErrorOptions = {}) {
    super('E_PROVIDER_SERVER', `${provider} had a server error${status ? ` (${status})` : ''}.`, { retryable: true, hint: 'This is usually brief; try again in a moment.', ...options })
  }
}

export class ContentFilteredError extends AppError {
  constructor(provider: string, options: AppErrorOptions = {}) {
    super('E_CONTENT_FILTERED', `${provider} declined to answer (content filter).`, { hint: 'Rephrase the request, or use another model.', ...options })
  }
}

export class BadResponseError extends AppError {
  constructor(provider: string, detail: string, options: AppErrorOptions = {}) {
    super('E_BAD_RESPONSE', `${provider} sent a reply Ollama Desk could not read (${detail}).`, { retryable: true, hint: 'Try again; if it repeats, the server may not speak this API.', ...options })
  }
}

export { CancelledError, NetworkError, TimeoutError }
