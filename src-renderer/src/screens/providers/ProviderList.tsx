import { useState } from 'react'
import type { PresetInfo, ProviderView, RouteOutput } from '../../../../src-shared/contract'
import { useApi } from '../../api/context'
import { ProviderLogo } from '../../components/ProviderLogo'
import { ProviderForm } from './ProviderForm'

type TestResult = RouteOutput<'providers.test'>

function TestOutcome({ result }: { result: TestResult }) {
  if (result.ok) {
    return (
      <p className="test-result ok" role="status">
        Connected{result.latencyMs !== null ? ` in ${result.latencyMs} ms` : ''} · {result.models} {result.models === 1 ? 'model' : 'models'} · {result.understoodUrl}
      </p>
    )
  }
  return (
    <div className="test-result fail" role="alert">
      <strong>{result.error?.message ?? 'The provider did not answer.'}</strong>
      {result.error?.hint && <p className="hint">{result.error.hint}</p>}
      <p className="hint">Tried {result.understoodUrl}</p>
    </div>
  )
}

function ProviderRow({ view, takenIds }: { view: ProviderView; takenIds: string[] }) {
  const api = useApi()
  const [editing, setEditing] = useState(false)
  const [confirming, setConfirming] = useState(false)
  const [testing, setTesting] = useState(false)
  const [result, setResult] = useState<TestResult | undefined>()
  const { config, key } = view

  const test = async (): Promise<void> => {
    setTesting(true)
    const answer = await api.call('providers.test', { id: config.id })
    setTesting(false)
    setResult(answer.ok ? answer.value : { ok: false, latencyMs: null, models: 0, understoodUrl: config.baseUrl ?? '', error: answer.error })
  }

  return (
    <li className="provider-row" aria-label={config.name}>
      <div className="provider-line">
        <ProviderLogo kind={config.kind} preset={config.preset} name={config.name} size={20} />
        <strong>{config.name}</strong>
        <span className="muted">{config.kind}{config.preset ? ` · ${config.preset}` : ''}{config.baseUrl ? ` · ${config.baseUrl}` : ''}</span>
        {!config.enabled && <span className="row-flag">Off</span>}
        {key && <span className={`key-chip${key.set ? '' : ' missing'}`}>{key.set ? `Key set${key.last4 ? ` · …${key.last4}` : ''}` : 'No key'}</span>}
        <span className="row-buttons">
          <button type="button" className="button secondary" onClick={() => void test()} disabled={testing}>{testing ? 'Testing…' : 'Test connection'}</button>
          <button type="button" className="button secondary" onClick={() => setEditing((e) => !e)} aria-expanded={editing}>Edit</button>
          {confirming ? (
            <>
              <span className="confirm-text">Remove {config.name} and its key?</span>
              <button type="button" className="button danger" onClick={() => void api.call('providers.remove', { id: config.id })}>Remove</button>
              <button type="button" className="button secondary" onClick={() => setConfirming(false)}>Keep</button>
            </>
          ) : (
            <button type="button" className="button secondary" onClick={() => setConfirming(true)}>Remove…</button>
          )}
        </span>
      </div>
      {result && <TestOutcome result={result} />}
      {editing && <ProviderForm existing={view} takenIds={takenIds} onDone={() => setEditing(false)} />}
    </li>
  )
}

const presetKey = (preset: PresetInfo): string => `${preset.kind}:${preset.preset ?? ''}`

/** Every configured provider, and adding one from a preset. */
export function ProviderList({ providers, presets }: { providers: ProviderView[]; presets: PresetInfo[] }) {
  const [adding, setAdding] = useState<PresetInfo | undefined>()
  const [choice, setChoice] = useState('')
  const takenIds = providers.map((p) => p.config.id)
  return (
    <section className="card" aria-labelledby="providers-title">
      <h2 id="providers-title">Providers</h2>
      {providers.length === 0 ? (
        <p className="muted">No provider yet. Add Ollama for free local models, or a cloud provider with your key.</p>
      ) : (
        <ul className="provider-rows">
          {providers.map((view) => <ProviderRow key={view.config.id} view={view} takenIds={takenIds} />)}
        </ul>
      )}
      {adding ? (
        <ProviderForm key={presetKey(adding)} preset={adding} takenIds={takenIds} onDone={() => setAdding(undefined)} />
      ) : (
        <div className="add-provider">
          <label>
            <span className="field-label">Add a provider</span>
            <select value={choice} onChange={(event) => setChoice(event.target.value)}>
              <option value="">Choose…</option>
              {presets.map((preset) => <option key={presetKey(preset)} value={presetKey(preset)}>{preset.name}</option>)}
            </select>
          </label>
          <button type="button" className="button" disabled={!choice} onClick={() => setAdding(presets.find((p) => presetKey(p) === choice))}>Add provider</button>
        </div>
      )}
    </section>
  )
}
