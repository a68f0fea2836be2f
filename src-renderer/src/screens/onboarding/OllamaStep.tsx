import { useCallback, useEffect, useState } from 'react'
import type { ErrorShape, OllamaDetection } from '../../../../src-shared/contract'
import { useApi } from '../../api/context'
import { formatBytes } from '../../lib/format'
import { useOnboarding, type Install, type StepStatus } from '../../store/onboarding-store'
import { Problem, ProgressBar } from './parts'

const phaseLabel: Record<Install['phase'], string> = {
  detect: 'Checking the port',
  download: 'Downloading Ollama',
  verify: 'Verifying the checksum',
  extract: 'Unpacking',
  install: 'Installing',
  start: 'Starting Ollama',
  health: 'Waiting for Ollama to answer',
  log: 'Working',
}

const eta = (seconds: number): string => (seconds < 60 ? `${Math.ceil(seconds)} s left` : `${Math.ceil(seconds / 60)} min left`)

function InstallProgressView({ install }: { install: Install }) {
  const percent = install.total ? (100 * (install.bytes ?? 0)) / install.total : install.phase === 'download' ? 0 : 100
  const facts = [
    install.bytes !== undefined ? `${formatBytes(install.bytes)}${install.total ? ` of ${formatBytes(install.total)}` : ''}` : undefined,
    install.bytesPerSecond ? `${formatBytes(install.bytesPerSecond)}/s` : undefined,
    install.etaSeconds !== undefined && install.phase === 'download' ? eta(install.etaSeconds) : undefined,
  ].filter(Boolean)
  return (
    <div className="onboarding-progress" role="status" aria-label="Installation progress">
      <strong>{phaseLabel[install.phase]}…</strong>
      <ProgressBar value={percent} label="Ollama download" />
      {facts.length > 0 && <p className="muted">{facts.join(' · ')}</p>}
      <button type="button" className="button secondary" onClick={() => install.cancel()}>
        Cancel
      </button>
    </div>
  )
}

/** Finds Ollama; offers to start it or to install it with one click; never leaves the user stuck. */
export function OllamaStep({ onStatus }: { onStatus(status: StepStatus): void }) {
  const api = useApi()
  const install = useOnboarding((state) => state.install)
  const startInstall = useOnboarding((state) => state.startInstall)
  const [found, setFound] = useState<OllamaDetection | undefined>()
  const [problem, setProblem] = useState<ErrorShape | undefined>()
  const [busy, setBusy] = useState<string | undefined>('Looking for Ollama…')

  const detect = useCallback(async () => {
    setBusy('Looking for Ollama…')
    setProblem(undefined)
    const result = await api.call('ollama.detect', {})
    setBusy(undefined)
    if (result.ok) setFound(result.value)
    else setProblem(result.error)
  }, [api])

  useEffect(() => void detect(), [detect])
  const failed = !!problem || install?.state === 'failed' || !!found?.portConflict
  useEffect(() => onStatus(found?.reachable === true ? 'ready' : failed ? 'failed' : 'waiting'), [found, failed, onStatus])

  const start = async (): Promise<void> => {
    setBusy('Starting Ollama…')
    setProblem(undefined)
    const result = await api.call('ollama.start', {})
    if (result.ok) await detect()
    else {
      setBusy(undefined)
      setProblem(result.error)
    }
  }

  if (install?.state === 'running') return <InstallProgressView install={install} />
  if (busy) return <p className="muted" role="status">{busy}</p>
  if (problem) return <Problem error={problem} onRetry={() => void detect()} />
  if (!found) return null

  const ours = found.installs.find((i) => i.ours)
  return (
    <div className="onboarding-body">
      {install?.state === 'failed' && install.error && <Problem error={install.error} onRetry={() => startInstall(api, () => void detect())} retryLabel="Retry the installation" />}
      {install?.state === 'done' && install.result?.binary && (
        <p className="hint">Installed for your user at <code>{install.result.binary}</code>.</p>
      )}
      {install?.state === 'cancelled' && <p className="muted" role="status">The installation was cancelled. Nothing was left half-installed.</p>}
      {found.reachable ? (
        <p className="onboarding-ok" role="status">
          <span aria-hidden="true">✓</span> Ollama {found.version} is running at <code>{found.host}</code>.
          {found.updateAvailable && found.latestVersion ? <span className="hint"> Ollama {found.latestVersion} is available; update it from Settings.</span> : null}
        </p>
      ) : found.portConflict ? (
        <Problem error={{ code: 'E_CONFIG', message: found.portConflict.message, hint: found.portConflict.hint, retryable: true }} onRetry={() => void detect()} retryLabel="Check again" />
      ) : found.installs.length > 0 ? (
        <>
          <p role="status">
            Ollama{found.installs[0]?.version ? ` ${found.installs[0].version}` : ''} is installed at <code>{found.installs[0]?.path}</code> but is not running at <code>{found.host}</code>.
          </p>
          {ours ? (
            <button type="button" className="button" onClick={() => void start()}>Start Ollama</button>
          ) : (
            <p className="hint">Start it with <code>ollama serve</code> (or open the Ollama app), then check again.</p>
          )}
          <button type="button" className="button secondary" onClick={() => void detect()}>Check again</button>
        </>
      ) : (
        <>
          <p role="status">Ollama was not found on this computer, and nothing answers at <code>{found.host}</code>.</p>
          {install?.state === 'failed' ? null : found.methods.length > 0 ? (
            <>
              <p className="hint">Ollama Desk can install it for you, just for your user (no administrator password). It downloads the official release from GitHub and verifies its checksum.</p>
              <button type="button" className="button" onClick={() => startInstall(api, () => void detect())}>Install Ollama</button>
            </>
          ) : (
            <p className="hint">Installing Ollama from here is not supported on {found.platform} yet. Download it from ollama.com, start it, then check again.</p>
          )}
          <button type="button" className="button secondary" onClick={() => void detect()}>Check again</button>
        </>
      )}
    </div>
  )
}
