import { useState } from 'react'
import { CompactionSettingsPatchSchema, DEFAULT_COMPACT_THRESHOLD } from '../../../../src-shared/contract'
import { useApi } from '../../api/context'
import { useAppStore } from '../../store/app-store'
import { updateSettings } from '../../store/bootstrap'

const toPercent = (share: number): string => String(Math.round(share * 100))

/** The share a typed percentage stands for, or the reason it is not one (the contract's own messages for the range). */
export function parseThreshold(typed: string): { threshold: number } | { error: string } {
  const text = typed.trim().replace(/\s*%$/, '')
  if (!/^\d+(\.\d+)?$/.test(text)) return { error: 'Enter a percentage of the context window, like 85.' }
  const threshold = Number(text) / 100
  const checked = CompactionSettingsPatchSchema.safeParse({ threshold })
  if (!checked.success) {
    const message = checked.error.issues[0]?.message ?? 'this threshold is out of range'
    return { error: `${message.charAt(0).toUpperCase()}${message.slice(1)}.` }
  }
  return { threshold }
}

/**
 * Settings → Chat → automatic compaction: on or off, and the share of the model's context window
 * (50–99 %, default 85 %) at which a send first summarises the older messages. A bad value is
 * explained next to the field and never saved.
 */
export function CompactionSetting() {
  const api = useApi()
  const compaction = useAppStore((state) => state.settings?.compaction)
  const [typed, setTyped] = useState<string | undefined>()
  const [error, setError] = useState<string | null>(null)
  if (!compaction) return null
  const save = (patch: { auto?: boolean; threshold?: number }): void => void updateSettings(api, { compaction: patch })
  const commit = (): void => {
    if (typed === undefined) return
    const parsed = parseThreshold(typed)
    if ('error' in parsed) return setError(parsed.error)
    setError(null)
    setTyped(undefined)
    if (parsed.threshold !== compaction.threshold) save({ threshold: parsed.threshold })
  }
  return (
    <fieldset className="compaction-setting">
      <legend>Automatic compaction</legend>
      <label className="checkbox">
        <input type="checkbox" checked={compaction.auto} onChange={(event) => save({ auto: event.target.checked })} /> Summarise older messages when a chat nears its context window
      </label>
      <label className="field compaction-threshold">
        <span className="field-label">Compact from (% of the context window)</span>
        <span className="compaction-threshold-input">
          <input
            type="text"
            inputMode="decimal"
            value={typed ?? toPercent(compaction.threshold)}
            disabled={!compaction.auto}
            aria-invalid={error ? true : undefined}
            aria-describedby="compaction-threshold-help"
            onChange={(event) => {
              setTyped(event.target.value)
              setError(null)
            }}
            onBlur={commit}
            onKeyDown={(event) => event.key === 'Enter' && commit()}
          />
          <span aria-hidden="true">%</span>
        </span>
      </label>
      {error ? (
        <p id="compaction-threshold-help" className="field-error" role="alert">
          {error} It stays at {toPercent(compaction.threshold)} %.
        </p>
      ) : (
        <p id="compaction-threshold-help" className="hint">
          From 50 to 99 % (default {toPercent(DEFAULT_COMPACT_THRESHOLD)} %). The originals are always kept.
        </p>
      )}
    </fieldset>
  )
}
