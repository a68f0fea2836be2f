import { useEffect } from 'react'
import { useApi } from '../api/context'
import { ollamaState, useOllamaStatus } from '../store/ollama-status-store'
import { OllamaFix } from './OllamaFix'

/** Live answer to "is Ollama there?", from the core's probe (never starts anything). */
export function OllamaStatusCard({ onDismiss }: { onDismiss?: () => void } = {}) {
  const api = useApi()
  const { status, checking, problem, check } = useOllamaStatus()

  useEffect(() => {
    void useOllamaStatus.getState().check(api)
  }, [api])

  const state = ollamaState(status)
  return (
    <section className={`card status-card status-${state}`} aria-label="Ollama status" aria-busy={checking}>
      <div className="status-line">
        <span className="dot" aria-hidden="true" />
        <h2>
          {state === 'unknown' ? 'Checking Ollama…' : state === 'ok' ? `Ollama ${status?.version} is running` : 'Ollama is not reachable'}
        </h2>
        <button type="button" className="button secondary" onClick={() => void check(api)} disabled={checking}>
          {checking ? 'Checking…' : 'Check again'}
        </button>
        {onDismiss && <button type="button" className="icon-button" aria-label="Hide the Ollama status" onClick={onDismiss}>×</button>}
      </div>
      {status && (
        <p className="muted">
          {status.host}
          {status.latencyMs !== undefined && ` · answered in ${status.latencyMs} ms`}
          {status.error && ` · ${status.error}`}
        </p>
      )}
      {state === 'fail' && <OllamaFix />}
      {problem && <p className="hint" role="alert">{problem}</p>}
    </section>
  )
}
