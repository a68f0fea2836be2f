import { useEffect } from 'react'
import type { ChatTarget, ModelInfo, ProviderView } from '../../../../src-shared/contract'
import { useChatView } from '../../store/chat-view-store'
import { ModelPopover } from './ModelPopover'
import { useModelPicker } from './use-model-picker'

export interface ModelPickerProps {
  providers: readonly ProviderView[]
  models: readonly ModelInfo[]
  value: ChatTarget
  onChange(target: ChatTarget): void
  disabled?: boolean
}

export function targetLabel(value: ChatTarget, models: readonly ModelInfo[], providers: readonly ProviderView[]): string {
  if ('auto' in value) return 'Auto (fallback chain)'
  const model = models.find((m) => m.providerId === value.providerId && m.id === value.model)
  const provider = providers.find((p) => p.config.id === value.providerId)?.config.name ?? value.providerId
  return `${model?.name ?? value.model} · ${provider}`
}

/** A searchable, keyboard-driven list of every provider's models, plus "Auto". */
export function ModelPicker({ providers, models, value, onChange, disabled }: ModelPickerProps) {
  const picker = useModelPicker(models, providers, value, onChange)
  // The palette's "Switch model" opens this picker (once the chat is on screen).
  const wanted = useChatView((state) => state.modelPickerWanted)
  const { open, toggle } = picker
  useEffect(() => {
    if (!wanted || disabled) return
    useChatView.getState().took('modelPickerWanted')
    if (!open) toggle()
  }, [wanted, disabled, open, toggle])
  return (
    <div className="model-picker" ref={picker.rootRef}>
      <button
        ref={picker.triggerRef}
        type="button"
        className="model-trigger"
        aria-haspopup="listbox"
        aria-expanded={picker.open}
        aria-label={`Model: ${targetLabel(value, models, providers)}`}
        disabled={disabled}
        onClick={picker.toggle}
      >
        <span>{targetLabel(value, models, providers)}</span>
        <span aria-hidden="true">▾</span>
      </button>
      {picker.open && <ModelPopover picker={picker} value={value} />}
    </div>
  )
}
