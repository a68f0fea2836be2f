import { useEffect, useState } from 'react'
import type { ChainEntry, ModelInfo, ProviderView, Routing } from '../../../../src-shared/contract'
import { useApi } from '../../api/context'

export interface ChainEditorProps {
  chain: ChainEntry[]
  providers: ProviderView[]
  onChange(update: (routing: Routing) => Routing): void
  error?: string | undefined
}

const move = <T,>(list: readonly T[], from: number, to: number): T[] => {
  const next = [...list]
  const [item] = next.splice(from, 1)
  next.splice(to, 0, item!)
  return next
}

/** The fallback chain: tried top to bottom; reorder with the buttons (keyboard) or by dragging. */
export function ChainEditor({ chain, providers, onChange, error }: ChainEditorProps) {
  const api = useApi()
  const [models, setModels] = useState<ModelInfo[]>([])
  const [choice, setChoice] = useState('')
  const [dragged, setDragged] = useState<number | undefined>()
  const nameOf = (id: string): string => providers.find((p) => p.config.id === id)?.config.name ?? id
  useEffect(() => {
    void api.call('providers.models', {}).then((result) => result.ok && setModels(result.value.models))
  }, [api, providers])

  const setChain = (next: ChainEntry[]): void => onChange((routing) => ({ ...routing, chain: next }))
  const label = (entry: ChainEntry): string => `${nameOf(entry.providerId)} · ${entry.model}`
  const available = models.filter((m) => !chain.some((e) => e.providerId === m.providerId && e.model === m.id))

  return (
    <div className="chain-editor">
      <h3 id="chain-title">Fallback chain</h3>
      <p className="hint">Auto tries these top to bottom; a provider whose circuit is open is skipped.</p>
      {chain.length === 0 ? (
        <p className="muted">Empty: Auto uses the first enabled provider’s first model.</p>
      ) : (
        <ol className="chain" aria-labelledby="chain-title">
          {chain.map((entry, i) => (
            <li
              key={`${entry.providerId}/${entry.model}`}
              aria-label={label(entry)}
              draggable
              className={dragged === i ? 'dragging' : undefined}
              onDragStart={() => setDragged(i)}
              onDragOver={(event) => event.preventDefault()}
              onDrop={() => {
                if (dragged !== undefined && dragged !== i) setChain(move(chain, dragged, i))
                setDragged(undefined)
              }}
              onDragEnd={() => setDragged(undefined)}
            >
              <span className="chain-index">{i + 1}</span>
              <span className="chain-label">{label(entry)}</span>
              <label className="switch-row">
                <input type="checkbox" role="switch" checked={entry.enabled} aria-label={`Use ${label(entry)}`} onChange={(event) => setChain(chain.map((e, j) => (j === i ? { ...e, enabled: event.target.checked } : e)))} />
                On
              </label>
              <button type="button" className="icon-button" aria-label={`Move ${label(entry)} up`} disabled={i === 0} onClick={() => setChain(move(chain, i, i - 1))}>↑</button>
              <button type="button" className="icon-button" aria-label={`Move ${label(entry)} down`} disabled={i === chain.length - 1} onClick={() => setChain(move(chain, i, i + 1))}>↓</button>
              <button type="button" className="icon-button" aria-label={`Remove ${label(entry)} from the chain`} onClick={() => setChain(chain.filter((_, j) => j !== i))}>×</button>
            </li>
          ))}
        </ol>
      )}
      <div className="add-provider">
        <label>
          <span className="field-label">Add to the chain</span>
          <select value={choice} onChange={(event) => setChoice(event.target.value)}>
            <option value="">Choose a model…</option>
            {available.map((m) => <option key={`${m.providerId}/${m.id}`} value={`${m.providerId}/${m.id}`}>{nameOf(m.providerId)} · {m.name}</option>)}
          </select>
        </label>
        <button
          type="button"
          className="button secondary"
          disabled={!choice}
          onClick={() => {
            const model = available.find((m) => `${m.providerId}/${m.id}` === choice)
            if (model) setChain([...chain, { providerId: model.providerId, model: model.id, enabled: true }])
            setChoice('')
          }}
        >
          Add to chain
        </button>
      </div>
      {error && <p className="field-error">{error}</p>}
    </div>
  )
}
