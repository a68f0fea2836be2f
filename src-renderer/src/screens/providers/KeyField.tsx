import { useState } from 'react'
import type { ProviderView } from '../../../../src-shared/contract'

export interface KeyFieldProps {
  /** What the core says about the stored key; the key itself never reaches this window. */
  status: ProviderView['key'] | undefined
  value: string
  onChange(value: string): void
  onClear?: () => void
  error?: string | undefined
}

/** A password field for a new key, or "Key set · …abcd" with Replace and Clear. */
export function KeyField({ status, value, onChange, onClear, error }: KeyFieldProps) {
  const [replacing, setReplacing] = useState(false)
  if (status?.set && !replacing) {
    return (
      <div className="key-set">
        <span className="field-label">API key</span>
        <span className="key-status">Key set{status.last4 ? ` · …${status.last4}` : ''}</span>
        <button type="button" className="link-button" onClick={() => setReplacing(true)}>Replace</button>
        {onClear && <button type="button" className="link-button danger-link" onClick={onClear}>Clear</button>}
      </div>
    )
  }
  return (
    <label className="pfield">
      <span className="field-label">API key</span>
      <input
        type="password"
        autoComplete="off"
        spellCheck={false}
        value={value}
        placeholder={status?.set ? 'Type the new key' : 'Paste the key'}
        aria-invalid={error ? true : undefined}
        onChange={(event) => onChange(event.target.value)}
      />
      {error && <span className="field-error">{error}</span>}
      {replacing && (
        <button type="button" className="link-button" onClick={() => { setReplacing(false); onChange('') }}>Keep the current key</button>
      )}
    </label>
  )
}
