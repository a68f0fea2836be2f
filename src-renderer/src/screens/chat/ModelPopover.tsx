import type { ReactNode } from 'react'
import type { ChatTarget, ModelInfo } from '../../../../src-shared/contract'
import { AUTO, sameTarget } from './chat-prefs'
import { contextLabel, priceLabel } from './model-options'
import { optionId, type ModelPickerState } from './use-model-picker'
import { ProviderLogo } from '../../components/ProviderLogo'

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

interface OptionProps {
  picker: ModelPickerState
  value: ChatTarget
  target: ChatTarget
  index: number
  children: ReactNode
}

function ModelOption({ picker, value, target, index, children }: OptionProps) {
  return (
    <li
      id={optionId(picker.base, index)}
      role="option"
      aria-selected={sameTarget(target, value)}
      className={`model-option${index === picker.active ? ' active' : ''}`}
      onMouseEnter={() => picker.setActive(index)}
      onMouseDown={(event) => event.preventDefault()}
      onClick={() => picker.pick(target)}
    >
      {children}
    </li>
  )
}

/** The open picker: a search box over a listbox of Auto and every provider's models. */
export function ModelPopover({ picker, value }: { picker: ModelPickerState; value: ChatTarget }) {
  const { base, query, active, flat, groups, showAuto } = picker
  let index = showAuto ? 1 : 0
  return (
    <div className="model-popover">
      <input
        ref={picker.searchRef}
        role="combobox"
        aria-label="Search models"
        aria-expanded="true"
        aria-controls={`${base}-list`}
        aria-activedescendant={flat.length > 0 ? optionId(base, active) : undefined}
        aria-autocomplete="list"
        placeholder="Search models…"
        value={query}
        onChange={(event) => picker.onQuery(event.target.value)}
        onKeyDown={picker.onKeyDown}
      />
      <ul id={`${base}-list`} role="listbox" aria-label="Models" className="model-list">
        {showAuto && (
          <ModelOption key="auto" picker={picker} value={value} target={AUTO} index={0}>
            <span className="model-name">Auto (fallback chain)</span>
            <span className="muted">Routing picks; falls back when a provider fails</span>
          </ModelOption>
        )}
        {groups.map((group) => (
          <li key={group.providerId} role="presentation">
            <div className="model-group-label" id={`${base}-g-${group.providerId}`}>
              <ProviderLogo kind={group.kind} preset={group.preset} name={group.providerName} size={13} />
              {group.providerName}
            </div>
            <ul role="group" aria-labelledby={`${base}-g-${group.providerId}`}>
              {group.models.map((model) => (
                <ModelOption key={`${model.providerId}/${model.id}`} picker={picker} value={value} target={{ providerId: model.providerId, model: model.id }} index={index++}>
                  <span className="model-name">{model.name}</span>
                  <Badges model={model} />
                  <span className="model-price muted">{priceLabel(model)}</span>
                </ModelOption>
              ))}
            </ul>
          </li>
        ))}
      </ul>
      {flat.length === 0 && <p className="muted model-none">No model matches “{query}”.</p>}
    </div>
  )
}
