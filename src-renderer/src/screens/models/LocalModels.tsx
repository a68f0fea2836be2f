import { useState } from 'react'
import type { LocalModel } from '../../../../src-shared/contract'
import { useApi } from '../../api/context'
import { ColumnHeaders } from '../../components/ColumnHeaders'
import { formatBytes, formatWhen } from '../../lib/format'
import { useAppStore } from '../../store/app-store'

/** Installed models, with details and a delete that asks first, inline. */
export function LocalModels({ models, onShow, onChanged }: { models: LocalModel[]; onShow: (name: string) => void; onChanged: () => void }) {
  const api = useApi()
  const [confirming, setConfirming] = useState<string | undefined>()
  const [busy, setBusy] = useState(false)

  const remove = async (name: string) => {
    setBusy(true)
    const result = await api.call('models.delete', { name, confirm: true })
    setBusy(false)
    setConfirming(undefined)
    if (result.ok) onChanged()
    else useAppStore.getState().notifyError(result.error)
  }

  if (models.length === 0) {
    return (
      <section className="card" aria-label="Installed models">
        <h2>No models yet</h2>
        <p className="muted">Pull one by name above, or pick a recommended model below: it downloads once and runs offline.</p>
      </section>
    )
  }
  return (
    <section className="card" aria-label="Installed models">
      <h2>Installed ({models.length})</h2>
      <table className="models-table">
        <ColumnHeaders columns={['Name', 'Size', 'Family', 'Parameters', 'Quantisation', 'Modified', <span className="visually-hidden">Actions</span>]} />
        <tbody>
          {models.map((model) => (
            <tr key={model.name}>
              <th scope="row">
                <button type="button" className="link-button" onClick={() => onShow(model.name)}>
                  {model.name}
                </button>
              </th>
              <td>{formatBytes(model.size)}</td>
              <td>{model.family || '—'}</td>
              <td>{model.parameterSize || '—'}</td>
              <td>{model.quantization || '—'}</td>
              <td>{model.modifiedAt ? formatWhen(model.modifiedAt) : '—'}</td>
              <td className="row-actions">
                {confirming === model.name ? (
                  <span role="group" aria-label={`Confirm deleting ${model.name}`}>
                    <span className="confirm-text">Delete its files?</span>
                    <button type="button" className="button danger" disabled={busy} onClick={() => void remove(model.name)}>
                      Delete
                    </button>
                    <button type="button" className="button secondary" onClick={() => setConfirming(undefined)}>
                      Keep
                    </button>
                  </span>
                ) : (
                  <button type="button" className="button secondary" aria-label={`Delete ${model.name}`} onClick={() => setConfirming(model.name)}>
                    Delete
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  )
}
