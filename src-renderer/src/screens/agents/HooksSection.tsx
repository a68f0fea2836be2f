import { useState } from 'react'
import { HookEditor } from './HookEditor'
import { HookList } from './HookList'
import { HookRunLog } from './HookRunLog'
import { configOf, useHooks, type HookSource, type ImportFrom } from './use-hooks'

const importSources: { from: ImportFrom; label: string }[] = [
  { from: 'claude', label: 'Claude Code' },
  { from: 'ollama-cli', label: 'ollama-cli' },
  { from: 'qarin', label: 'qarin' },
]

function ImportMenu({ hasWorkspace, onImport }: { hasWorkspace: boolean; onImport(from: ImportFrom, into: HookSource): Promise<void> }) {
  const [from, setFrom] = useState<ImportFrom>('claude')
  const [into, setInto] = useState<HookSource>('user')
  const [busy, setBusy] = useState(false)
  return (
    <details className="import-menu">
      <summary className="button secondary">Import…</summary>
      <form
        aria-label="Import hooks"
        onSubmit={(event) => {
          event.preventDefault()
          setBusy(true)
          void onImport(from, into).finally(() => setBusy(false))
        }}
      >
        <label className="pfield">
          <span className="field-label">From</span>
          <select value={from} onChange={(e) => setFrom(e.target.value as ImportFrom)}>
            {importSources.map((s) => <option key={s.from} value={s.from}>{s.label}</option>)}
          </select>
        </label>
        <label className="pfield">
          <span className="field-label">Into</span>
          <select value={into} onChange={(e) => setInto(e.target.value as HookSource)}>
            <option value="user">User level</option>
            <option value="workspace" disabled={!hasWorkspace}>This workspace</option>
          </select>
        </label>
        <button type="submit" className="button" disabled={busy}>{busy ? 'Importing…' : 'Import'}</button>
      </form>
    </details>
  )
}

/** Hooks: what runs on each event, switches, a JSON editor per settings file, test runs, and the live log. */
export function HooksSection({ workspace }: { workspace: string }) {
  const data = useHooks(workspace)
  const [editing, setEditing] = useState<HookSource | undefined>()
  return (
    <section className="card hooks" aria-labelledby="hooks-title">
      <div className="section-head">
        <h2 id="hooks-title">Hooks</h2>
        <div className="row-buttons">
          <button type="button" className="button secondary" onClick={() => setEditing('user')}>Edit user hooks</button>
          <button type="button" className="button secondary" disabled={!workspace} title={workspace ? undefined : 'Set a workspace folder first'} onClick={() => setEditing('workspace')}>
            Edit workspace hooks
          </button>
          <ImportMenu hasWorkspace={workspace !== ''} onImport={data.importFrom} />
        </div>
      </div>
      <p className="hint">Commands that run on events (before a tool runs, when a prompt is sent…), in Claude Code’s format: exit 2 blocks, JSON on stdout can allow, deny or ask.</p>
      {data.problem && (
        <p className="hook-error" role="alert">Can’t list hooks: {data.problem.message}</p>
      )}
      {editing && (
        <HookEditor
          key={editing}
          source={editing}
          file={editing === 'user' ? data.files.user : data.files.workspace}
          initial={configOf(data.entries, editing)}
          save={(hooks) => data.save(editing, hooks)}
          onClose={() => setEditing(undefined)}
        />
      )}
      <HookList data={data} onEdit={setEditing} />
      <HookRunLog runs={data.runs} />
    </section>
  )
}
