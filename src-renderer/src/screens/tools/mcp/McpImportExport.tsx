import { useState } from 'react'
import type { ErrorShape, RouteInput, RouteOutput } from '../../../../../src-shared/contract'
import { useApi } from '../../../api/context'
import { folderName, useWorkspace, workspaceInput } from '../../../store/workspace-store'

type Imported = RouteOutput<'mcp.import'>

function ImportOutcome({ result }: { result: Imported }) {
  return (
    <div className="mcp-import-result" role="status">
      <p>{result.imported.length === 0 ? 'No server imported.' : `Imported: ${result.imported.join(', ')}`}</p>
      {result.skipped.length > 0 && (
        <ul aria-label="Skipped servers">
          {result.skipped.map((s) => (
            <li key={s.name}>
              <code>{s.name}</code> — {s.reason}
            </li>
          ))}
        </ul>
      )}
    </div>
  )
}

/** Bring servers in from Claude Desktop, pasted JSON or ollama-cli; show them as Claude Desktop JSON. */
export function McpImportExport({ onImported }: { onImported(): void }) {
  const api = useApi()
  const workspace = useWorkspace((state) => state.path)
  const [pasting, setPasting] = useState(false)
  const [json, setJson] = useState('')
  const [result, setResult] = useState<Imported | undefined>()
  const [problem, setProblem] = useState<ErrorShape | undefined>()
  const [exported, setExported] = useState<string | undefined>()
  const [copied, setCopied] = useState(false)

  const importFrom = async (input: RouteInput<'mcp.import'>): Promise<void> => {
    setResult(undefined)
    const answer = await api.call('mcp.import', input)
    if (!answer.ok) return setProblem(answer.error)
    setProblem(undefined)
    setResult(answer.value)
    if (input.from === 'json') setPasting(false)
    onImported()
  }

  const exportAll = async (): Promise<void> => {
    const answer = await api.call('mcp.export', {})
    if (!answer.ok) return setProblem(answer.error)
    setCopied(false)
    setExported(answer.value.json)
  }

  const copy = async (): Promise<void> => {
    if (exported === undefined) return
    try {
      await navigator.clipboard.writeText(exported)
      setCopied(true)
    } catch {
      setProblem({ code: 'E_IO', message: 'Could not copy; select the text and copy it by hand.', retryable: false })
    }
  }

  return (
    <div className="mcp-import" aria-label="Import and export">
      <div className="mcp-actions">
        <button type="button" className="button secondary" onClick={() => void importFrom({ from: 'claude-desktop' })}>Import from Claude Desktop</button>
        <button type="button" className="button secondary" onClick={() => setPasting((p) => !p)} aria-expanded={pasting}>Paste JSON</button>
        <button type="button" className="button secondary" onClick={() => void importFrom({ from: 'ollama-cli', ...workspaceInput(workspace) })}>
          From ollama-cli{workspace ? ` (${folderName(workspace)})` : ''}
        </button>
        <button type="button" className="button secondary" onClick={() => void exportAll()}>Export</button>
      </div>
      {pasting && (
        <div className="mcp-paste">
          <label className="mcp-field">
            <span className="field-label">{'Claude Desktop style JSON ({ "mcpServers": { … } })'}</span>
            <textarea rows={6} value={json} spellCheck={false} onChange={(event) => setJson(event.target.value)} />
          </label>
          <button type="button" className="button" disabled={!json.trim()} onClick={() => void importFrom({ from: 'json', json })}>Import</button>
        </div>
      )}
      {problem && <p className="field-error" role="alert">{problem.message}</p>}
      {result && <ImportOutcome result={result} />}
      {exported !== undefined && (
        <div className="mcp-export">
          <label className="mcp-field">
            <span className="field-label">Exported servers (secret values left out)</span>
            <textarea readOnly rows={8} value={exported} spellCheck={false} />
          </label>
          <div className="mcp-actions">
            <button type="button" className="button secondary" onClick={() => void copy()}>{copied ? 'Copied' : 'Copy'}</button>
            <button type="button" className="button secondary" onClick={() => setExported(undefined)}>Close</button>
          </div>
        </div>
      )}
    </div>
  )
}
