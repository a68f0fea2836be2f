import { useId } from 'react'
import type { ModelInfo, ProviderView } from '../../../../src-shared/contract'
import '../../branches.css'
import { COMPARE_MAX, COMPARE_MIN, sameTarget, useCompare } from './compare-store'

/** The composer's "Compare models" switch: one prompt to 2–4 models at once. */
export function CompareToggle({ disabled }: { disabled: boolean }) {
  const on = useCompare((state) => state.on)
  const toggle = useCompare((state) => state.toggle)
  return (
    <button
      type="button"
      className={`button secondary tool-button compare-toggle${on ? ' active' : ''}`}
      aria-pressed={on}
      aria-label="Compare models"
      title={`Send one prompt to ${COMPARE_MIN}–${COMPARE_MAX} models side by side`}
      disabled={disabled}
      onClick={toggle}
    >
      Compare
    </button>
  )
}

/** The models to compare, ticked from the same list as the model picker. */
export function CompareModels({ models, providers }: { models: readonly ModelInfo[]; providers: readonly ProviderView[] }) {
  const on = useCompare((state) => state.on)
  const chosen = useCompare((state) => state.chosen)
  const pick = useCompare((state) => state.pick)
  const labelId = useId()
  if (!on) return null
  const providerName = (id: string): string => providers.find((p) => p.config.id === id)?.config.name ?? id
  return (
    <div className="compare-bar" role="group" aria-labelledby={labelId}>
      <span id={labelId} className="muted">Models to compare ({chosen.length} of {COMPARE_MIN}–{COMPARE_MAX})</span>
      {models.length === 0 && <span className="muted">No models are listed yet.</span>}
      {models.map((model) => {
        const target = { providerId: model.providerId, model: model.id }
        const ticked = chosen.some((t) => sameTarget(t, target))
        return (
          <label key={`${model.providerId}/${model.id}`}>
            <input type="checkbox" checked={ticked} disabled={!ticked && chosen.length >= COMPARE_MAX} onChange={() => pick(target)} />
            {model.name} · {providerName(model.providerId)}
          </label>
        )
      })}
    </div>
  )
}
