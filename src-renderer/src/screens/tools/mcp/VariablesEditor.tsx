import type { ClipboardEvent } from 'react'
import { emptyRow, parseLines, type VariableRow } from './variables'

export interface VariablesEditorProps {
  /** "variable" or "header": names the fields ("Name of variable 1"). */
  noun: 'variable' | 'header'
  legend: string
  rows: VariableRow[]
  onChange(rows: VariableRow[]): void
  /** Whether a name is secret unless the user says otherwise (Authorization headers are). */
  secretByDefault?: (key: string) => boolean
  error?: string | undefined
}

/** Name / value rows with a "secret" checkbox each. Pasting `KEY=VALUE` lines into a name fills several rows. */
export function VariablesEditor({ noun, legend, rows, onChange, secretByDefault, error }: VariablesEditorProps) {
  const separator = noun === 'variable' ? '=' : ':'
  const update = (i: number, patch: Partial<VariableRow>): void => onChange(rows.map((row, j) => (j === i ? { ...row, ...patch } : row)))
  const setKey = (i: number, key: string): void => {
    const row = rows[i]!
    update(i, { key, ...(!row.touched && !row.stored && secretByDefault ? { secret: secretByDefault(key) } : {}) })
  }
  const paste = (i: number, event: ClipboardEvent<HTMLInputElement>): void => {
    const text = event.clipboardData.getData('text')
    if (!text.includes(separator) && !text.includes('\n')) return
    event.preventDefault()
    const pasted = parseLines(text, separator).map((row) => (secretByDefault?.(row.key) ? { ...row, secret: true } : row))
    onChange([...rows.slice(0, i), ...pasted, ...rows.slice(i + 1)])
  }
  return (
    <fieldset className="mcp-variables">
      <legend>{legend}</legend>
      {rows.length === 0 && <p className="hint">None.</p>}
      {rows.map((row, i) => {
        const n = i + 1
        return (
          <div className="mcp-variable" key={i}>
            <input aria-label={`Name of ${noun} ${n}`} value={row.key} placeholder={noun === 'variable' ? 'KEY' : 'Header'} spellCheck={false} onChange={(event) => setKey(i, event.target.value)} onPaste={(event) => paste(i, event)} />
            <input
              aria-label={`Value of ${noun} ${n}`}
              type={row.secret ? 'password' : 'text'}
              value={row.value}
              placeholder={row.stored ? 'set — type to replace' : 'value'}
              spellCheck={false}
              autoComplete="off"
              onChange={(event) => update(i, { value: event.target.value })}
            />
            <label className="mcp-secret">
              <input type="checkbox" checked={row.secret} aria-label={`Secret ${noun} ${n}`} onChange={(event) => update(i, { secret: event.target.checked, touched: true })} />
              secret
            </label>
            {row.stored && <span className="mcp-chip">set</span>}
            <button type="button" className="button secondary" aria-label={`Remove ${noun} ${n}`} onClick={() => onChange(rows.filter((_, j) => j !== i))}>
              ×
            </button>
          </div>
        )
      })}
      <button type="button" className="button secondary" onClick={() => onChange([...rows, emptyRow()])}>
        Add {noun}
      </button>
      {error && <p className="field-error">{error}</p>}
      <p className="hint">Secret values go to the secret store and are never shown again; paste {noun === 'variable' ? 'KEY=VALUE' : 'Name: value'} lines into a name to add several.</p>
    </fieldset>
  )
}
