import { useEffect, useState } from 'react'
import type { ErrorShape } from '../../../../src-shared/contract'
import { useApi } from '../../api/context'
import { useOnboarding, type StepStatus } from '../../store/onboarding-store'
import { InlineCode } from '../../components/InlineCode'
import { Problem } from './parts'

/** One short prompt through Ollama, to prove the whole chain works before the first real chat. */
export function ChatStep({ onStatus }: { onStatus(status: StepStatus): void }) {
  const api = useApi()
  const model = useOnboarding((state) => state.model)
  const [prompt, setPrompt] = useState('Say hello in one short sentence.')
  const [reply, setReply] = useState<{ reply: string; ms: number } | undefined>()
  const [problem, setProblem] = useState<ErrorShape | undefined>()
  const [sending, setSending] = useState(false)
  useEffect(() => onStatus(reply !== undefined ? 'ready' : problem ? 'failed' : 'waiting'), [reply, problem, onStatus])

  if (!model) return <p className="muted">Pick a model first (go Back), or skip this step.</p>
  const send = async (): Promise<void> => {
    setSending(true)
    setProblem(undefined)
    const result = await api.call('ollama.try', { model, prompt })
    setSending(false)
    if (result.ok) setReply(result.value)
    else setProblem(result.error)
  }
  return (
    <div className="onboarding-body">
      <form
        className="pull-form"
        onSubmit={(event) => {
          event.preventDefault()
          void send()
        }}
      >
        <label htmlFor="onboarding-prompt">Ask {model}</label>
        <input id="onboarding-prompt" value={prompt} onChange={(e) => setPrompt(e.target.value)} disabled={sending} />
        <button type="submit" className="button" disabled={sending || !prompt.trim()}>{sending ? 'Waiting…' : 'Send'}</button>
      </form>
      {sending && <p className="muted" role="status">The first answer can take a while: Ollama loads the model into memory.</p>}
      {problem && <Problem error={problem} onRetry={() => void send()} />}
      {reply && (
        <figure className="onboarding-reply">
          <blockquote aria-label="Reply"><InlineCode text={reply.reply} /></blockquote>
          <figcaption className="onboarding-ok"><span aria-hidden="true">✓</span> {model} answered in {(reply.ms / 1000).toFixed(1)} s. Everything works.</figcaption>
        </figure>
      )}
    </div>
  )
}
