import { useState, type FormEvent, type ReactNode } from 'react'
import type { ErrorShape, McpServerView, McpTransport, RouteInput } from '../../../../../src-shared/contract'
import { useApi } from '../../../api/context'
import { McpTestResult, type McpTestAnswer } from './McpTestResult'
import { emptyRow, linesOf, rowsOf, splitRows, type VariableRow } from './variables'
import { VariablesEditor } from './VariablesEditor'

export interface McpServerFormProps {
  /** Editing a saved server (its name is fixed), or adding a new one. */
  existing?: McpServerView
  save(input: RouteInput<'mcp.save'>): Promise<ErrorShape | undefined>
  onDone(): void
}

const TRANSPORTS: { value: McpTransport; label: string }[] = [
  { value: 'stdio', label: 'stdio (a local program)' },
  { value: 'http', label: 'Streamable HTTP' },
  { value: 'sse', label: 'SSE (older HTTP servers)' },
]

const isAuthorization = (key: string): boolean => /^authorization$/i.test(key.trim())

/** Field errors by path ("config.url" → its message); the first one wins. */
const issuesOf = (error: ErrorShape | undefined): Record<string, string> => {
  const out: Record<string, string> = {}
  for (const issue of error?.issues ?? []) out[issue.path] ??= issue.message
  return out
}

function Field({ label, error, note, children }: { label: string; error?: string | undefined; note?: string; children: ReactNode }) {
  return (
    <div className="mcp-field">
      <label>
        <span className="field-label">{label}</span>
        {children}
      </label>
      {note && <span className="hint">{note}</span>}
      {error && <span className="field-error">{error}</span>}
    </div>
  )
}

/** Add or edit one MCP server. Secret values leave with the save and never come back. */
export function McpServerForm({ existing, save, onDone }: McpServerFormProps) {
  const api = useApi()
  const start = existing?.config
  const [name, setName] = useState(start?.name ?? '')
  const [transport, setTransport] = useState<McpTransport>(start?.transport ?? 'stdio')
  const [command, setCommand] = useState(start?.command ?? '')
  const [args, setArgs] = useState((start?.args ?? []).join('\n'))
  const [env, setEnv] = useState<VariableRow[]>(start ? rowsOf(start.env, start.secretEnv) : [])
  const [url, setUrl] = useState(start?.url ?? '')
  const [headers, setHeaders] = useState<VariableRow[]>(start ? rowsOf(start.headers, start.secretHeaders) : [{ ...emptyRow(true), key: 'Authorization' }])
  const [description, setDescription] = useState(start?.description ?? '')
  const [timeout, setTimeoutText] = useState(String((start?.timeoutMs ?? 60_000) / 1000))
  const [enabled, setEnabled] = useState(start?.enabled ?? true)
  const [error, setError] = useState<ErrorShape | undefined>()
  const [busy, setBusy] = useState<'saving' | 'testing' | undefined>()
  const [tested, setTested] = useState<McpTestAnswer | undefined>()
  const issues = issuesOf(error)
  const generalProblem = error && Object.keys(issues).length === 0 ? error : undefined

  const input = (): RouteInput<'mcp.save'> => {
    const stdio = transport === 'stdio'
    const vars = splitRows(stdio ? env : headers)
    const config: RouteInput<'mcp.save'>['config'] = {
      name: name.trim(),
      transport,
      ...(stdio
        ? { command: command.trim(), args: linesOf(args), env: vars.plain, secretEnv: vars.secretNames }
        : { url: url.trim(), headers: vars.plain, secretHeaders: vars.secretNames }),
      ...(description.trim() ? { description: description.trim() } : {}),
      enabled,
      timeoutMs: Math.round(Number(timeout) * 1000),
    }
    const hasSecrets = Object.keys(vars.secretValues).length > 0
    return { config, ...(hasSecrets ? { secrets: stdio ? { env: vars.secretValues } : { headers: vars.secretValues } } : {}) }
  }

  const test = async (): Promise<void> => {
    setBusy('testing')
    setTested(undefined)
    const result = await api.call('mcp.test', input())
    setBusy(undefined)
    if (!result.ok) return setError(result.error)
    setError(undefined)
    setTested(result.value)
  }

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault()
    setBusy('saving')
    const problem = await save(input())
    setBusy(undefined)
    setError(problem)
    if (!problem) onDone()
  }

  return (
    <form className="mcp-form" aria-label={existing ? `Edit ${existing.config.name}` : 'Add an MCP server'} onSubmit={(event) => void submit(event)} noValidate>
      <div className="mcp-form-grid">
        <Field label="Name" error={issues['config.name']} note={existing ? 'The name is how chats and hooks know the server; it cannot change.' : 'Letters, digits, _ and -.'}>
          <input value={name} disabled={Boolean(existing)} spellCheck={false} placeholder="github" onChange={(event) => setName(event.target.value)} aria-invalid={Boolean(issues['config.name'])} />
        </Field>
        <Field label="Transport" error={issues['config.transport']}>
          <select value={transport} onChange={(event) => setTransport(event.target.value as McpTransport)}>
            {TRANSPORTS.map((t) => <option key={t.value} value={t.value}>{t.label}</option>)}
          </select>
        </Field>
        {transport === 'stdio' ? (
          <>
            <Field label="Command" error={issues['config.command']} note="Started with your login shell’s PATH (npx, uvx, node …).">
              <input value={command} spellCheck={false} placeholder="npx" onChange={(event) => setCommand(event.target.value)} aria-invalid={Boolean(issues['config.command'])} />
            </Field>
            <Field label="Arguments (one a line)" error={issues['config.args']}>
              <textarea rows={3} value={args} spellCheck={false} placeholder={'-y\n@modelcontextprotocol/server-github'} onChange={(event) => setArgs(event.target.value)} />
            </Field>
          </>
        ) : (
          <Field label="URL" error={issues['config.url']}>
            <input value={url} spellCheck={false} placeholder="https://example.com/mcp" onChange={(event) => setUrl(event.target.value)} aria-invalid={Boolean(issues['config.url'])} />
          </Field>
        )}
        <Field label="Description" error={issues['config.description']}>
          <input value={description} onChange={(event) => setDescription(event.target.value)} />
        </Field>
        <Field label="Timeout per tool call (seconds)" error={issues['config.timeoutMs']}>
          <input type="number" min={1} max={3600} value={timeout} onChange={(event) => setTimeoutText(event.target.value)} aria-invalid={Boolean(issues['config.timeoutMs'])} />
        </Field>
        <label className="switch-row">
          <input type="checkbox" role="switch" checked={enabled} onChange={(event) => setEnabled(event.target.checked)} />
          Enabled
        </label>
      </div>
      {transport === 'stdio' ? (
        <VariablesEditor noun="variable" legend="Environment" rows={env} onChange={setEnv} error={issues['config.env'] ?? issues['config.secretEnv']} />
      ) : (
        <VariablesEditor noun="header" legend="Headers" rows={headers} onChange={setHeaders} secretByDefault={isAuthorization} error={issues['config.headers'] ?? issues['config.secretHeaders']} />
      )}
      {generalProblem && (
        <div role="alert" className="mcp-problem">
          <strong>{generalProblem.message}</strong>
          {generalProblem.hint && <p className="hint">{generalProblem.hint}</p>}
        </div>
      )}
      {tested && <McpTestResult result={tested} />}
      <div className="mcp-actions">
        <button type="submit" className="button" disabled={busy !== undefined}>{busy === 'saving' ? 'Saving…' : 'Save'}</button>
        <button type="button" className="button secondary" disabled={busy !== undefined} onClick={() => void test()}>{busy === 'testing' ? 'Testing…' : 'Test before saving'}</button>
        <button type="button" className="button secondary" onClick={onDone}>Cancel</button>
      </div>
    </form>
  )
}
