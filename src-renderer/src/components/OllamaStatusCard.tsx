import { useCallback, useEffect, useState } from 'react'
import type { OllamaStatus } from '../../../src-shared/contract'
import { useApi } from '../api/context'

/** Live answer to "is Ollama there?", from the core's probe (never starts anything). */
export function OllamaStatusCard() {
  const api = useApi()
  const [status, setStatus] = useState<OllamaStatus | undefined>()
  const [checking, setChecking] = useState(false)
  const [problem, setProblem] = useState<string | undefined>()

  const check = useCallback(async () => {
    setChecking(true)
    const result = await api.call('ollama.status', {})
    setChecking(false)
    if (result.ok) {
      setStatus(result.value)
      setProblem(undefined)
    } else setProblem(result.error.message)
  }, [api])

  useEffect(() => {
    void check()
  }, [check])

  const state = status === undefined ? 'unknown' : status.reachable ? 'ok' : 'fail'
  return (
    <section className={`card status-card status-${state}`} aria-label="Ollama status" aria-busy={checking}>
      <div className="status-line">
        <span className="dot" aria-hidden="true" />
        <h2>
          {state === 'unknown' ? 'Checking Ollama…' : state === 'ok' ? `Ollama ${status?.version} is running` : 'Ollama is not reachable'}
        </h2>
        <button type="button" className="button secondary" onClick={() => void check()} disabled={checking}>
          {checking ? 'Checking…' : 'Check again'}
        </button>
      </div>
      {status && (
        <p className="muted">
          {status.host}
          {status.latencyMs !== undefined && ` · answered in ${status.latencyMs} ms`}
          {status.error && ` · ${status.error}`}
        </p>
      )}
      {state === 'fail' && (
        <p className="hint">Start it with <code>ollama serve</code>, or change the host in Settings. One-click install arrives with the onboarding wizard.</p>
      )}
      {problem && <p className="hint" role="alert">{problem}</p>}
    </section>
  )
}
