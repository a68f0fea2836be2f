import { useEffect, useState } from 'react'
import type { ChatParamName, ChatParams, ChatSettings, ParamSupport } from '../../../../src-shared/contract'
import { useApi } from '../../api/context'
import { useChatPrefs } from './chat-prefs'
import '../../chat-settings.css'

type NumberParam = Exclude<ChatParamName, 'stop' | 'reasoningEffort'>
const NUMBER_FIELDS: { name: NumberParam; label: string; step: string; min: number; max: number }[] = [
  { name: 'temperature', label: 'Temperature', step: '0.05', min: 0, max: 2 },
  { name: 'topP', label: 'Top P', step: '0.05', min: 0, max: 1 },
  { name: 'topK', label: 'Top K', step: '1', min: 1, max: 1000 },
  { name: 'maxTokens', label: 'Max output tokens', step: '1', min: 1, max: 1_000_000 },
  { name: 'contextLength', label: 'Context length (num_ctx)', step: '256', min: 256, max: 2_097_152 },
  { name: 'seed', label: 'Seed', step: '1', min: 0, max: 2_147_483_647 },
]

const SUPPORT_TEXT: Record<ParamSupport['support'], string> = { yes: 'sent', maybe: 'may be ignored', no: 'not supported' }

function SupportBadge({ support }: { support: ParamSupport | undefined }) {
  if (!support) return null
  return (
    <span className={`param-support support-${support.support}`} title={[support.field ? `Sent as ${support.field}` : null, support.note].filter(Boolean).join(' · ')}>
      {SUPPORT_TEXT[support.support]}
    </span>
  )
}

/** The chat's own model, system prompt and parameters, saved with the chat in the core. */
export function ChatSettingsButton({ sessionId }: { sessionId: string }) {
  const [open, setOpen] = useState(false)
  return (
    <>
      <button type="button" className="button secondary chat-settings-button" aria-expanded={open} onClick={() => setOpen((value) => !value)}>
        Chat settings
      </button>
      {open && <ChatSettingsPanel sessionId={sessionId} onClose={() => setOpen(false)} />}
    </>
  )
}

function useParamSupport(): Record<string, ParamSupport> | undefined {
  const api = useApi()
  const target = useChatPrefs((state) => state.target)
  const [table, setTable] = useState<Record<string, ParamSupport>>()
  const providerId = 'providerId' in target ? target.providerId : undefined
  const model = 'providerId' in target ? target.model : undefined
  useEffect(() => {
    if (!providerId) return setTable(undefined)
    let live = true
    void api.call('chat.parameters', { providerId, ...(model ? { model } : {}) }).then((result) => live && setTable(result.ok ? result.value.params : undefined))
    return () => {
      live = false
    }
  }, [api, providerId, model])
  return table
}

const toNumber = (raw: string): number | undefined => (raw.trim() === '' ? undefined : Number(raw))

export function ChatSettingsPanel({ sessionId, onClose }: { sessionId: string; onClose(): void }) {
  const api = useApi()
  const support = useParamSupport()
  const [settings, setSettings] = useState<ChatSettings | undefined>()
  const [note, setNote] = useState<string | null>(null)
  useEffect(() => {
    void api.call('chat.settings.get', { sessionId }).then((result) => {
      if (!result.ok) return setNote(result.error.message)
      setSettings(result.value.settings)
      setNote(result.value.notice)
    })
  }, [api, sessionId])
  if (!settings) return null
  const setParam = (name: ChatParamName, value: ChatParams[ChatParamName]): void => {
    const params: ChatParams = { ...settings.params, [name]: value }
    if (value === undefined) delete params[name]
    setSettings({ ...settings, params })
  }
  const save = async (): Promise<void> => {
    const target = useChatPrefs.getState().target
    const next: ChatSettings = { ...settings, ...('providerId' in target ? { target } : {}) }
    const result = await api.call('chat.settings.set', { sessionId, settings: next })
    setNote(result.ok ? 'Saved. The next message uses these settings.' : result.error.message)
    if (result.ok) setSettings(result.value.settings)
  }
  return (
    <div className="chat-settings-panel card" role="dialog" aria-label="Chat settings" onKeyDown={(event) => event.key === 'Escape' && onClose()}>
      <header className="chat-settings-head">
        <h3>Chat settings</h3>
        <button type="button" className="ghost" aria-label="Close chat settings" onClick={onClose}>
          ×
        </button>
      </header>
      <label className="field">
        <span className="field-label">System prompt</span>
        <textarea rows={3} value={settings.system ?? ''} onChange={(event) => setSettings({ ...settings, system: event.target.value })} />
      </label>
      <div className="param-grid">
        {NUMBER_FIELDS.map(({ name, label, step, min, max }) => (
          <label key={name} className="field">
            <span className="field-label">
              {label} <SupportBadge support={support?.[name]} />
            </span>
            <input type="number" step={step} min={min} max={max} placeholder="default" value={settings.params[name] ?? ''} onChange={(event) => setParam(name, toNumber(event.target.value))} />
          </label>
        ))}
        <label className="field">
          <span className="field-label">
            Stop sequences <SupportBadge support={support?.stop} />
          </span>
          <input type="text" placeholder="comma separated" value={(settings.params.stop ?? []).join(', ')} onChange={(event) => setParam('stop', event.target.value.split(',').map((s) => s.trim()).filter(Boolean).slice(0, 4))} />
        </label>
        <label className="field">
          <span className="field-label">
            Reasoning effort <SupportBadge support={support?.reasoningEffort} />
          </span>
          <select value={settings.params.reasoningEffort ?? ''} onChange={(event) => setParam('reasoningEffort', (event.target.value || undefined) as ChatParams['reasoningEffort'])}>
            <option value="">default</option>
            <option value="low">low</option>
            <option value="medium">medium</option>
            <option value="high">high</option>
          </select>
        </label>
      </div>
      <div className="chat-settings-actions">
        <button type="button" className="button" onClick={() => void save()}>
          Save
        </button>
        <button type="button" className="button secondary" onClick={() => setSettings({ ...settings, params: {} })}>
          Reset parameters
        </button>
      </div>
      {note && (
        <p className="hint" role="status">
          {note}
        </p>
      )}
    </div>
  )
}
