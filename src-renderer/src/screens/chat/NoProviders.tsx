import { useEffect, useState } from 'react'
import { useApi } from '../../api/context'
import { navigateTo } from '../../lib/navigation'
import { useOnboarding } from '../../store/onboarding-store'

/** No provider yet: say what is missing and go straight to where it is fixed. */
export function NoProviders() {
  const api = useApi()
  const [ollamaMissing, setOllamaMissing] = useState(false)
  useEffect(() => {
    let live = true
    void api.call('ollama.detect', {}).then((result) => {
      if (live && result.ok) setOllamaMissing(!result.value.reachable && result.value.installs.length === 0)
    })
    return () => {
      live = false
    }
  }, [api])
  const installOllama = (): void => {
    const onboarding = useOnboarding.getState()
    onboarding.show()
    onboarding.go('ollama')
  }
  return (
    <section className="card empty-chat" aria-labelledby="no-providers-title">
      <h2 id="no-providers-title">Connect a model to start chatting</h2>
      <p className="muted">
        Chat with local models through Ollama, or with cloud models (OpenAI, Anthropic, Gemini, OpenRouter…) using your own keys. Add one in Providers &amp; Health.
      </p>
      <div className="empty-actions">
        <a
          className="button"
          href="#/providers"
          onClick={(event) => {
            event.preventDefault()
            navigateTo('providers')
          }}
        >
          Open Providers &amp; Health
        </a>
        {ollamaMissing && (
          <button type="button" className="button secondary" onClick={installOllama}>
            Install Ollama
          </button>
        )}
      </div>
      {ollamaMissing && <p className="hint">Ollama is not installed on this machine; installing it gives you free, private, local models.</p>}
    </section>
  )
}
