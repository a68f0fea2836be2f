import { useEffect, useRef, useState, type FormEvent, type RefObject } from 'react'
import type { StreamEvent, VoiceModel, VoiceSettings } from '../../../../src-shared/contract'
import { useApi } from '../../api/context'
import { formatBytes } from '../../lib/format'
import { useAppStore } from '../../store/app-store'
import { updateSettings } from '../../store/bootstrap'

type Progress = StreamEvent<'voice.models.download'>
type Kind = VoiceModel['kind']
const KIND: Record<Kind, string> = { stt: 'Dictation', tts: 'Voice', vad: 'Speech detection' }
const FOLDER_KIND: Record<Kind, string> = { stt: 'Dictation (Whisper)', tts: 'Read aloud (Piper/VITS voice)', vad: 'Speech detection (Silero VAD)' }
const FOLDER_NEEDS: Record<Kind, string> = { stt: '*-encoder*.onnx, *-decoder*.onnx and *tokens.txt', tts: 'a *.onnx model and tokens.txt (and espeak-ng-data/ for Piper)', vad: 'silero_vad.onnx' }
/** The setting that picks an installed model for its job; speech detection picks itself. */
const SETTING: Partial<Record<Kind, { key: 'sttLocalModel' | 'ttsLocalModel'; label: string }>> = {
  stt: { key: 'sttLocalModel', label: 'Use for dictation' },
  tts: { key: 'ttsLocalModel', label: 'Use for reading aloud' },
}
const PHASE: Record<Progress['phase'], string> = { download: 'Downloading', verify: 'Checking the sha256 of', install: 'Installing' }

const hostOf = (url: string): string => {
  try {
    return new URL(url).host
  } catch {
    return url
  }
}

/** One catalog entry: what it is, how big, its licence; download only after the user says yes. */
function ModelRow({ model, onChanged, onUseFolder }: { model: VoiceModel; onChanged: () => void; onUseFolder: (kind: Kind) => void }) {
  const api = useApi()
  const settings = useAppStore((state) => state.settings?.voice)
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

  const choice = SETTING[model.kind]
  const inUse = choice && settings ? settings[choice.key] === model.id : false
  const use = async (): Promise<void> => {
    if (!choice) return
    const patch: Partial<VoiceSettings> = { [choice.key]: model.id }
    if (await updateSettings(api, { voice: patch })) onChanged()
  }
  const imported = model.source === 'imported'

  const percent = progress && progress.totalBytes > 0 ? Math.min(100, Math.round((progress.receivedBytes / progress.totalBytes) * 100)) : 0
  return (
    <li className="voice-model" aria-label={model.name}>
      <div className="voice-model-head">
        <strong>{model.name}</strong>
        <span className="badge">{KIND[model.kind]}</span>
        {imported && <span className="badge">From a folder</span>}
        {model.installed && <span className="badge badge-ok">Installed</span>}
        {model.installed && inUse && <span className="badge badge-ok">In use</span>}
        <span className="spacer" />
        {model.installed && choice && !inUse && <button type="button" className="button secondary" onClick={() => void use()}>{choice.label}</button>}
        {model.installed ? (
          <button type="button" className="button secondary" onClick={() => void remove()}>Remove</button>
        ) : model.downloadable ? (
          !progress && !asking && <button type="button" className="button secondary" onClick={() => setAsking(true)}>Download…</button>
        ) : null}
      </div>
      {imported ? (
        <span className="muted">{model.description} · {formatBytes(model.sizeBytes)} · {model.files.map((file) => file.name).join(', ')}</span>
      ) : (
        <span className="muted">{model.description} · {formatBytes(model.sizeBytes)} · {model.language} · licence {model.license}</span>
      )}
      {!model.downloadable && !model.installed && !imported && (
        <>
          {model.reason && <span className="hint">{model.reason}</span>}
          <span className="hint">
            {model.url && (
              <>
                You can download it yourself from <code style={{ userSelect: 'all', wordBreak: 'break-all' }}>{model.url}</code> and use the folder.{' '}
              </>
            )}
            Already have this model? <button type="button" className="link-button" onClick={() => onUseFolder(model.kind)}>Use a model folder…</button>
          </span>
        </>
      )}
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

/** Imports a model the user already has: a folder (or .tar.bz2) on the machine running the core. */
function ImportFolder({ kind, setKind, pathInput, onChanged }: { kind: Kind; setKind: (kind: Kind) => void; pathInput: RefObject<HTMLInputElement | null>; onChanged: () => void }) {
  const api = useApi()
  const web = useAppStore((state) => state.transport === 'web')
  const [folder, setFolder] = useState('')
  const [name, setName] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | undefined>()
  const [done, setDone] = useState<string | undefined>()

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault()
    setError(undefined)
    setDone(undefined)
    if (!folder.trim()) return setError('Type the path of the model folder.')
    setBusy(true)
    const result = await api.call('voice.models.import', { path: folder.trim(), kind, ...(name.trim() ? { name: name.trim() } : {}) })
    setBusy(false)
    if (!result.ok) return setError(`${result.error.message}${result.error.hint ? ` ${result.error.hint}` : ''}`)
    setFolder('')
    setName('')
    setDone(`Imported ${result.value.model.name} (${formatBytes(result.value.model.sizeBytes)}).`)
    onChanged()
  }

  return (
    <form className="voice-consent" aria-label="Use a model folder" onSubmit={(event) => void submit(event)}>
      <strong>Use a model folder…</strong>
      <span className="hint">
        Already have a sherpa-onnx model? Give its folder or its .tar.bz2 archive: the files are checked, their sha256 is recorded, and they are linked or copied into the
        models folder. {web ? 'This is a path on the computer running the companion, not on this device.' : 'This is a path on this computer.'}
      </span>
      <label className="field">
        <span className="field-label">Folder or .tar.bz2 archive (full path)</span>
        <input ref={pathInput} value={folder} placeholder="/home/you/models/sherpa-onnx-whisper-tiny.en" onChange={(event) => setFolder(event.target.value)} spellCheck={false} />
      </label>
      <div className="voice-grid">
        <label className="field">
          <span className="field-label">Kind</span>
          <select value={kind} onChange={(event) => setKind(event.target.value as Kind)}>
            {(Object.keys(FOLDER_KIND) as Kind[]).map((value) => <option key={value} value={value}>{FOLDER_KIND[value]}</option>)}
          </select>
        </label>
        <label className="field">
          <span className="field-label">Name (optional)</span>
          <input value={name} placeholder="The folder’s name" onChange={(event) => setName(event.target.value)} />
        </label>
      </div>
      <span className="hint">The folder needs {FOLDER_NEEDS[kind]}.</span>
      <div className="row">
        <button type="submit" className="button" disabled={busy}>{busy ? 'Checking and importing…' : 'Import'}</button>
      </div>
      {error && <span className="field-error" role="alert">{error}</span>}
      {done && <span className="hint" role="status">{done}</span>}
    </form>
  )
}

/** The local speech models: sizes, licences, installed state, download with consent, import a folder, remove. */
export function VoiceModels({ models, dir, onChanged }: { models: VoiceModel[]; dir: string; onChanged: () => void }) {
  const [kind, setKind] = useState<Kind>('stt')
  const pathInput = useRef<HTMLInputElement>(null)
  const useFolder = (next: Kind): void => {
    setKind(next)
    pathInput.current?.focus()
  }
  return (
    <>
      <h4>Local speech models</h4>
      <p className="hint">Local models run on this computer; audio never leaves it. They are saved in {dir}.</p>
      <ul className="voice-models" aria-label="Local speech models">
        {models.map((model) => (
          <ModelRow key={model.id} model={model} onChanged={onChanged} onUseFolder={useFolder} />
        ))}
      </ul>
      <ImportFolder kind={kind} setKind={setKind} pathInput={pathInput} onChanged={onChanged} />
    </>
  )
}
