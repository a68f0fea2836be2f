import { useId, useState } from 'react'
import type { ErrorShape, HooksConfig } from '../../../../src-shared/contract'
import type { HookSource } from './use-hooks'

export interface HookEditorProps {
  source: HookSource
  file: string | null
  initial: HooksConfig
  save(hooks: HooksConfig): Promise<ErrorShape | undefined>
  onClose(): void
}

type Problem = { message: string; issues: { path: string; message: string }[] }

/** Accepts Claude Code's settings shape (`{"hooks": {…}}`) or the bare hooks object. */
function parse(text: string): { hooks: unknown } | { problem: Problem } {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    return { problem: { message: `Not valid JSON: ${error instanceof Error ? error.message : String(error)}`, issues: [] } }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { problem: { message: 'Expected an object like {"hooks": {"PreToolUse": […]}}.', issues: [] } }
  return { hooks: 'hooks' in value ? (value as { hooks: unknown }).hooks : value }
}

/** The hooks of one settings file as JSON; the core validates on save and its errors show here. */
export function HookEditor({ source, file, initial, save, onClose }: HookEditorProps) {
  const errorId = useId()
  const [text, setText] = useState(() => JSON.stringify({ hooks: initial }, null, 2))
  const [problem, setProblem] = useState<Problem | undefined>()
  const [saving, setSaving] = useState(false)

  const onSave = async (): Promise<void> => {
    const parsed = parse(text)
    if ('problem' in parsed) return setProblem(parsed.problem)
    setSaving(true)
    // The core is the judge of the format: its validation errors are shown as they come.
    const error = await save(parsed.hooks as HooksConfig)
    setSaving(false)
    if (error) return setProblem({ message: error.message, issues: error.issues ?? [] })
    setProblem(undefined)
    onClose()
  }

  const label = source === 'user' ? 'User hooks' : 'Workspace hooks'
  return (
    <form className="hook-editor" aria-label={`Edit ${label.toLowerCase()}`} onSubmit={(event) => {
      event.preventDefault()
      void onSave()
    }}>
      <div className="hook-editor-head">
        <strong>{label}</strong>
        {file && <code className="muted">{file}</code>}
      </div>
      <textarea
        aria-label={`${label} (JSON)`}
        aria-invalid={problem !== undefined}
        aria-describedby={problem ? errorId : undefined}
        spellCheck={false}
        rows={Math.min(24, Math.max(8, text.split('\n').length + 1))}
        value={text}
        onChange={(event) => setText(event.target.value)}
      />
      {problem && (
        <div id={errorId} className="hook-editor-error" role="alert">
          <p>{problem.message}</p>
          {problem.issues.length > 0 && (
            <ul>
              {problem.issues.map((issue, i) => (
                <li key={i}>
                  <code>{issue.path || '(root)'}</code>: {issue.message}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      <p className="hint">Claude Code’s format: each event holds matchers, each matcher a list of <code>{'{"type": "command", "command": "…", "timeout": 60}'}</code>.</p>
      <div className="form-actions">
        <button type="submit" className="button" disabled={saving}>{saving ? 'Saving…' : 'Save hooks'}</button>
        <button type="button" className="button secondary" onClick={onClose}>Cancel</button>
      </div>
    </form>
  )
}
