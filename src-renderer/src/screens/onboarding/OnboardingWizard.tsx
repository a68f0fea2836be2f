import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react'
import { useApi } from '../../api/context'
import { navigateTo } from '../../lib/navigation'
import { useAppStore } from '../../store/app-store'
import { ChatStep } from './ChatStep'
import { CloudStep } from './CloudStep'
import { ModelStep } from './ModelStep'
import { OllamaStep } from './OllamaStep'
import { steps, stepTitles, useOnboarding, type Step, type StepOutcome, type StepStatus } from '../../store/onboarding-store'

const headings: Record<Step, string> = {
  welcome: 'Welcome to Ollama Desk',
  ollama: 'Find Ollama',
  model: 'Pick a first model',
  chat: 'Try it',
  cloud: 'Cloud providers',
  done: 'You’re all set',
}

const outcomeMark: Record<StepOutcome, string> = { done: '✓', skipped: '–', failed: '✕' }
const outcomeWord: Record<StepOutcome, string> = { done: 'done', skipped: 'skipped', failed: 'failed' }

/** The steps as a list: each left step green (done), grey (skipped) or red (failed); the current one filled. */
function StepList({ index, outcomes }: { index: number; outcomes: Partial<Record<Step, StepOutcome>> }) {
  return (
    <ol className="onboarding-steps" aria-label="Setup steps">
      {steps.map((s, i) => {
        const outcome = i === index ? undefined : outcomes[s]
        return (
          <li key={s} className={i === index ? 'current' : outcome} aria-current={i === index ? 'step' : undefined}>
            {outcome && <span aria-hidden="true">{outcomeMark[outcome]} </span>}
            {stepTitles[s]}
            {outcome && <span className="visually-hidden">: {outcomeWord[outcome]}</span>}
          </li>
        )
      })}
    </ol>
  )
}

/** On the last page: what was skipped or failed, and where to do it later. */
function LeftUndone({ outcomes }: { outcomes: Partial<Record<Step, StepOutcome>> }) {
  const later: Partial<Record<Step, string>> = { ollama: 'Models shows Ollama’s status with Install and Start', model: 'Models downloads models', chat: 'Chat is ready once a model is', cloud: 'Providers & Health adds cloud providers' }
  const undone = steps.filter((s) => later[s] && (outcomes[s] === 'skipped' || outcomes[s] === 'failed'))
  if (undone.length === 0) return null
  return (
    <ul className="onboarding-undone" aria-label="Left for later">
      {undone.map((s) => (
        <li key={s} className={outcomes[s]}>
          <strong>{stepTitles[s]}</strong> {outcomes[s] === 'failed' ? 'failed' : 'was skipped'}: {later[s]}.
        </li>
      ))}
    </ul>
  )
}

function StaticStep({ step, outcomes }: { step: Step; outcomes: Partial<Record<Step, StepOutcome>> }): ReactNode {
  if (step === 'welcome') {
    return (
      <div className="onboarding-body">
        <p>Ollama Desk is a desktop home for the models you run on your own computer with Ollama, and for the cloud providers you choose to add.</p>
        <p className="muted">This short setup checks that Ollama is there (and installs it if not), downloads a first model, tries one chat and, if you like, connects a cloud provider. Every step can be skipped, and you can run it again from Settings.</p>
      </div>
    )
  }
  return (
    <div className="onboarding-body">
      <p>That’s it for setup. Anything you skipped can be done later: Ollama’s status and models live in Models, the host in Settings, cloud providers and their keys in Providers & Health.</p>
      <LeftUndone outcomes={outcomes} />
      <p className="muted">Start a chat, or look at Models to download more. Setup stays available in Settings and in the command palette (Ctrl/Cmd+K).</p>
    </div>
  )
}

/** First-run setup over the whole window: Welcome → Ollama → model → first chat → cloud (optional) → done. */
export function OnboardingWizard() {
  const api = useApi()
  const open = useOnboarding((state) => state.open)
  const closed = useOnboarding((state) => state.closed)
  const step = useOnboarding((state) => state.step)
  const go = useOnboarding((state) => state.go)
  const leave = useOnboarding((state) => state.leave)
  const outcomes = useOnboarding((state) => state.outcomes)
  const finish = useOnboarding((state) => state.finish)
  const firstRun = useAppStore((state) => state.settings?.onboarding.completed === false)
  const [status, setStatus] = useState<StepStatus>('waiting')
  const title = useRef<HTMLHeadingElement>(null)
  const visible = open || (firstRun && !closed)
  const index = steps.indexOf(step)

  useEffect(() => {
    setStatus(step === 'welcome' || step === 'done' ? 'ready' : 'waiting')
    title.current?.focus()
  }, [step, visible])
  const onStatus = useCallback((value: StepStatus) => setStatus(value), [])
  const ready = status === 'ready'

  if (!visible) return null
  const next = steps[index + 1]
  const back = steps[index - 1]
  const done = async (): Promise<void> => {
    await finish(api)
    navigateTo('chat')
  }
  return (
    <div className="onboarding-backdrop">
      <div className="onboarding" role="dialog" aria-modal="true" aria-labelledby="onboarding-title">
        <header className="onboarding-head">
          <StepList index={index} outcomes={outcomes} />
          {next && (
            <button type="button" className="link-button" onClick={() => void finish(api)}>
              Skip setup
            </button>
          )}
        </header>
        <p className="onboarding-count muted">Step {index + 1} of {steps.length}</p>
        <h1 id="onboarding-title" ref={title} tabIndex={-1}>{headings[step]}</h1>
        {step === 'ollama' ? <OllamaStep onStatus={onStatus} /> : step === 'model' ? <ModelStep onStatus={onStatus} /> : step === 'chat' ? <ChatStep onStatus={onStatus} /> : step === 'cloud' ? <CloudStep onStatus={onStatus} /> : <StaticStep step={step} outcomes={outcomes} />}
        <footer className="onboarding-foot">
          {back && (
            <button type="button" className="button secondary" onClick={() => go(back)}>
              Back
            </button>
          )}
          <span className="spacer" />
          {next ? (
            <button type="button" className={ready ? 'button' : 'button secondary'} onClick={() => leave(status, next)}>
              {step === 'welcome' ? 'Get started' : step === 'cloud' && !ready ? 'Skip' : ready ? 'Next' : 'Skip this step'}
            </button>
          ) : (
            <button type="button" className="button" onClick={() => void done()}>
              Start chatting
            </button>
          )}
        </footer>
      </div>
    </div>
  )
}
