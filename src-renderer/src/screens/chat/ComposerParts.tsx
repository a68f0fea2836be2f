import { useRef } from 'react'
import type { ChatTarget, McpResource } from '../../../../src-shared/contract'
import { DictationButton } from './Dictation'
import { imageFiles, type ImageInput } from './images'
import { McpResourcePicker } from './McpResourcePicker'
import { ModelPicker } from './ModelPicker'
import type { ChatModels } from './use-chat-models'
import { WorkspacePicker } from './WorkspacePicker'

/** The pictures waiting to go, each with a remove button. */
export function PictureThumbs({ images, onRemove }: { images: ImageInput[]; onRemove(index: number): void }) {
  if (images.length === 0) return null
  return (
    <ul className="thumbs" aria-label="Pictures to send">
      {images.map((image, i) => (
        <li key={`${image.name}-${i}`}>
          <img src={`data:${image.mime};base64,${image.data}`} alt={image.name} />
          <button type="button" className="thumb-remove" aria-label={`Remove ${image.name}`} onClick={() => onRemove(i)}>×</button>
        </li>
      ))}
    </ul>
  )
}

export interface ComposerBarProps {
  data: ChatModels
  target: ChatTarget
  onTarget(target: ChatTarget): void
  resources: McpResource[]
  onResource(resource: McpResource): void
  onImages(files: File[]): void
  onDictated(text: string): void
  noProviders: boolean
  vision: boolean
  streaming: boolean
  canSend: boolean
  onStop(): void
}

/** The row under the text box: workspace, model, attachments, dictation, and Send or Stop. */
export function ComposerBar({ data, target, onTarget, resources, onResource, onImages, onDictated, noProviders, vision, streaming, canSend, onStop }: ComposerBarProps) {
  const fileInput = useRef<HTMLInputElement>(null)
  return (
    <div className="composer-bar">
      <WorkspacePicker disabled={noProviders} />
      <ModelPicker providers={data.providers} models={data.models} value={target} onChange={onTarget} disabled={noProviders} />
      <input ref={fileInput} type="file" accept="image/png,image/jpeg,image/webp,image/gif" multiple hidden onChange={(event) => {
        onImages(imageFiles(event.target.files))
        event.target.value = ''
      }} />
      <button
        type="button"
        className="button secondary"
        disabled={!vision || noProviders}
        title={vision ? 'Attach pictures (or paste or drop them)' : 'This model cannot see pictures'}
        onClick={() => fileInput.current?.click()}
      >
        Attach image
      </button>
      <McpResourcePicker resources={resources} disabled={noProviders} onPick={onResource} />
      <DictationButton disabled={noProviders} onText={onDictated} />
      <span className="composer-spacer" />
      {streaming ? (
        <button type="button" className="button danger" onClick={onStop}>Stop</button>
      ) : (
        <button type="submit" className="button" disabled={!canSend}>Send</button>
      )}
    </div>
  )
}
