import type { ReactNode } from 'react'
import { ErrorClassSchema, type BudgetStatus, type ProviderView } from '../../../../src-shared/contract'
import { formatCost } from '../../lib/format'
import { ChainEditor } from './ChainEditor'
import type { RoutingEditor } from './use-routing'

const classNames: Record<string, string> = {
  auth: 'Key refused (401/403)',
  'rate-limited': 'Rate limited (429)',
  quota: 'Out of quota or credit',
  'context-length': 'Prompt too long for the model',
  'model-not-found': 'Model not found',
  network: 'Network unreachable',
  timeout: 'Timed out',
  server: 'Server error (5xx)',
  'content-filtered': 'Blocked by a content filter',
  'bad-response': 'Unreadable response',
}

function NumberField({ label, value, min, max, onChange, error, suffix }: { label: string; value: number; min: number; max: number; onChange(n: number): void; error?: string | undefined; suffix?: ReactNode }) {
  return (
    <label className="pfield">
      <span className="field-label">{label}</span>
      <span className="with-suffix">
        <input type="number" min={min} max={max} value={value} aria-invalid={error ? true : undefined} onChange={(event) => onChange(Number(event.target.value))} />
        {suffix}
      </span>
      {error && <span className="field-error">{error}</span>}
    </label>
  )
}

function BudgetMeter({ label, spent, cap }: { label: string; spent: number; cap: number | null }) {
  if (cap === null || cap === 0) return <p className="hint">{label}: {formatCost(spent || 0)} spent, no cap</p>
  const share = Math.min(1, spent / cap)
  return (
    <div className="budget-meter">
      <span className="hint">{label}: {formatCost(spent || 0)} of {formatCost(cap)}</span>
      <meter min={0} max={cap} value={Math.min(spent, cap)} low={cap * 0.6} high={cap * 0.8} optimum={0} aria-label={`${label} spend`}>{Math.round(share * 100)} %</meter>
    </div>
  )
}

function CapField({ label, value, onChange, error }: { label: string; value: string; onChange(v: string): void; error?: string | undefined }) {
  return (
    <label className="pfield">
      <span className="field-label">{label}</span>
      <input inputMode="decimal" value={value} placeholder="No cap" aria-invalid={error ? true : undefined} onChange={(event) => onChange(event.target.value)} />
      {error && <span className="field-error">{error}</span>}
    </label>
  )
}

/** Chain, fallback rules, retries, breaker and budget: one form, saved through routing.update. */
export function RoutingSettings({ editor, providers }: { editor: RoutingEditor; providers: ProviderView[] }) {
  const { draft, issues, change, caps, setCaps } = editor
  if (!draft) return <section className="card" aria-label="Routing"><p className="muted">{editor.problem?.message ?? 'Loading routing…'}</p></section>
  const budget: BudgetStatus | undefined = editor.budget
  return (
    <section className="card routing" aria-labelledby="routing-title">
      <h2 id="routing-title">Routing, retries and budget</h2>
      <ChainEditor chain={draft.chain} providers={providers} onChange={change} error={issues.chain} />
      <fieldset>
        <legend>Fall back to the next model when</legend>
        <div className="checks">
          {ErrorClassSchema.options.map((name) => (
            <label key={name} className="check">
              <input
                type="checkbox"
                checked={draft.fallbackOn.includes(name)}
                onChange={(event) => change((r) => ({ ...r, fallbackOn: event.target.checked ? [...r.fallbackOn, name] : r.fallbackOn.filter((c) => c !== name) }))}
              />
              {classNames[name] ?? name}
            </label>
          ))}
        </div>
      </fieldset>
      <label className="switch-row">
        <input type="checkbox" role="switch" checked={draft.localLastResort} onChange={(event) => change((r) => ({ ...r, localLastResort: event.target.checked }))} />
        Use local Ollama as a last resort
      </label>
      <fieldset>
        <legend>When no model is chosen</legend>
        <label className="check"><input type="radio" name="policy" checked={draft.policy === 'manual'} onChange={() => change((r) => ({ ...r, policy: 'manual' }))} /> Follow the chain</label>
        <label className="check"><input type="radio" name="policy" checked={draft.policy === 'cheapest'} onChange={() => change((r) => ({ ...r, policy: 'cheapest' }))} /> Cheapest model that can do it</label>
      </fieldset>
      <div className="form-grid">
        <NumberField label="Attempts per model" value={draft.retry.maxAttempts} min={1} max={10} error={issues['retry.maxAttempts']} onChange={(n) => change((r) => ({ ...r, retry: { ...r.retry, maxAttempts: n } }))} />
        <NumberField label="Open the circuit after failures" value={draft.breaker.failureThreshold} min={1} max={100} error={issues['breaker.failureThreshold']} onChange={(n) => change((r) => ({ ...r, breaker: { ...r.breaker, failureThreshold: n } }))} />
        <NumberField label="Cool-down (seconds)" value={Math.round(draft.breaker.cooldownMs / 1000)} min={1} max={3600} error={issues['breaker.cooldownMs']} onChange={(n) => change((r) => ({ ...r, breaker: { ...r.breaker, cooldownMs: n * 1000 } }))} />
        <CapField label="Daily budget (USD)" value={caps.daily} error={issues['budget.dailyUsd']} onChange={(daily) => setCaps({ ...caps, daily })} />
        <CapField label="Monthly budget (USD)" value={caps.monthly} error={issues['budget.monthlyUsd']} onChange={(monthly) => setCaps({ ...caps, monthly })} />
      </div>
      {budget && (
        <div className={`budget budget-${budget.state}`}>
          <BudgetMeter label="Today" spent={budget.todayUsd} cap={budget.dailyUsd} />
          <BudgetMeter label="This month" spent={budget.monthUsd} cap={budget.monthlyUsd} />
          {budget.state === 'blocked' && <p className="field-error" role="status">A cap is reached: paid providers are paused until it resets or is raised.</p>}
        </div>
      )}
      {editor.problem && Object.keys(issues).length === 0 && <p className="field-error" role="alert">{editor.problem.message}</p>}
      <div className="form-actions">
        <button type="button" className="button" disabled={editor.saving || !editor.dirty} onClick={() => void editor.save()}>{editor.saving ? 'Saving…' : 'Save routing'}</button>
        {editor.saved && <span className="hint" role="status">Saved.</span>}
      </div>
    </section>
  )
}
