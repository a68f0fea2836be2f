import { useCallback, useEffect, useState } from 'react'
import type { ErrorShape, OllamaDetection } from '../../../src-shared/contract'
import { useApi } from '../api/context'
import { useOllamaStatus } from '../store/ollama-status-store'
import { useOnboarding } from '../store/onboarding-store'
import { InlineCode } from './InlineCode'

/**
 * What to do when Ollama does not answer: Start for the Ollama that Ollama Desk installed, Install
 * when there is none (the same install stream as the wizard, with its progress), directions for an
 * Ollama installed another way (never touched from here).
 */
export function OllamaFix() {
  const api = useApi()
  const [found, setFound] = useState<OllamaDetection | undefined>()
  const [busy, setBusy] = useState(false)
  const [problem, setProblem] = useState<ErrorShape | undefined>()
  const install = useOnboarding((state) => state.install)
  const startInstall = useOnboarding((state) => state.startInstall)

  const refresh = useCallback(async () => {
    const detected = await api.call('ollama.detect', {})
    if (detected.ok) setFound(detected.value)
    await useOllamaStatus.getState().check(api)
  }, [api])
  useEffect(() => void refresh(), [refresh])

  const start = async (): Promise<void> => {
    setBusy(true)
    setProblem(undefined)
    const result = await api.call('ollama.start', {})
    setBusy(false)
    if (!result.ok) setProblem(result.error)
    await refresh()
  }

  if (install?.state === 'running') return <p className="hint" role="status">Installing Ollama… ({install.phase})</p>
  if (!found) return <p className="hint">Start it with <code>ollama serve</code>, or change the host in Settings.</p>
  const ours = found.installs.find((i) => i.ours)
  return (
    <div className="ollama-fix">
      {ours ? (
        <>
          <button type="button" className="button" disabled={busy} onClick={() => void start()}>{busy ? 'Starting…' : 'Start Ollama'}</button>
          <p className="hint">Ollama Desk installed it for your user; it is not running.</p>
        </>
      ) : found.installs.length > 0 ? (
        <p className="hint">Ollama is installed at <code>{found.installs[0]?.path}</code>. Start it with <code>ollama serve</code> (or open the Ollama app), or change the host in Settings.</p>
      ) : found.methods.length > 0 ? (
        <>
          <button type="button" className="button" onClick={() => startInstall(api, () => void refresh())}>Install Ollama</button>
          <p className="hint">Ollama is not installed. Ollama Desk installs the official release for your user (no administrator password), or change the host in Settings.</p>
        </>
      ) : (
        <p className="hint">Ollama is not installed. Download it from ollama.com and start it, or change the host in Settings.</p>
      )}
      {install?.state === 'failed' && install.error && (
        <p className="hint" role="alert"><InlineCode text={`${install.error.message} ${install.error.hint ?? ''}`} /></p>
      )}
      {problem && <p className="hint" role="alert"><InlineCode text={`${problem.message} ${problem.hint ?? ''}`} /></p>}
    </div>
  )
}
