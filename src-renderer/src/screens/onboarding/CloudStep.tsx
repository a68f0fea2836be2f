import { useCallback, useEffect, useState, type FormEvent } from 'react'
import type { ErrorShape, PresetInfo, ProviderConfigInput, ProviderView, RouteOutput } from '../../../../src-shared/contract'
import { useApi } from '../../api/context'
import { plural } from '../../lib/format'
import { Problem } from './parts'
import type { StepStatus } from '../../store/onboarding-store'

type TestResult = RouteOutput<'providers.test'>

/** One provider added (or re-keyed) in this step, and what its connection test said. */
interface Added {
  view: ProviderView
  test?: TestResult
  testing: boolean
}

/** OpenAI-compatible presets are told apart by their preset name; the others by their kind. */
export const presetId = (preset: PresetInfo): string => (preset.kind === 'openai-compatible' ? (preset.preset ?? 'custom') : preset.kind)

/** A new provider straight from its preset; the core fills in the rest (timeout) with its defaults. */
export function configFromPreset(preset: PresetInfo): ProviderConfigInput {
  return {
    id: presetId(preset),
    kind: preset.kind,
    ...(preset.preset ? { preset: preset.preset } : {}),
    name: preset.name,
    baseUrl: preset.baseUrl,
    enabled: true,
    proxy: { mode: 'auto' },
  }
}

const testFailure = (test: TestResult): ErrorShape =>
  test.error ?? { code: 'E_NETWORK', message: `Could not reach ${test.understoodUrl}.`, retryable: true }

/** Optional: connect hosted providers that take an API key; everything else lives in Providers & Health. */
export function CloudStep({ onStatus }: { onStatus(status: StepStatus): void }) {
  const api = useApi()
  const [presets, setPresets] = useState<PresetInfo[] | undefined>()
  const [existing, setExisting] = useState<ProviderView[]>([])
  const [problem, setProblem] = useState<ErrorShape | undefined>()
  const [chosen, setChosen] = useState<string | undefined>()
  const [key, setKey] = useState('')
  const [replacing, setReplacing] = useState(false)
  const [saving, setSaving] = useState(false)
  const [saveError, setSaveError] = useState<ErrorShape | undefined>()
  const [added, setAdded] = useState<Record<string, Added>>({})

  const load = useCallback(async () => {
    setProblem(undefined)
    const result = await api.call('providers.list', {})
    if (!result.ok) return setProblem(result.error)
    const keyed = result.value.presets.filter((p) => p.needsKey)
    setPresets(keyed)
    setExisting(result.value.providers)
    setChosen((current) => current ?? (keyed[0] && presetId(keyed[0])))
  }, [api])
  useEffect(() => void load(), [load])

  const anyAdded = Object.keys(added).length > 0
  useEffect(() => onStatus(anyAdded ? 'ready' : problem ? 'failed' : 'waiting'), [anyAdded, problem, onStatus])

  const test = async (view: ProviderView): Promise<void> => {
    const id = view.config.id
    setAdded((all) => ({ ...all, [id]: { view, testing: true } }))
    const result = await api.call('providers.test', { id })
    const outcome: TestResult = result.ok ? result.value : { ok: false, latencyMs: null, models: 0, understoodUrl: view.config.baseUrl ?? '', error: result.error }
    setAdded((all) => ({ ...all, [id]: { view, testing: false, test: outcome } }))
  }

  const preset = presets?.find((p) => presetId(p) === chosen)
  const saved = chosen ? (added[chosen]?.view ?? existing.find((p) => p.config.id === chosen)) : undefined
  const keySaved = saved?.key?.set === true && !replacing

  const choose = (id: string): void => {
    setChosen(id)
    // A key pasted for one provider must never go to another.
    setKey('')
    setReplacing(false)
    setSaveError(undefined)
  }

  const editKey = (): void => {
    setSaveError(undefined)
    document.getElementById('cloud-key')?.focus()
  }

  const save = async (event?: FormEvent): Promise<void> => {
    event?.preventDefault()
    if (!preset || !key.trim()) return
    // Re-keying a provider set up earlier keeps its settings (address, proxy); a new one starts from the preset.
    const before = existing.find((p) => p.config.id === presetId(preset) && p.config.kind === preset.kind)
    setSaving(true)
    setSaveError(undefined)
    const result = await api.call('providers.save', { config: before?.config ?? configFromPreset(preset), key: key.trim() })
    setSaving(false)
    if (!result.ok) return setSaveError(result.error)
    setKey('')
    setReplacing(false)
    await test(result.value.provider)
  }

  if (problem) return <Problem error={problem} onRetry={() => void load()} />
  if (!presets) return <p className="muted" role="status">Loading providers…</p>
  const entries = Object.values(added)
  return (
    <div className="onboarding-body">
      <p>Optional: connect a hosted model provider with your API key. You can add several, one after another, or skip this step.</p>
      <p className="muted">Keys are kept in your system’s keychain and never shown again. More providers (llama.cpp, vLLM, LM Studio, exo, GGUF files) are in Providers & Health.</p>
      <fieldset className="onboarding-choices" disabled={saving}>
        <legend>Cloud provider</legend>
        {presets.map((p) => {
          const id = presetId(p)
          const view = added[id]?.view ?? existing.find((e) => e.config.id === id)
          return (
            <label key={id} className={chosen === id ? 'selected' : undefined}>
              <input type="radio" name="cloud-provider" value={id} checked={chosen === id} onChange={() => choose(id)} />
              <span>
                <strong>{p.name}</strong> {view?.key?.set && <span className="onboarding-tag">key saved</span>}
              </span>
            </label>
          )
        })}
      </fieldset>
      {preset && (
        <form className="pull-form" aria-label={`Connect ${preset.name}`} onSubmit={(event) => void save(event)}>
          {keySaved ? (
            <>
              <span className="key-status" role="status">Key saved{saved?.key?.last4 ? ` · …${saved.key.last4}` : ''}</span>
              <button type="button" className="link-button" onClick={() => setReplacing(true)}>Replace the key</button>
            </>
          ) : (
            <>
              <label htmlFor="cloud-key">{preset.name} API key</label>
              <input id="cloud-key" type="password" autoComplete="off" spellCheck={false} value={key} placeholder="Paste the key" onChange={(e) => setKey(e.target.value)} disabled={saving} />
              <button type="submit" className="button" disabled={!key.trim() || saving}>{saving ? 'Saving…' : 'Save and test'}</button>
            </>
          )}
        </form>
      )}
      {saveError && <Problem error={saveError} onRetry={editKey} retryLabel="Edit the key" />}
      {entries.length > 0 && (
        <ul className="onboarding-added" aria-label="Providers added">
          {entries.map(({ view, test: result, testing }) => (
            <li key={view.config.id}>
              <strong>{view.config.name}</strong> <span className="key-status">Key saved{view.key?.last4 ? ` · …${view.key.last4}` : ''}</span>
              {testing ? (
                <p className="muted" role="status">Testing the connection…</p>
              ) : result?.ok ? (
                <p className="onboarding-ok" role="status"><span aria-hidden="true">✓</span> Connected · {plural(result.models, 'model')}</p>
              ) : result ? (
                <Problem error={testFailure(result)} onRetry={() => void test(view)} retryLabel="Test again" />
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </div>
  )
}
