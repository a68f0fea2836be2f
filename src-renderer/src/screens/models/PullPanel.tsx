import { useState, type FormEvent } from 'react'
import { ModelNameSchema } from '../../../../src-shared/contract'
import { useApi } from '../../api/context'
import { formatBytes } from '../../lib/format'
import { usePulls, type Pull } from '../../store/pull-store'

function Bar({ value, label }: { value: number; label: string }) {
  return (
    <div className="bar" role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(value)}>
      <span style={{ width: `${Math.min(100, Math.max(0, value))}%` }} />
    </div>
  )
}

function PullRow({ pull, onPulled }: { pull: Pull; onPulled: () => void }) {
  const dismiss = usePulls((state) => state.dismiss)
  const start = usePulls((state) => state.start)
  const api = useApi()
  const running = pull.state === 'running'
  return (
    <li className={`pull pull-${pull.state}`} aria-label={`Pull ${pull.name}`}>
      <div className="pull-head">
        <strong>{pull.name}</strong>
        <span className="muted">
          {pull.state === 'done' && 'Pulled'}
          {pull.state === 'cancelled' && 'Cancelled; pull again to resume'}
          {pull.state === 'failed' && (pull.error?.message ?? 'Failed')}
          {running && `${pull.status} · ${pull.percent.toFixed(1)}%${pull.bytesPerSecond ? ` · ${formatBytes(pull.bytesPerSecond)}/s` : ''}`}
        </span>
        {running ? (
          <button type="button" className="button secondary" onClick={() => pull.cancel()}>
            Cancel
          </button>
        ) : (
          <>
            {pull.state !== 'done' && (
              <button type="button" className="button secondary" onClick={() => start(api, pull.name, (ended) => ended.state === 'done' && onPulled())}>
                {pull.state === 'cancelled' ? 'Resume' : 'Retry'}
              </button>
            )}
            <button type="button" className="link-button" onClick={() => dismiss(pull.name)}>
              Dismiss
            </button>
          </>
        )}
      </div>
      {pull.state === 'failed' && pull.error?.hint && <p className="hint">{pull.error.hint}</p>}
      <Bar value={pull.percent} label={`${pull.name} overall`} />
      {running && pull.layers.length > 0 && (
        <ul className="layers">
          {pull.layers.map((layer) => (
            <li key={layer.digest}>
              <code>{layer.digest.replace('sha256:', '').slice(0, 12)}</code>
              <Bar value={layer.total ? (100 * layer.completed) / layer.total : 0} label={`layer ${layer.digest.slice(7, 19)}`} />
              <span className="muted">
                {formatBytes(layer.completed)} / {formatBytes(layer.total)}
              </span>
            </li>
          ))}
        </ul>
      )}
    </li>
  )
}

/** Pull any model by name, and follow every pull in progress. */
export function PullPanel({ onPulled }: { onPulled: () => void }) {
  const api = useApi()
  const pulls = usePulls((state) => state.pulls)
  const start = usePulls((state) => state.start)
  const [name, setName] = useState('')
  const [problem, setProblem] = useState<string | undefined>()

  const submit = (event: FormEvent) => {
    event.preventDefault()
    const parsed = ModelNameSchema.safeParse(name)
    if (!parsed.success) {
      setProblem(parsed.error.issues[0]?.message ?? 'not a model name')
      return
    }
    setProblem(undefined)
    start(api, parsed.data, (pull) => pull.state === 'done' && onPulled())
    setName('')
  }

  return (
    <section className="card" aria-label="Pull a model">
      <form className="pull-form" onSubmit={submit}>
        <label htmlFor="pull-name">Pull a model</label>
        <input id="pull-name" value={name} onChange={(e) => setName(e.target.value)} placeholder="llama3.2, qwen3:8b, hf.co/user/repo:Q4_K_M" spellCheck={false} autoComplete="off" />
        <button type="submit" className="button" disabled={!name.trim()}>
          Pull
        </button>
      </form>
      {problem && (
        <p className="hint" role="alert">
          {problem}
        </p>
      )}
      {pulls.length > 0 && <ul className="pulls">{pulls.map((pull) => <PullRow key={pull.name} pull={pull} onPulled={onPulled} />)}</ul>}
    </section>
  )
}
