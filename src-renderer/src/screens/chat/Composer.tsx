import { useEffect, useId, useRef, useState, type ClipboardEvent, type DragEvent, type FormEvent, type KeyboardEvent } from 'react'
import type { McpPrompt, McpResource } from '../../../../src-shared/contract'
import { useApi } from '../../api/context'
import { useWorkspace, workspaceInput } from '../../store/workspace-store'
import { ApprovalGate } from './ApprovalDialog'
import { useChatPrefs } from './chat-prefs'
import { imageFiles, MAX_IMAGES, scaleImage, type ImageInput } from './images'
import { fillPrompt, McpPromptForm } from './McpPromptForm'
import { McpResourcePicker, ResourceChips } from './McpResourcePicker'
import { ModelPicker, targetLabel } from './ModelPicker'
import { useComposerDraft } from '../../store/composer-draft'
import { DictationBar, DictationButton } from './Dictation'
import { insertAtCursor } from '../../lib/voice/dictation'
import { useReplies } from './reply-store'
import { attachmentOf, sameResource, withResources, type ResourceAttachment } from './resource-attachments'
import { SlashSuggestions, useSlash, type SlashItem } from './SlashSuggestions'
import { acceptsImages, type ChatModels } from './use-chat-models'
import { useMcpResources } from './use-mcp-lists'
import { WorkspacePicker } from './WorkspacePicker'

export interface ComposerProps {
  /** Undefined: a new chat, which the core creates on the first send. */
  sessionId: string | undefined
  replyKey: string
  data: ChatModels
  onStarted?: (sessionId: string) => void
}

/** What to write, which model to ask, pictures to show it; Enter sends, Shift+Enter breaks the line. */
export function Composer({ sessionId, replyKey, data, onStarted }: ComposerProps) {
  const api = useApi()
  const noteId = useId()
  const slashId = useId()
  const workspace = useWorkspace((state) => state.path)
  const target = useChatPrefs((state) => state.target)
  const choose = useChatPrefs((state) => state.choose)
  const streaming = useReplies((state) => state.replies[replyKey]?.status === 'streaming')
  const [text, setText] = useState('')
  const [images, setImages] = useState<ImageInput[]>([])
  const [note, setNote] = useState<string | undefined>()
  const [busy, setBusy] = useState(0)
  const resources = useMcpResources()
  const [attached, setAttached] = useState<ResourceAttachment[]>([])
  const [reading, setReading] = useState(0)
  // A server prompt waiting for its arguments, and the text to give back on Cancel.
  const [asking, setAsking] = useState<{ prompt: McpPrompt; before: string } | undefined>()
  const fileInput = useRef<HTMLInputElement>(null)
  const box = useRef<HTMLTextAreaElement>(null)
  const putText = (next: string): void => {
    setText(next)
    box.current?.focus()
  }
  const insertPrompt = async (prompt: McpPrompt): Promise<void> => {
    const filled = await fillPrompt(api, prompt)
    if (filled.ok) putText(filled.value)
    else setNote(filled.error.message)
  }
  // `/name args` goes out as the text: the core runs the skill. A server prompt comes back as text to edit.
  const pickSlash = (item: SlashItem): void => {
    if (item.kind === 'skill') return setText(`/${item.name} `)
    if (item.prompt.arguments.length === 0) return void insertPrompt(item.prompt)
    setAsking({ prompt: item.prompt, before: text })
    setText(`/${item.name} `)
  }
  const slash = useSlash(text, workspace, pickSlash)
  // Text another screen asked to start with (the palette's "Run skill").
  const draft = useComposerDraft((state) => state.draft)
  useEffect(() => {
    if (draft === undefined) return
    setText(draft)
    useComposerDraft.getState().take()
    box.current?.focus()
  }, [draft])
  const vision = acceptsImages(data.models, target)
  const noProviders = !data.loading && data.providers.length === 0

  const attach = async (files: File[]): Promise<void> => {
    if (files.length === 0) return
    if (!vision) {
      setNote(`${targetLabel(target, data.models, data.providers)} cannot see pictures. Pick a model with the “vision” badge to attach one.`)
      return
    }
    const room = MAX_IMAGES - images.length
    if (room <= 0) return setNote(`At most ${MAX_IMAGES} pictures per message.`)
    setNote(files.length > room ? `Only the first ${room} fit: at most ${MAX_IMAGES} pictures per message.` : undefined)
    setBusy((n) => n + 1)
    const scaled = await Promise.allSettled(files.slice(0, room).map(scaleImage))
    setBusy((n) => n - 1)
    const added = scaled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []))
    const failed = scaled.find((r): r is PromiseRejectedResult => r.status === 'rejected')
    if (failed) setNote(failed.reason instanceof Error ? failed.reason.message : 'That picture could not be read.')
    setImages((previous) => [...previous, ...added].slice(0, MAX_IMAGES))
  }

  const attachResource = async (resource: McpResource): Promise<void> => {
    if (attached.some((a) => sameResource(a, resource))) return
    setReading((n) => n + 1)
    const result = await api.call('mcp.readResource', { server: resource.server, uri: resource.uri })
    setReading((n) => n - 1)
    if (!result.ok) return setNote(`${resource.name} could not be read: ${result.error.message}`)
    const attachment = attachmentOf(resource, result.value.text)
    setAttached((previous) => (previous.some((a) => sameResource(a, attachment)) ? previous : [...previous, attachment]))
    setNote(attachment.cut > 0 ? `${resource.name} is long: only its first ${attachment.text.length.toLocaleString('en-US')} characters go with the message (cut).` : undefined)
  }

  const canSend = !streaming && !noProviders && busy === 0 && reading === 0 && !asking && (text.trim().length > 0 || images.length > 0 || attached.length > 0)
  const send = (): void => {
    if (!canSend) return
    const message = withResources(text, attached)
    const input = { ...(sessionId ? { sessionId } : {}), text: message, target, ...(images.length > 0 ? { images } : {}), ...workspaceInput(workspace) }
    useReplies.getState().send(api, replyKey, input, onStarted)
    setText('')
    setImages([])
    setAttached([])
    setNote(undefined)
  }

  const onSubmit = (event: FormEvent): void => {
    event.preventDefault()
    send()
  }
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>): void => {
    if (!event.nativeEvent.isComposing && slash.onKey(event.key)) return event.preventDefault()
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault()
      send()
    }
  }
  const onPaste = (event: ClipboardEvent): void => {
    const files = imageFiles(event.clipboardData?.files)
    if (files.length === 0) return
    event.preventDefault()
    void attach(files)
  }
  const onDrop = (event: DragEvent): void => {
    const files = imageFiles(event.dataTransfer?.files)
    if (files.length === 0) return
    event.preventDefault()
    void attach(files)
  }

  return (
    <form className="composer chat-composer" aria-label="Reply" onSubmit={onSubmit} onDrop={onDrop} onDragOver={(event) => event.preventDefault()}>
      {images.length > 0 && (
        <ul className="thumbs" aria-label="Pictures to send">
          {images.map((image, i) => (
            <li key={`${image.name}-${i}`}>
              <img src={`data:${image.mime};base64,${image.data}`} alt={image.name} />
              <button type="button" className="thumb-remove" aria-label={`Remove ${image.name}`} onClick={() => setImages((all) => all.filter((_, j) => j !== i))}>×</button>
            </li>
          ))}
        </ul>
      )}
      <ResourceChips attachments={attached} onRemove={(gone) => setAttached((all) => all.filter((a) => !sameResource(a, gone)))} />
      {asking && (
        <McpPromptForm
          prompt={asking.prompt}
          onFilled={(filled) => {
            setAsking(undefined)
            putText(filled)
          }}
          onCancel={() => {
            setAsking(undefined)
            putText(asking.before)
          }}
        />
      )}
      <SlashSuggestions slash={slash} listId={slashId} onPick={pickSlash} />
      <textarea
        ref={box}
        aria-label="Message"
        aria-controls={slash.open ? slashId : undefined}
        aria-activedescendant={slash.open ? `${slashId}-${slash.active}` : undefined}
        aria-describedby={noteId}
        placeholder={noProviders ? 'Add a provider to start chatting' : 'Write a message… (Enter sends, Shift+Enter for a new line)'}
        rows={3}
        value={text}
        disabled={noProviders}
        onChange={(event) => setText(event.target.value)}
        onKeyDown={onKeyDown}
        onPaste={onPaste}
      />
      <DictationBar />
      <div className="composer-bar">
        <WorkspacePicker disabled={noProviders} />
        <ModelPicker providers={data.providers} models={data.models} value={target} onChange={choose} disabled={noProviders} />
        <input ref={fileInput} type="file" accept="image/png,image/jpeg,image/webp,image/gif" multiple hidden onChange={(event) => {
          void attach(imageFiles(event.target.files))
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
        <McpResourcePicker resources={resources} disabled={noProviders} onPick={(resource) => void attachResource(resource)} />
        <DictationButton disabled={noProviders} onText={(spoken) => {
          // Dictated words go where the cursor is; what was typed stays.
          const at = box.current?.selectionEnd ?? text.length
          const next = insertAtCursor(box.current?.value ?? text, spoken, at)
          putText(next.text)
          requestAnimationFrame(() => box.current?.setSelectionRange(next.cursor, next.cursor))
        }} />
        <span className="composer-spacer" />
        {streaming ? (
          <button type="button" className="button danger" onClick={() => useReplies.getState().stop(replyKey)}>Stop</button>
        ) : (
          <button type="submit" className="button" disabled={!canSend}>Send</button>
        )}
      </div>
      <p id={noteId} className="hint composer-note" role="status">
        {note ?? (busy > 0 ? 'Preparing pictures…' : reading > 0 ? 'Reading the resource…' : vision ? '' : 'This model reads text only; pick one with the “vision” badge to attach pictures.')}
      </p>
      <ApprovalGate replyKey={replyKey} />
    </form>
  )
}
