import type { ErrorShape } from '../../../../src-shared/contract'
import { InlineCode } from '../../components/InlineCode'

export function ProgressBar({ value, label }: { value: number; label: string }) {
  return (
    <div className="bar" role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(value)}>
      <span style={{ width: `${Math.min(100, Math.max(0, value))}%` }} />
    </div>
  )
}

/** A failure with what to do about it; the wizard's Skip buttons stay available too. */
export function Problem({ error, onRetry, retryLabel = 'Retry' }: { error: ErrorShape; onRetry(): void; retryLabel?: string }) {
  return (
    <div className="onboarding-problem" role="alert">
      <strong><InlineCode text={error.message} /></strong>
      {error.hint && <p className="hint"><InlineCode text={error.hint} /></p>}
      <button type="button" className="button secondary" onClick={onRetry}>
        {retryLabel}
      </button>
    </div>
  )
}
