import { useState } from 'react'
import type { ErrorShape, McpServerStatus, McpServerView, RouteInput } from '../../../../../src-shared/contract'
import { useApi } from '../../../api/context'
import { McpServerForm } from './McpServerForm'
import { McpTestResult, type McpTestAnswer } from './McpTestResult'

export interface McpServerRowProps {
  view: McpServerView
  status: McpServerStatus
  save(input: RouteInput<'mcp.save'>): Promise<ErrorShape | undefined>
  setEnabled(enabled: boolean): Promise<ErrorShape | undefined>
  remove(): Promise<ErrorShape | undefined>
  restart(): Promise<ErrorShape | undefined>
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`

/** The numbers under a server's name: its tools, how fast it answered, how often it restarted, when it is tried again. */
function StatusLine({ status }: { status: McpServerStatus }) {
  const parts = [plural(status.tools, 'tool')]
  if (status.latencyMs !== null) parts.push(`${status.latencyMs} ms`)
  if (status.restarts > 0) parts.push(plural(status.restarts, 'restart'))
  if (status.retry) parts.push(`attempt ${status.retry.attempt} ${status.retry.nextAttemptAt === null ? 'under way' : `at ${new Date(status.retry.nextAttemptAt).toLocaleTimeString()}`}`)
  if (status.serverName) parts.push(`${status.serverName}${status.serverVersion ? ` ${status.serverVersion}` : ''}`)
  return <span className="mcp-status-line">{parts.join(' · ')}</span>
}

/** Variable or header names; a secret one shows only that it is set. */
function Names({ label, plain, secret }: { label: string; plain: Record<string, string>; secret: string[] }) {
  if (Object.keys(plain).length === 0 && secret.length === 0) return null
  return (
    <p className="mcp-names">
      <span className="field-label">{label}</span>{' '}
      {Object.keys(plain).map((key) => <code key={key}>{key}</code>)}
      {secret.map((key) => (
        <span key={key} className="mcp-secret-name">
          <code>{key}</code> <span className="mcp-chip">set</span>
        </span>
      ))}
    </p>
  )
}

/** One configured server with its live state and what can be done to it. */
export function McpServerRow({ view, status, save, setEnabled, remove, restart }: McpServerRowProps) {
  const api = useApi()
  const { config } = view
  const [editing, setEditing] = useState(false)
  const [confirming, setConfirming] = useState(false)
  const [testing, setTesting] = useState(false)
  const [tested, setTested] = useState<McpTestAnswer | undefined>()
  const [problem, setProblem] = useState<ErrorShape | undefined>()
  const run = async (action: () => Promise<ErrorShape | undefined>): Promise<void> => setProblem(await action())

  const test = async (): Promise<void> => {
    setTesting(true)
    const result = await api.call('mcp.test', { name: config.name })
    setTesting(false)
    setTested(result.ok ? result.value : { ok: false, tools: [], latencyMs: null, error: result.error.message })
  }

  const where = config.transport === 'stdio' ? [config.command ?? '', ...config.args].join(' ') : (config.url ?? '')
  return (
    <li className="mcp-row" aria-label={config.name}>
      <div className="mcp-line">
        <strong>{config.name}</strong>
        <span className="mcp-chip">{config.transport}</span>
        <span className={`mcp-pill mcp-pill-${status.state}`} aria-label={`State: ${status.state}`}>{status.state}</span>
        <StatusLine status={status} />
        <span className="mcp-buttons">
          <label className="switch-row">
            <input type="checkbox" role="switch" aria-label={`Enable ${config.name}`} checked={config.enabled} onChange={(event) => void run(() => setEnabled(event.target.checked))} />
            Enabled
          </label>
          <button type="button" className="button secondary" onClick={() => void test()} disabled={testing}>{testing ? 'Testing…' : 'Test connection'}</button>
          <button type="button" className="button secondary" onClick={() => void run(restart)} disabled={!config.enabled}>Restart</button>
          <button type="button" className="button secondary" onClick={() => setEditing((e) => !e)} aria-expanded={editing}>Edit</button>
          {confirming ? (
            <>
              <span className="mcp-confirm">Remove {config.name} and its secrets?</span>
              <button type="button" className="button danger" onClick={() => void run(remove)}>Remove</button>
              <button type="button" className="button secondary" onClick={() => setConfirming(false)}>Keep</button>
            </>
          ) : (
            <button type="button" className="button secondary" onClick={() => setConfirming(true)}>Remove…</button>
          )}
        </span>
      </div>
      <code className="mcp-where">{where}</code>
      {config.description && <p className="mcp-description">{config.description}</p>}
      {config.transport === 'stdio' ? <Names label="Environment" plain={config.env} secret={config.secretEnv} /> : <Names label="Headers" plain={config.headers} secret={config.secretHeaders} />}
      {status.lastError && <p className="mcp-last-error">Last error: {status.lastError}</p>}
      {problem && <p className="field-error" role="alert">{problem.message}</p>}
      {tested && <McpTestResult result={tested} />}
      {editing && <McpServerForm existing={view} save={save} onDone={() => setEditing(false)} />}
    </li>
  )
}
