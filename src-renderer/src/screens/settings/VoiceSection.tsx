import { useCallback, useEffect, useState } from 'react'
import type { EngineStatus, RouteOutput, VoiceSettings, VoiceStatus } from '../../../../src-shared/contract'
import { useApi } from '../../api/context'
import { useReadAloud } from '../../lib/voice/read-aloud'
import { useAppStore } from '../../store/app-store'
import { updateSettings } from '../../store/bootstrap'
import { VoiceModels } from './VoiceModels'
import '../../voice.css'

type Patch = Partial<VoiceSettings>
type Catalog = RouteOutput<'voice.models'>
type Voices = RouteOutput<'voice.voices'>

/** The OS voices speechSynthesis knows; they arrive late in Chromium, hence the event. */
function useSystemVoices(): SpeechSynthesisVoice[] {
  const [voices, setVoices] = useState<SpeechSynthesisVoice[]>([])
  useEffect(() => {
    const synth = (window as { speechSynthesis?: SpeechSynthesis }).speechSynthesis
    if (!synth) return
    const load = (): void => setVoices(synth.getVoices())
    load()
    synth.addEventListener?.('voiceschanged', load)
    return () => synth.removeEventListener?.('voiceschanged', load)
  }, [])
  return voices
}

/** A text setting saved when the field is left (or Enter), so half-typed names are never sent. */
function TextSetting({ label, value, onSave }: { label: string; value: string; onSave: (value: string) => void }) {
  const [draft, setDraft] = useState(value)
  useEffect(() => setDraft(value), [value])
  const commit = (): void => {
    if (draft.trim() !== value) onSave(draft.trim())
  }
  return (
    <label className="field">
      <span className="field-label">{label}</span>
      <input value={draft} onChange={(event) => setDraft(event.target.value)} onBlur={commit} onKeyDown={(event) => event.key === 'Enter' && commit()} />
    </label>
  )
}

type OpenAiProviders = { id: string; name: string }[]

/** Which configured OpenAI(-compatible) provider's key and address the voice uses. */
function ProviderSetting({ label, value, providers, onSave }: { label: string; value: string; providers: OpenAiProviders; onSave: (value: string) => void }) {
  return (
    <label className="field">
      <span className="field-label">{label}</span>
      <select value={value} onChange={(event) => onSave(event.target.value)}>
        <option value="">The first OpenAI provider</option>
        {providers.map((provider) => <option key={provider.id} value={provider.id}>{provider.name}</option>)}
      </select>
    </label>
  )
}

function Unavailable({ status }: { status: EngineStatus | undefined }) {
  if (!status || status.available) return null
  return <p className="hint engine-reason" role="note">Not available: {status.reason ?? 'unknown reason'}</p>
}

/** Voice: dictation engine, read-aloud voice, local speech models. */
export function VoiceSection() {
  const api = useApi()
  const settings = useAppStore((state) => state.settings?.voice)
  const reading = useReadAloud((state) => state.reading === 'test')
  const systemVoices = useSystemVoices()
  const [status, setStatus] = useState<VoiceStatus | undefined>()
  const [catalog, setCatalog] = useState<Catalog | undefined>()
  const [voices, setVoices] = useState<Voices>({ local: [], openai: [] })
  const [providers, setProviders] = useState<OpenAiProviders>([])

  const refresh = useCallback(async (): Promise<void> => {
    const [nextStatus, nextModels, nextVoices, nextProviders] = await Promise.all([api.call('voice.status', {}), api.call('voice.models', {}), api.call('voice.voices', {}), api.call('providers.list', {})])
    if (nextProviders.ok) setProviders(nextProviders.value.providers.map((p) => p.config).filter((c) => c.kind === 'openai' || c.kind === 'openai-compatible').map((c) => ({ id: c.id, name: c.name })))
    if (nextStatus.ok) setStatus(nextStatus.value)
    if (nextModels.ok) setCatalog(nextModels.value)
    if (nextVoices.ok) setVoices(nextVoices.value)
  }, [api])
  useEffect(() => {
    void refresh()
  }, [refresh])

  if (!settings) return null
  const save = async (patch: Patch): Promise<void> => {
    if (await updateSettings(api, { voice: patch })) void refresh()
  }
  const sttStatus = status?.stt[settings.sttEngine]
  const ttsStatus = settings.ttsEngine === 'system' ? undefined : status?.tts[settings.ttsEngine]

  return (
    <section className="card voice" aria-labelledby="voice-title">
      <h3 id="voice-title">Dictation and read aloud</h3>
      <p className="hint">Dictate into the chat with the microphone button (or hold Ctrl+Space), and have replies read aloud.</p>

      <h4>Dictation</h4>
      <div className="voice-grid">
        <label className="field">
          <span className="field-label">Speech-to-text engine</span>
          <select value={settings.sttEngine} onChange={(event) => void save({ sttEngine: event.target.value as VoiceSettings['sttEngine'] })}>
            <option value="local">On this computer (local model)</option>
            <option value="openai">OpenAI (audio is uploaded)</option>
          </select>
        </label>
        <label className="field">
          <span className="field-label">Mode</span>
          <select value={settings.sttMode} onChange={(event) => void save({ sttMode: event.target.value as VoiceSettings['sttMode'] })}>
            <option value="push-to-talk">Push to talk</option>
            <option value="hands-free">Hands-free (a pause ends it)</option>
          </select>
        </label>
        <TextSetting label="Language (auto, or en, pt-BR…)" value={settings.sttLanguage} onSave={(value) => void save({ sttLanguage: value })} />
        {settings.sttEngine === 'openai' && (
          <>
            <ProviderSetting label="Transcription provider" value={settings.sttOpenaiProvider} providers={providers} onSave={(value) => void save({ sttOpenaiProvider: value })} />
            <TextSetting label="OpenAI transcription model" value={settings.sttOpenaiModel} onSave={(value) => void save({ sttOpenaiModel: value })} />
          </>
        )}
      </div>
      <Unavailable status={sttStatus} />
      <div className="voice-grid">
        <label className="field">
          <span className="field-label">Speech threshold: {settings.vadThresholdDb} dB (lower hears quieter voices)</span>
          <input type="range" min={-70} max={-20} step={1} value={settings.vadThresholdDb} onChange={(event) => void save({ vadThresholdDb: Number(event.target.value) })} />
        </label>
        <label className="field">
          <span className="field-label">Pause that ends hands-free dictation: {(settings.vadSilenceMs / 1000).toFixed(1)} s</span>
          <input type="range" min={300} max={3000} step={100} value={settings.vadSilenceMs} onChange={(event) => void save({ vadSilenceMs: Number(event.target.value) })} />
        </label>
      </div>

      <h4>Read aloud</h4>
      <div className="voice-grid">
        <label className="field">
          <span className="field-label">Voice engine</span>
          <select value={settings.ttsEngine} onChange={(event) => void save({ ttsEngine: event.target.value as VoiceSettings['ttsEngine'], ttsVoice: '' })}>
            <option value="system">System voices</option>
            <option value="local">On this computer (local model)</option>
            <option value="openai">OpenAI (text is uploaded)</option>
          </select>
        </label>
        {settings.ttsEngine === 'openai' ? (
          <>
            <label className="field">
              <span className="field-label">Voice</span>
              <select value={settings.ttsOpenaiVoice} onChange={(event) => void save({ ttsOpenaiVoice: event.target.value })}>
                {[...new Set([settings.ttsOpenaiVoice, ...voices.openai.map((v) => v.id)])].map((id) => (
                  <option key={id} value={id}>{voices.openai.find((v) => v.id === id)?.name ?? id}</option>
                ))}
              </select>
            </label>
            <ProviderSetting label="Speech provider" value={settings.ttsOpenaiProvider} providers={providers} onSave={(value) => void save({ ttsOpenaiProvider: value })} />
            <TextSetting label="OpenAI speech model" value={settings.ttsOpenaiModel} onSave={(value) => void save({ ttsOpenaiModel: value })} />
          </>
        ) : (
          <label className="field">
            <span className="field-label">Voice</span>
            <select value={settings.ttsVoice} onChange={(event) => void save({ ttsVoice: event.target.value })}>
              <option value="">{settings.ttsEngine === 'system' ? 'The system default' : 'The model’s default'}</option>
              {settings.ttsEngine === 'system'
                ? systemVoices.map((voice) => <option key={voice.name} value={voice.name}>{voice.name} ({voice.lang})</option>)
                : voices.local.map((voice) => <option key={voice.id} value={voice.id}>{voice.name}</option>)}
            </select>
          </label>
        )}
        <label className="field">
          <span className="field-label">Speed: {settings.ttsRate.toFixed(1)}×</span>
          <input type="range" min={0.5} max={2} step={0.1} value={settings.ttsRate} onChange={(event) => void save({ ttsRate: Number(event.target.value) })} />
        </label>
      </div>
      <Unavailable status={ttsStatus} />
      {settings.ttsEngine === 'system' && systemVoices.length === 0 && <p className="hint">This window lists no system voices; the default voice is used if there is one.</p>}
      <label className="check-row">
        <input type="checkbox" role="switch" checked={settings.ttsAutoRead} onChange={(event) => void save({ ttsAutoRead: event.target.checked })} />
        Read each reply aloud when it finishes
      </label>
      <label className="check-row">
        <input type="checkbox" role="switch" checked={settings.ttsStopOnSpeech} onChange={(event) => void save({ ttsStopOnSpeech: event.target.checked })} />
        Stop reading when I start speaking
      </label>
      <div className="row">
        <button type="button" className="button secondary" onClick={() => (reading ? useReadAloud.getState().stop() : void useReadAloud.getState().read(api, 'test', 'Hello! This is how replies will sound.'))}>
          {reading ? 'Stop' : 'Test voice'}
        </button>
      </div>

      {catalog && <VoiceModels models={catalog.models} dir={catalog.dir} onChanged={() => void refresh()} />}
    </section>
  )
}
