import { useEffect, useId, useMemo, useRef, useState, type KeyboardEvent, type ReactNode } from 'react'
import type { ChatTarget, ModelInfo, ProviderView } from '../../../../src-shared/contract'
import { AUTO, sameTarget } from './chat-prefs'
import { contextLabel, groupModels, priceLabel } from './model-options'

export interface ModelPickerProps {
  providers: readonly ProviderView[]
  models: readonly ModelInfo[]
  value: ChatTarget
  onChange(target: ChatTarget): void
  disabled?: boolean
}

const optionId = (base: string, index: number): string => `${base}-opt-${index}`

export function Badges({ model }: { model: ModelInfo }) {
  const { tools, vision, reasoning, contextWindow } = model.capabilities
  return (
    <span className="cap-badges">
      {tools && <span className="cap">tools</span>}
      {vision && <span className="cap">vision</span>}
      {reasoning && <span className="cap">reasoning</span>}
      {contextWindow !== null && <span className="cap" title={`${contextWindow.toLocaleString()} tokens of context`}>{contextLabel(contextWindow)}</span>}
    </span>
  )
}

export function targetLabel(value: ChatTarget, models: readonly ModelInfo[], providers: readonly ProviderView[]): string {
  if ('auto' in value) return 'Auto (fallback chain)'
  const model = models.find((m) => m.providerId === value.providerId && m.id === value.model)
  const provider = providers.find((p) => p.config.id === value.providerId)?.config.name ?? value.providerId
  return `${model?.name ?? value.model} · ${provider}`
}

/** A searchable, keyboard-driven list of every provider's models, plus "Auto". */
export function ModelPicker({ providers, models, value, onChange, disabled }: ModelPickerProps) {
  const base = useId()
  const [open, setOpen] = useState(false)
  const [query, setQuery] = useState('')
  const [active, setActive] = useState(0)
  const trigger = useRef<HTMLButtonElement>(null)
  const search = useRef<HTMLInputElement>(null)
  const root = useRef<HTMLDivElement>(null)

  const groups = useMemo(() => groupModels(models, providers, query), [models, providers, query])
  const showAuto = !query.trim() || 'auto fallback chain'.includes(query.trim().toLowerCase())
  const flat = useMemo<ChatTarget[]>(
    () => [...(showAuto ? [AUTO] : []), ...groups.flatMap((g) => g.models.map((m) => ({ providerId: m.providerId, model: m.id })))],
    [groups, showAuto],
  )

  useEffect(() => {
    if (!open) return
    const index = flat.findIndex((t) => sameTarget(t, value))
    setActive(index >= 0 ? index : 0)
    search.current?.focus()
    // Only on opening: typing resets the active row itself.
  }, [open])

  useEffect(() => {
    if (!open) return
    const close = (event: MouseEvent): void => {
      if (!root.current?.contains(event.target as Node)) setOpen(false)
    }
    document.addEventListener('mousedown', close)
    return () => document.removeEventListener('mousedown', close)
  }, [open])

  useEffect(() => {
    if (open) document.getElementById(optionId(base, active))?.scrollIntoView?.({ block: 'nearest' })
  }, [open, active, base])

  const close = (): void => {
    setOpen(false)
    setQuery('')
    trigger.current?.focus()
  }
  const pick = (target: ChatTarget | undefined): void => {
    if (!target) return
    onChange(target)
    close()
  }
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>): void => {
    const last = flat.length - 1
    const moves: Record<string, () => number> = {
      ArrowDown: () => Math.min(last, active + 1),
      ArrowUp: () => Math.max(0, active - 1),
      Home: () => 0,
      End: () => last,
      PageDown: () => Math.min(last, active + 8),
      PageUp: () => Math.max(0, active - 8),
    }
    const move = moves[event.key]
    if (move) {
      event.preventDefault()
      setActive(move())
    } else if (event.key === 'Enter') {
      event.preventDefault()
      pick(flat[active])
    } else if (event.key === 'Escape') {
      event.preventDefault()
      event.stopPropagation()
      close()
    }
  }

  let index = showAuto ? 1 : 0
  const option = (target: ChatTarget, i: number, content: ReactNode, key: string) => (
    <li
      key={key}
      id={optionId(base, i)}
      role="option"
      aria-selected={sameTarget(target, value)}
      className={`model-option${i === active ? ' active' : ''}`}
      onMouseEnter={() => setActive(i)}
      onMouseDown={(event) => event.preventDefault()}
      onClick={() => pick(target)}
    >
      {content}
    </li>
  )

  return (
    <div className="model-picker" ref={root}>
      <button
        ref={trigger}
        type="button"
        className="model-trigger"
        aria-haspopup="listbox"
        aria-expanded={open}
        aria-label={`Model: ${targetLabel(value, models, providers)}`}
        disabled={disabled}
        onClick={() => setOpen((o) => !o)}
      >
        <span>{targetLabel(value, models, providers)}</span>
        <span aria-hidden="true">▾</span>
      </button>
      {open && (
        <div className="model-popover">
          <input
            ref={search}
            role="combobox"
            aria-label="Search models"
            aria-expanded="true"
            aria-controls={`${base}-list`}
            aria-activedescendant={flat.length > 0 ? optionId(base, active) : undefined}
            aria-autocomplete="list"
            placeholder="Search models…"
            value={query}
            onChange={(event) => {
              setQuery(event.target.value)
              setActive(0)
            }}
            onKeyDown={onKeyDown}
          />
          <ul id={`${base}-list`} role="listbox" aria-label="Models" className="model-list">
            {showAuto &&
              option(AUTO, 0, (
                <>
                  <span className="model-name">Auto (fallback chain)</span>
                  <span className="muted">Routing picks; falls back when a provider fails</span>
                </>
              ), 'auto')}
            {groups.map((group) => (
              <li key={group.providerId} role="presentation">
                <div className="model-group-label" id={`${base}-g-${group.providerId}`}>{group.providerName}</div>
                <ul role="group" aria-labelledby={`${base}-g-${group.providerId}`}>
                  {group.models.map((model) =>
                    option({ providerId: model.providerId, model: model.id }, index++, (
                      <>
                        <span className="model-name">{model.name}</span>
                        <Badges model={model} />
                        <span className="model-price muted">{priceLabel(model)}</span>
                      </>
                    ), `${model.providerId}/${model.id}`),
                  )}
                </ul>
              </li>
            ))}
          </ul>
          {flat.length === 0 && <p className="muted model-none">No model matches “{query}”.</p>}
        </div>
      )}
    </div>
  )
}
