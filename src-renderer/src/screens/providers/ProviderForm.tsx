import { useState, type FormEvent, type ReactNode } from 'react'
import type { ErrorShape, PresetInfo, ProviderConfig, ProviderView } from '../../../../src-shared/contract'
import { useApi } from '../../api/context'
import { KeyField } from './KeyField'
import { issuesByPath } from './use-providers-data'

export interface ProviderFormProps {
  /** Editing an existing provider, or adding from a preset. */
  existing?: ProviderView
  preset?: PresetInfo
  takenIds: readonly string[]
  onDone(): void
}

const slug = (name: string): string => name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 36) || 'provider'

function uniqueId(name: string, taken: readonly string[]): string {
  const base = slug(name)
  let id = base
  for (let n = 2; taken.includes(id); n++) id = `${base}-${n}`
  return id
}

function Field({ label, error, children, note }: { label: string; error?: string | undefined; note?: string | undefined; children: ReactNode }) {
  return (
    <label className="pfield">
      <span className="field-label">{label}</span>
      {children}
      {note && <span className="hint">{note}</span>}
      {error && <span className="field-error">{error}</span>}
    </label>
  )
}

const initialConfig = (existing: ProviderView | undefined, preset: PresetInfo | undefined, taken: readonly string[]): ProviderConfig =>
  existing?.config ?? {
    id: uniqueId(preset?.name ?? 'provider', taken),
    kind: preset?.kind ?? 'openai-compatible',
    name: preset?.name ?? '',
    enabled: true,
    baseUrl: preset?.baseUrl || undefined,
    ...(preset?.preset ? { preset: preset.preset } : {}),
    proxy: { mode: 'auto' },
    timeoutMs: 120_000,
  }

/** Add or edit one provider: where it is, its key, how to reach it. Keys go out, never come back. */
export function ProviderForm({ existing, preset, takenIds, onDone }: ProviderFormProps) {
  const api = useApi()
  const [config, setConfig] = useState<ProviderConfig>(() => initialConfig(existing, preset, takenIds))
  const [key, setKey] = useState('')
  const [keyStatus, setKeyStatus] = useState(existing?.key)
  const [urlNote, setUrlNote] = useState<string | undefined>()
  const [error, setError] = useState<ErrorShape | undefined>()
  const [saving, setSaving] = useState(false)
  const needsKey = existing ? existing.key !== null : (preset?.needsKey ?? false)
  const issues = issuesByPath(error)
  const set = (change: Partial<ProviderConfig>): void => setConfig((c) => ({ ...c, ...change }))

  const normalize = async (): Promise<void> => {
    const url = config.baseUrl?.trim()
    if (!url) return setUrlNote(undefined)
    const result = await api.call('providers.normalizeUrl', { kind: config.kind, url })
    if (!result.ok) return setUrlNote(result.error.message)
    set({ baseUrl: result.value.url })
    setUrlNote(result.value.note || undefined)
  }

  const save = async (event: FormEvent): Promise<void> => {
    event.preventDefault()
    setSaving(true)
    const result = await api.call('providers.save', { config, ...(key.trim() ? { key: key.trim() } : {}) })
    setSaving(false)
    if (!result.ok) return setError(result.error)
    setKey('')
    onDone()
  }

  const clearKey = async (): Promise<void> => {
    const result = await api.call('providers.setKey', { id: config.id, key: null })
    if (result.ok) setKeyStatus(result.value.key)
    else setError(result.error)
  }

  const proxy = config.proxy
  return (
    <form className="provider-form" aria-label={existing ? `Edit ${existing.config.name}` : `Add ${preset?.name ?? 'provider'}`} onSubmit={(event) => void save(event)} noValidate>
      {/* How to start the server this preset talks to (exo, a llama.cpp RPC cluster…). */}
      {preset?.note && <p className="hint preset-note">{preset.note}</p>}
      <div className="form-grid">
        <Field label="Name" error={issues['config.name']}>
          <input value={config.name} onChange={(event) => set({ name: event.target.value })} required />
        </Field>
        {config.kind !== 'gguf' && (
          <Field label="Base URL" error={issues['config.baseUrl']} note={urlNote}>
            <input value={config.baseUrl ?? ''} placeholder={preset?.baseUrl} spellCheck={false} onChange={(event) => set({ baseUrl: event.target.value || undefined })} onBlur={() => void normalize()} />
          </Field>
        )}
        {needsKey && <KeyField status={keyStatus} value={key} onChange={setKey} onClear={existing ? () => void clearKey() : undefined} error={issues.key} />}
        {config.kind === 'gguf' && (
          <Field label="GGUF model file" error={issues['config.modelPath']}>
            <input value={config.modelPath ?? ''} placeholder="/models/llama-3.2-3b.Q4_K_M.gguf" spellCheck={false} onChange={(event) => set({ modelPath: event.target.value || undefined })} />
          </Field>
        )}
        {config.kind === 'openai' && (
          <Field label="OpenAI API">
            <select value={config.api ?? 'auto'} onChange={(event) => set({ api: event.target.value as ProviderConfig['api'] })}>
              <option value="auto">Auto (Responses API where a model needs it)</option>
              <option value="chat">Chat Completions</option>
              <option value="responses">Responses</option>
            </select>
          </Field>
        )}
        {config.kind === 'ollama' && (
          <Field label="More Ollama servers (one URL a line)" error={issues['config.hosts']}>
            <textarea rows={2} value={(config.hosts ?? []).join('\n')} spellCheck={false} onChange={(event) => set({ hosts: event.target.value.split('\n').map((h) => h.trim()).filter(Boolean) })} />
          </Field>
        )}
        <Field label="Proxy" error={issues['config.proxy']}>
          <select value={proxy.mode} onChange={(event) => set({ proxy: { ...proxy, mode: event.target.value as ProviderConfig['proxy']['mode'] } })}>
            <option value="auto">Auto (system proxy; local addresses direct)</option>
            <option value="none">None (always direct)</option>
            <option value="custom">Custom</option>
          </select>
        </Field>
        {proxy.mode === 'custom' && (
          <Field label="Proxy URL" error={issues['config.proxy.url']}>
            <input value={proxy.url ?? ''} placeholder="http://proxy.example:3128" spellCheck={false} onChange={(event) => set({ proxy: { mode: 'custom', url: event.target.value } })} />
          </Field>
        )}
        <Field label="Timeout before the first byte (seconds)" error={issues['config.timeoutMs']}>
          <input type="number" min={1} max={600} value={Math.round(config.timeoutMs / 1000)} onChange={(event) => set({ timeoutMs: Math.round(Number(event.target.value) * 1000) })} />
        </Field>
        <label className="switch-row">
          <input type="checkbox" role="switch" checked={config.enabled} onChange={(event) => set({ enabled: event.target.checked })} />
          Enabled
        </label>
      </div>
      {error && (
        <div role="alert" className="form-problem">
          <strong>{error.message}</strong>
          {error.hint && <p className="hint">{error.hint}</p>}
        </div>
      )}
      <div className="form-actions">
        <button type="submit" className="button" disabled={saving}>{saving ? 'Saving…' : 'Save'}</button>
        <button type="button" className="button secondary" onClick={onDone}>Cancel</button>
      </div>
    </form>
  )
}
