import { useEffect, useState } from 'react'
import type { Machine, ModelDetails, RecommendedModel, RunningModel } from '../../../../src-shared/contract'
import { useApi } from '../../api/context'
import { formatBytes } from '../../lib/format'
import { useAppStore } from '../../store/app-store'

/** Models loaded in memory now, each with Unload. */
export function RunningModels({ models, onChanged }: { models: RunningModel[]; onChanged: () => void }) {
  const api = useApi()
  const unload = async (name: string) => {
    const result = await api.call('models.unload', { name })
    if (result.ok) onChanged()
    else useAppStore.getState().notifyError(result.error)
  }
  return (
    <section className="card" aria-label="Running models">
      <h2>In memory</h2>
      {models.length === 0 ? (
        <p className="muted">No model is loaded. Ollama loads one on the first message and frees it after a few idle minutes.</p>
      ) : (
        <ul className="running">
          {models.map((model) => (
            <li key={model.name}>
              <strong>{model.name}</strong>
              <span className="muted">
                {formatBytes(model.size)}
                {model.size > 0 && ` · ${Math.round((model.sizeVram / model.size) * 100)}% on GPU`}
              </span>
              <button type="button" className="button secondary" onClick={() => void unload(model.name)}>
                Unload
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}

const fitLabel = { good: 'Fits', tight: 'Tight', 'too-big': 'Too big' } as const

/** The curated list, ranked for this machine, with one-click pull. */
export function Recommended({ models, machine, onPull }: { models: RecommendedModel[]; machine: Machine | undefined; onPull: (name: string) => void }) {
  if (models.length === 0) return null
  return (
    <section className="card" aria-label="Recommended models">
      <h2>Recommended for this machine</h2>
      {machine && (
        <p className="hint">
          {formatBytes(machine.totalMemory)} memory{machine.freeDisk !== null && ` · ${formatBytes(machine.freeDisk)} free disk`} · GPU not detected. {machine.note}
        </p>
      )}
      <ul className="recommended">
        {models.map((model) => (
          <li key={model.name} className={`fit-${model.fit}`}>
            <div>
              <strong>{model.title}</strong> <code>{model.name}</code>
              <p className="muted">{model.description}</p>
              <p className="hint">
                <span className="fit">{fitLabel[model.fit]}</span> {formatBytes(model.size)} download · {model.reason}
              </p>
            </div>
            {model.installed ? (
              <span className="muted">Installed</span>
            ) : (
              <button type="button" className={model.fit === 'good' ? 'button' : 'button secondary'} aria-label={`Pull ${model.name}`} onClick={() => onPull(model.name)}>
                Pull
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  )
}

/** A side panel with a model's template, parameters and licence, from /api/show. */
export function DetailsDrawer({ name, onClose }: { name: string; onClose: () => void }) {
  const api = useApi()
  const [details, setDetails] = useState<ModelDetails | undefined>()
  useEffect(() => {
    let live = true
    setDetails(undefined)
    void api.call('models.show', { name }).then((result) => {
      if (!live) return
      if (result.ok) setDetails(result.value)
      else {
        useAppStore.getState().notifyError(result.error)
        onClose()
      }
    })
    return () => {
      live = false
    }
  }, [api, name, onClose])
  return (
    <aside className="drawer card" role="dialog" aria-label={`Details of ${name}`} onKeyDown={(e) => e.key === 'Escape' && onClose()}>
      <div className="status-line">
        <h2>{name}</h2>
        <button type="button" className="button secondary" onClick={onClose} autoFocus>
          Close
        </button>
      </div>
      {!details ? (
        <p className="muted">Loading…</p>
      ) : (
        <>
          <p className="muted">
            {[details.family, details.parameterSize, details.quantization, details.format].filter(Boolean).join(' · ')}
            {details.contextLength ? ` · context ${details.contextLength}` : ''}
          </p>
          {details.capabilities.length > 0 && <p className="hint">Can do: {details.capabilities.join(', ')}</p>}
          <h3>Parameters</h3>
          <pre>{details.parameters.trim() || '(none)'}</pre>
          <h3>Template</h3>
          <pre>{details.template.trim() || '(none)'}</pre>
          {details.system && (
            <>
              <h3>System prompt</h3>
              <pre>{details.system}</pre>
            </>
          )}
          <h3>Licence</h3>
          <pre className="licence">{details.license.trim() || '(none)'}</pre>
        </>
      )}
    </aside>
  )
}
