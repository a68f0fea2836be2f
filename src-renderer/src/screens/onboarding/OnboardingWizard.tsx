import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react'
import { useApi } from '../../api/context'
import { navigateTo } from '../../lib/navigation'
import { useAppStore } from '../../store/app-store'
import { ChatStep } from './ChatStep'
import { CloudStep } from './CloudStep'
import { ModelStep } from './ModelStep'
import { OllamaStep } from './OllamaStep'
import { steps, stepTitles, useOnboarding, type Step } from '../../store/onboarding-store'

const headings: Record<Step, string> = {
  welcome: 'Welcome to Ollama Desk',
  ollama: 'Find Ollama',
  model: 'Pick a first model',
  chat: 'Try it',
  cloud: 'Cloud providers',
  done: 'You’re all set',
}

function StaticStep({ step }: { step: Step }): ReactNode {
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
  const finish = useOnboarding((state) => state.finish)
  const firstRun = useAppStore((state) => state.settings?.onboarding.completed === false)
  const [ready, setReady] = useState(false)
  const title = useRef<HTMLHeadingElement>(null)
  const visible = open || (firstRun && !closed)
  const index = steps.indexOf(step)

  useEffect(() => {
    setReady(step === 'welcome' || step === 'done')
    title.current?.focus()
  }, [step, visible])
  const onReady = useCallback((value: boolean) => setReady(value), [])

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
          <ol className="onboarding-steps" aria-label="Setup steps">
            {steps.map((s, i) => (
              <li key={s} className={i < index ? 'past' : i === index ? 'current' : undefined} aria-current={i === index ? 'step' : undefined}>
                {stepTitles[s]}
              </li>
            ))}
          </ol>
          {next && (
            <button type="button" className="link-button" onClick={() => void finish(api)}>
              Skip setup
            </button>
          )}
        </header>
        <p className="onboarding-count muted">Step {index + 1} of {steps.length}</p>
        <h1 id="onboarding-title" ref={title} tabIndex={-1}>{headings[step]}</h1>
        {step === 'ollama' ? <OllamaStep onReady={onReady} /> : step === 'model' ? <ModelStep onReady={onReady} /> : step === 'chat' ? <ChatStep onReady={onReady} /> : step === 'cloud' ? <CloudStep onReady={onReady} /> : <StaticStep step={step} />}
        <footer className="onboarding-foot">
          {back && (
            <button type="button" className="button secondary" onClick={() => go(back)}>
              Back
            </button>
          )}
          <span className="spacer" />
          {next ? (
            <button type="button" className={ready ? 'button' : 'button secondary'} onClick={() => go(next)}>
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
