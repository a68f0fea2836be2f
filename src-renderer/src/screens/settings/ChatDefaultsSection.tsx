import { useEffect, useState } from 'react'
import type { ModelInfo } from '../../../../src-shared/contract'
import { useApi } from '../../api/context'
import { useAppStore } from '../../store/app-store'
import { updateSettings } from '../../store/bootstrap'
import '../../chat-settings.css'
import { CompactionSetting } from './CompactionSetting'

const keyOf = (target: { providerId: string; model: string } | null): string => (target ? `${target.providerId}\u0000${target.model}` : '')
const targetOf = (key: string): { providerId: string; model: string } | null => {
  if (!key) return null
  const [providerId, model] = key.split('\u0000')
  return providerId && model ? { providerId, model } : null
}

function useModels(): ModelInfo[] {
  const api = useApi()
  const [models, setModels] = useState<ModelInfo[]>([])
  useEffect(() => {
    void api.call('providers.models', {}).then((result) => result.ok && setModels(result.value.models))
  }, [api])
  return models
}

function ModelSelect({ label, value, none, models, onChange }: { label: string; value: { providerId: string; model: string } | null; none: string; models: ModelInfo[]; onChange(next: { providerId: string; model: string } | null): void }) {
  const current = keyOf(value)
  const listed = models.some((m) => keyOf({ providerId: m.providerId, model: m.id }) === current)
  return (
    <label className="field">
      <span className="field-label">{label}</span>
      <select value={current} onChange={(event) => onChange(targetOf(event.target.value))}>
        <option value="">{none}</option>
        {value && !listed && <option value={current}>{`${value.model} · ${value.providerId} (not offered now)`}</option>}
        {models.map((m) => (
          <option key={`${m.providerId}/${m.id}`} value={keyOf({ providerId: m.providerId, model: m.id })}>
            {`${m.name} · ${m.providerId}`}
          </option>
        ))}
      </select>
    </label>
  )
}

/** Settings → Chat: what new chats start with, who writes titles, which key sends, and when long chats are compacted. */
export function ChatDefaultsSection() {
  const api = useApi()
  const chat = useAppStore((state) => state.settings?.chat)
  const models = useModels()
  const [system, setSystem] = useState<string | undefined>()
  if (!chat) return null
  const save = (patch: Parameters<typeof updateSettings>[1]['chat']): void => void updateSettings(api, { chat: patch })
  return (
    <section className="card chat-defaults" aria-labelledby="chat-defaults-title">
      <h3 id="chat-defaults-title">New chats</h3>
      <ModelSelect label="Default model for new chats" value={chat.defaultTarget} none="Auto (the fallback chain)" models={models} onChange={(next) => save({ defaultTarget: next })} />
      <label className="field">
        <span className="field-label">Default system prompt</span>
        <textarea rows={3} value={system ?? chat.defaultSystem} placeholder="None" onChange={(event) => setSystem(event.target.value)} onBlur={() => system !== undefined && save({ defaultSystem: system })} />
      </label>
      <ModelSelect label="Model that writes chat titles" value={chat.titleTarget} none="The chat's own model" models={models} onChange={(next) => save({ titleTarget: next })} />
      <label className="checkbox">
        <input type="checkbox" checked={chat.autoTitle} onChange={(event) => save({ autoTitle: event.target.checked })} /> Name chats automatically after the first reply
      </label>
      <fieldset className="segmented">
        <legend>Send with</legend>
        {(['enter', 'mod-enter'] as const).map((key) => (
          <label key={key} className={chat.sendKey === key ? 'selected' : undefined}>
            <input type="radio" name="send-key" value={key} checked={chat.sendKey === key} onChange={() => save({ sendKey: key })} />
            {key === 'enter' ? 'Enter' : 'Ctrl/Cmd+Enter'}
          </label>
        ))}
      </fieldset>
      <CompactionSetting />
    </section>
  )
}
