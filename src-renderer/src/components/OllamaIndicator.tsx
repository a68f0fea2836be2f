import { useEffect, useId, useRef, useState } from 'react'
import { useApi } from '../api/context'
import { navigateTo } from '../lib/navigation'
import { ollamaState, useOllamaStatus } from '../store/ollama-status-store'

const label = { unknown: 'Checking Ollama…', ok: 'Ollama running', fail: 'Ollama not reachable' } as const

/** Ollama's health as a dot in the sidebar; a click shows version, address and latency, and checks again. */
export function OllamaIndicator() {
  const api = useApi()
  const { status, checking, problem, check } = useOllamaStatus()
  const [open, setOpen] = useState(false)
  const popId = useId()
  const root = useRef<HTMLDivElement>(null)
  useEffect(() => {
    void useOllamaStatus.getState().check(api)
  }, [api])
  useEffect(() => {
    if (!open) return
    const away = (event: MouseEvent): void => {
      if (!root.current?.contains(event.target as Node)) setOpen(false)
    }
    document.addEventListener('mousedown', away)
    return () => document.removeEventListener('mousedown', away)
  }, [open])
  const state = ollamaState(status)
  return (
    <div
      ref={root}
      className={`ollama-indicator status-${state}`}
      onKeyDown={(event) => {
        if (event.key !== 'Escape' || !open) return
        event.stopPropagation()
        event.preventDefault()
        setOpen(false)
      }}
    >
      {/* Its name starts with what it shows (WCAG "label in name"), then says the state. */}
      <button type="button" className="ollama-dot-button" aria-expanded={open} aria-controls={popId} aria-label={state === 'ok' ? `Ollama ${status?.version ?? ''}: running` : label[state]} onClick={() => setOpen(!open)}>
        <span className="dot" aria-hidden="true" />
        <span className="ollama-dot-label">{state === 'ok' ? `Ollama ${status?.version ?? ''}` : label[state]}</span>
      </button>
      {open && (
        <div id={popId} className="ollama-pop" role="dialog" aria-label="Ollama status">
          <p className="ollama-pop-title"><strong>{label[state]}</strong>{status?.version && <span className="muted"> · {status.version}</span>}</p>
          {status && (
            <dl className="ollama-pop-facts">
              <dt>Address</dt>
              <dd>{status.host}</dd>
              {status.latencyMs !== undefined && (
                <>
                  <dt>Answered in</dt>
                  <dd>{status.latencyMs} ms</dd>
                </>
              )}
              {status.error && (
                <>
                  <dt>Problem</dt>
                  <dd>{status.error}</dd>
                </>
              )}
            </dl>
          )}
          {state === 'fail' && <p className="hint">Start it with <code>ollama serve</code>, or change the host in Settings.</p>}
          {problem && <p className="hint" role="alert">{problem}</p>}
          <div className="ollama-pop-actions">
            <button type="button" className="button secondary" disabled={checking} onClick={() => void check(api)}>{checking ? 'Checking…' : 'Check again'}</button>
            <button type="button" className="link-button" onClick={() => { setOpen(false); navigateTo('models') }}>Models</button>
          </div>
        </div>
      )}
    </div>
  )
}
