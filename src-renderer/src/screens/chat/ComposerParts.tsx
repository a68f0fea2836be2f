import { useRef, type ReactNode } from 'react'
import type { ChatTarget, McpResource } from '../../../../src-shared/contract'
import { Icon } from '../../components/Icon'
import { formatCount } from '../../lib/format'
import { DictationButton } from './Dictation'
import { icons } from './icons'
import type { ImageInput } from './images'
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

/** What the file picker offers: documents the core reads, and pictures. */
const ATTACH_ACCEPT = '.txt,.md,.markdown,.csv,.tsv,.json,.jsonl,.html,.htm,.pdf,.docx,.log,.xml,.yaml,.yml,.toml,.ini,.js,.mjs,.ts,.tsx,.jsx,.py,.rb,.go,.rs,.java,.kt,.c,.h,.cc,.cpp,.hpp,.cs,.swift,.php,.sh,.sql,.css,.scss,text/*,application/pdf,application/json,image/png,image/jpeg,image/webp,image/gif'

export interface ComposerToolsProps {
  resources: McpResource[]
  onResource(resource: McpResource): void
  /** Pictures and documents alike; the composer sorts them. */
  onFiles(files: File[]): void
  onDictated(text: string): void
  noProviders: boolean
  vision: boolean
}

/** Left of the text box: workspace folder, pictures, MCP resources, dictation (icons, names on hover). */
export function ComposerTools({ resources, onResource, onFiles, onDictated, noProviders, vision }: ComposerToolsProps) {
  const fileInput = useRef<HTMLInputElement>(null)
  return (
    <div className="composer-tools">
      <input ref={fileInput} type="file" aria-label="Files to attach" accept={ATTACH_ACCEPT} multiple hidden onChange={(event) => {
        onFiles([...(event.target.files ?? [])])
        event.target.value = ''
      }} />
      <button
        type="button"
        className="button secondary tool-button"
        disabled={noProviders}
        title={vision ? 'Attach files or pictures (or paste, or drop them anywhere)' : 'Attach files (or drop them anywhere); this model cannot see pictures'}
        onClick={() => fileInput.current?.click()}
      >
        <Icon path={icons.paperclip} size={16} />
        <span className="tool-label">Attach</span>
      </button>
      <WorkspacePicker disabled={noProviders} />
      <McpResourcePicker resources={resources} disabled={noProviders} onPick={onResource} />
      <DictationButton disabled={noProviders} onText={onDictated} />
    </div>
  )
}

export interface ComposerSendProps {
  data: ChatModels
  target: ChatTarget
  onTarget(target: ChatTarget): void
  noProviders: boolean
  streaming: boolean
  canSend: boolean
  onStop(): void
  /** More controls beside the model (chat settings, …). */
  children?: ReactNode
}

/** Right of the text box: the model, then Send, or Stop while a reply streams. */
export function ComposerSend({ data, target, onTarget, noProviders, streaming, canSend, onStop, children }: ComposerSendProps) {
  return (
    <div className="composer-actions">
      <ModelPicker providers={data.providers} models={data.models} value={target} onChange={onTarget} disabled={noProviders} />
      {children}
      {streaming ? (
        <button type="button" className="button danger send-button" onClick={onStop} title="Stop the reply (Esc)">
          <Icon path={icons.stop} size={14} />
          Stop
        </button>
      ) : (
        <button type="submit" className="button send-button" disabled={!canSend}>
          Send
        </button>
      )}
    </div>
  )
}

/** A long paste: attach it as a text file, or put it in the box after all. */
export function PasteOffer({ chars, onAttach, onPaste, onCancel }: { chars: number; onAttach(): void; onPaste(): void; onCancel(): void }) {
  return (
    <div className="paste-offer" role="alert">
      <p>
        You pasted <strong>{formatCount(chars)} characters</strong> (about {formatCount(Math.ceil(chars / 4))} tokens). Attach it as a file to keep the message readable?
      </p>
      <div className="paste-offer-actions">
        <button type="button" className="button" onClick={onAttach}>Attach as file</button>
        <button type="button" className="button secondary" onClick={onPaste}>Paste as text</button>
        <button type="button" className="icon-button" aria-label="Discard the paste" onClick={onCancel}>
          <Icon path={icons.close} size={15} />
        </button>
      </div>
    </div>
  )
}
