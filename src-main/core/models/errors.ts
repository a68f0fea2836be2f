import { AppError, CancelledError, NetworkError, TimeoutError } from '../errors'

/** What the caller was doing, so the message and hint can say what to do next. */
export interface ErrorContext {
  host: string
  action: 'list' | 'show' | 'running' | 'unload' | 'delete' | 'pull' | 'chat'
  name?: string
}

const codeOf = (error: unknown): string | undefined => {
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause
  return typeof cause?.code === 'string' ? cause.code : undefined
}

const notFoundHint = (action: ErrorContext['action']): string =>
  action === 'pull'
    ? 'Check the name and tag on ollama.com/library, for example llama3.2:3b.'
    : 'See the installed names with `ollama-desk models list`, or pull the model first.'

/** Turns whatever ollama-js or fetch threw into an AppError with a message and a hint for the user. */
export function mapOllamaError(error: unknown, context: ErrorContext): AppError {
  if (error instanceof AppError) return error
  const err = error instanceof Error ? error : new Error(String(error))
  if (err.name === 'TimeoutError') {
    return new TimeoutError(`Ollama at ${context.host} did not answer in time.`, { cause: error, hint: 'It may be busy loading a model; try again in a moment.' })
  }
  if (err.name === 'AbortError') return new CancelledError(context.action === 'pull' ? 'The pull was cancelled. Pull again to resume.' : undefined)
  const status = (error as { status_code?: unknown }).status_code
  const message = err.message
  const named = context.name ? `"${context.name}"` : 'The model'
  if (status === 404 && !context.name) {
    return new NetworkError(`${context.host} answered “${message}”: it does not look like Ollama’s API.`, {
      cause: error,
      hint: 'Check the Ollama host in Settings; Ollama 0.1.20 or newer is needed.',
    })
  }
  if (status === 404 || /file does not exist|not found/i.test(message)) {
    return new AppError('E_NOT_FOUND', `${named} was not found${context.action === 'pull' ? ' in the registry' : ' in Ollama'}.`, {
      cause: error,
      hint: notFoundHint(context.action),
    })
  }
  if (status === 400) return new AppError('E_VALIDATION', `Ollama refused the request: ${message}`, { cause: error })
  if (typeof status === 'number') {
    return new NetworkError(`Ollama answered with an error: ${message}`, { cause: error, hint: 'Try again; if it repeats, look at Ollama’s own log.' })
  }
  const code = codeOf(error)
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EHOSTUNREACH' || (message === 'fetch failed' && context.action !== 'pull')) {
    return new NetworkError(`Ollama is not reachable at ${context.host}.`, {
      cause: error,
      hint: 'Start it with `ollama serve` (or the Ollama app), or change the host in Settings.',
    })
  }
  if (context.action === 'pull') {
    return new NetworkError(`The download of ${named} stopped: ${message}.`, {
      cause: error,
      hint: 'Pull again: Ollama keeps what it already downloaded and resumes.',
    })
  }
  return new NetworkError(`Talking to Ollama failed: ${message}.`, { cause: error, hint: 'Check that Ollama is running and try again.' })
}
