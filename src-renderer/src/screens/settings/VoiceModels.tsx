import { useEffect, useRef, useState } from 'react'
import type { StreamEvent, VoiceModel } from '../../../../src-shared/contract'
import { useApi } from '../../api/context'
import { formatBytes } from '../../lib/format'
import { useAppStore } from '../../store/app-store'

type Progress = StreamEvent<'voice.models.download'>
const KIND: Record<VoiceModel['kind'], string> = { stt: 'Dictation', tts: 'Voice', vad: 'Speech detection' }
const PHASE: Record<Progress['phase'], string> = { download: 'Downloading', verify: 'Checking the sha256 of', install: 'Installing' }

const hostOf = (url: string): string => {
  try {
    return new URL(url).host
  } catch {
    return url
  }
}

/** One catalog entry: what it is, how big, its licence; download only after the user says yes. */
function ModelRow({ model, onChanged }: { model: VoiceModel; onChanged: () => void }) {
  const api = useApi()
  const [asking, setAsking] = useState(false)
  const [progress, setProgress] = useState<Progress | undefined>()
  const [error, setError] = useState<string | undefined>()
  const cancel = useRef<(() => void) | undefined>(undefined)
  useEffect(() => () => cancel.current?.(), [])

  const download = async (): Promise<void> => {
    setAsking(false)
    setError(undefined)
    setProgress({ phase: 'download', file: model.files[0]?.name ?? model.id, receivedBytes: 0, totalBytes: model.sizeBytes })
    const handle = api.stream('voice.models.download', { id: model.id, consent: true }, setProgress)
    cancel.current = handle.cancel
    const result = await handle.done
    cancel.current = undefined
    setProgress(undefined)
    if (!result.ok) setError(result.error.code === 'E_CANCELLED' ? 'Download cancelled; nothing was installed.' : `${result.error.message}${result.error.hint ? ` ${result.error.hint}` : ''}`)
    onChanged()
  }
  const remove = async (): Promise<void> => {
    const result = await api.call('voice.models.remove', { id: model.id })
    if (!result.ok) useAppStore.getState().notifyError(result.error)
    onChanged()
  }

  const percent = progress && progress.totalBytes > 0 ? Math.min(100, Math.round((progress.receivedBytes / progress.totalBytes) * 100)) : 0
  return (
    <li className="voice-model" aria-label={model.name}>
      <div className="voice-model-head">
        <strong>{model.name}</strong>
        <span className="badge">{KIND[model.kind]}</span>
        {model.installed && <span className="badge badge-ok">Installed</span>}
        <span className="spacer" />
        {model.installed ? (
          <button type="button" className="button secondary" onClick={() => void remove()}>Remove</button>
        ) : model.downloadable ? (
          !progress && !asking && <button type="button" className="button secondary" onClick={() => setAsking(true)}>Download…</button>
        ) : null}
      </div>
      <span className="muted">{model.description} · {formatBytes(model.sizeBytes)} · {model.language} · licence {model.license}</span>
      {!model.downloadable && !model.installed && model.reason && <span className="hint">{model.reason}</span>}
      {asking && (
        <div className="voice-consent" role="dialog" aria-label={`Download ${model.name}?`}>
          <span>
            Download <strong>{model.name}</strong> ({formatBytes(model.sizeBytes)}) from {hostOf(model.url)}? It is saved on this computer, checked against its
            sha256 before it is used, and can be removed any time. Nothing is downloaded unless you agree.
          </span>
          <div className="row">
            <button type="button" className="button" onClick={() => void download()}>Download {formatBytes(model.sizeBytes)}</button>
            <button type="button" className="button secondary" onClick={() => setAsking(false)}>Not now</button>
          </div>
        </div>
      )}
      {progress && (
        <div className="row">
          <span className="muted">
            {PHASE[progress.phase]} {progress.file}: {formatBytes(progress.receivedBytes)} of {formatBytes(progress.totalBytes)}
          </span>
          <div className="bar" role="progressbar" aria-label={`Downloading ${model.name}`} aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent}>
            <span style={{ width: `${percent}%` }} />
          </div>
          <button type="button" className="button secondary" onClick={() => cancel.current?.()}>Cancel</button>
        </div>
      )}
      {error && <span className="field-error" role="alert">{error}</span>}
    </li>
  )
}

/** The local speech models: sizes, licences, installed state, download with consent, remove. */
export function VoiceModels({ models, dir, onChanged }: { models: VoiceModel[]; dir: string; onChanged: () => void }) {
  return (
    <>
      <h3>Local speech models</h3>
      <p className="hint">Local models run on this computer; audio never leaves it. They are saved in {dir}.</p>
      <ul className="voice-models" aria-label="Local speech models">
        {models.map((model) => (
          <ModelRow key={model.id} model={model} onChanged={onChanged} />
        ))}
      </ul>
    </>
  )
}
