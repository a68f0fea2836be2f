import { useCallback, useEffect, useState, type FormEvent } from 'react'
import { ModelNameSchema, type ErrorShape, type RecommendedModel } from '../../../../src-shared/contract'
import { useApi } from '../../api/context'
import { formatBytes } from '../../lib/format'
import { updateSettings } from '../../store/bootstrap'
import { useOllamaStatus } from '../../store/ollama-status-store'
import { usePulls } from '../../store/pull-store'
import { useOnboarding, type StepStatus } from '../../store/onboarding-store'
import { Problem, ProgressBar } from './parts'

/** Pick a first model from what fits this machine (or type any name), and pull it with progress. */
export function ModelStep({ onStatus }: { onStatus(status: StepStatus): void }) {
  const api = useApi()
  const model = useOnboarding((state) => state.model)
  const setModel = useOnboarding((state) => state.setModel)
  const start = usePulls((state) => state.start)
  const pull = usePulls((state) => state.pulls.find((p) => p.name === model))
  const [choices, setChoices] = useState<RecommendedModel[] | undefined>()
  const [installed, setInstalled] = useState<string[]>([])
  const [note, setNote] = useState('')
  const [problem, setProblem] = useState<ErrorShape | undefined>()
  const [typed, setTyped] = useState('')
  const [typedProblem, setTypedProblem] = useState<string | undefined>()
  // Nothing downloads before Ollama answers: the button waits, and says why.
  const ollama = useOllamaStatus((state) => state.status)
  const checkOllama = useOllamaStatus((state) => state.check)
  const checking = useOllamaStatus((state) => state.checking)
  const answers = ollama?.reachable === true
  useEffect(() => void checkOllama(api), [api, checkOllama])

  const load = useCallback(async () => {
    setProblem(undefined)
    const [recommended, list] = await Promise.all([api.call('models.recommended', {}), api.call('models.list', {})])
    if (!recommended.ok) return setProblem(recommended.error)
    // Smallest first: a first model should arrive quickly; bigger ones are a click away in Models.
    const fitting = recommended.value.models.filter((m) => m.use !== 'embedding' && m.fit !== 'too-big').sort((a, b) => a.size - b.size).slice(0, 4)
    setChoices(fitting)
    setNote(recommended.value.machine.note)
    const names = list.ok ? list.value.models.map((m) => m.name) : []
    setInstalled(names)
    const current = useOnboarding.getState().model
    if (!current) setModel(fitting.find((m) => m.installed)?.name ?? names[0] ?? fitting.find((m) => m.fit === 'good')?.name ?? fitting[0]?.name)
  }, [api, setModel])

  useEffect(() => void load(), [load])
  const has = (name: string | undefined): boolean => !!name && (installed.includes(name) || installed.includes(`${name}:latest`))
  const ready = has(model) || pull?.state === 'done'
  const failed = !!problem || pull?.state === 'failed'
  useEffect(() => onStatus(ready ? 'ready' : failed ? 'failed' : 'waiting'), [ready, failed, onStatus])

  // The model just pulled becomes the default for new chats (Settings → Chat).
  const pulled = (name: string): void => {
    setInstalled((names) => [...names, name])
    void updateSettings(api, { chat: { defaultTarget: { providerId: 'ollama', model: name } } })
  }
  const pullIt = (name: string): void => start(api, name, (ended) => ended.state === 'done' && pulled(name))
  const useTyped = (event: FormEvent): void => {
    event.preventDefault()
    const parsed = ModelNameSchema.safeParse(typed)
    if (!parsed.success) return setTypedProblem(parsed.error.issues[0]?.message ?? 'not a model name')
    setTypedProblem(undefined)
    setModel(parsed.data)
  }

  if (problem) return <Problem error={problem} onRetry={() => void load()} />
  if (!choices) return <p className="muted" role="status">Checking what fits this computer…</p>
  const running = pull?.state === 'running'
  return (
    <div className="onboarding-body">
      <fieldset className="onboarding-choices" disabled={running}>
        <legend>Recommended for this computer</legend>
        {choices.map((m) => (
          <label key={m.name} className={model === m.name ? 'selected' : undefined}>
            <input type="radio" name="first-model" value={m.name} checked={model === m.name} onChange={() => setModel(m.name)} />
            <span>
              <strong>{m.title}</strong> <code>{m.name}</code> · {formatBytes(m.size)} {has(m.name) && <span className="onboarding-tag">installed</span>}
              <span className="hint"> {m.description} {m.reason}</span>
            </span>
          </label>
        ))}
        {note && <p className="hint">{note}</p>}
      </fieldset>
      <form className="pull-form" onSubmit={useTyped}>
        <label htmlFor="onboarding-model">Or any model name</label>
        <input id="onboarding-model" value={typed} onChange={(e) => setTyped(e.target.value)} placeholder="llama3.2, qwen3:8b, hf.co/user/repo:Q4_K_M" spellCheck={false} autoComplete="off" disabled={running} />
        <button type="submit" className="button secondary" disabled={!typed.trim() || running}>Use this name</button>
      </form>
      {typedProblem && <p className="hint" role="alert">{typedProblem}</p>}
      {model && !running && !ready && (
        <div className="onboarding-download">
          <button type="button" className="button" disabled={!answers} aria-describedby={answers ? undefined : 'onboarding-download-why'} onClick={() => pullIt(model)}>
            Download {model}
          </button>
          {!answers && (
            <p id="onboarding-download-why" className="hint" role="status">
              {ollama && !checking ? `Ollama is not answering at ${ollama.host} yet, so nothing can be downloaded. Go back to the Ollama step to install or start it, then check again.` : 'Checking that Ollama answers…'}
              {ollama && !checking && (
                <>
                  {' '}
                  <button type="button" className="link-button" onClick={() => void checkOllama(api)}>Check again</button>
                </>
              )}
            </p>
          )}
        </div>
      )}
      {pull && (
        <div className="onboarding-progress" role="status" aria-label={`Download of ${pull.name}`}>
          {pull.state === 'failed' && pull.error ? (
            <Problem error={pull.error} onRetry={() => pullIt(pull.name)} />
          ) : (
            <>
              <strong>
                {pull.state === 'done' ? `${pull.name} is ready` : pull.state === 'cancelled' ? 'Download stopped; download again to resume' : `${pull.status} · ${pull.percent.toFixed(0)}%`}
                {running && pull.bytesPerSecond ? ` · ${formatBytes(pull.bytesPerSecond)}/s` : ''}
              </strong>
              <ProgressBar value={pull.percent} label={`${pull.name} download`} />
              {running && (
                <button type="button" className="button secondary" onClick={() => pull.cancel()}>Cancel</button>
              )}
            </>
          )}
        </div>
      )}
      {!pull && has(model) && <p className="onboarding-ok" role="status"><span aria-hidden="true">✓</span> {model} is already installed.</p>}
    </div>
  )
}
