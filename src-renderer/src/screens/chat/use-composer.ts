import { useState, type ClipboardEvent, type DragEvent, type FormEvent, type KeyboardEvent } from 'react'
import type { ChatTarget, McpResource } from '../../../../src-shared/contract'
import { useApi } from '../../api/context'
import { LAST_USER_MESSAGE, useChatView } from '../../store/chat-view-store'
import { useWorkspace, workspaceInput } from '../../store/workspace-store'
import { useChatPrefs } from './chat-prefs'
import { imageFiles } from './images'
import { targetLabel } from './ModelPicker'
import { useReplies } from './reply-store'
import { withResources } from './resource-attachments'
import { useImageAttachments, useResourceAttachments, type ImageAttachments, type ResourceAttachments } from './use-composer-attachments'
import { useComposerText, type ComposerText } from './use-composer-text'
import { acceptsImages, type ChatModels } from './use-chat-models'
import { useMcpResources } from './use-mcp-lists'

export interface ComposerProps {
  /** Undefined: a new chat, which the core creates on the first send. */
  sessionId: string | undefined
  replyKey: string
  data: ChatModels
  onStarted?: (sessionId: string) => void
}

export interface ComposerState {
  words: ComposerText
  pictures: ImageAttachments
  attachments: ResourceAttachments
  /** What the connected MCP servers offer to attach. */
  resources: McpResource[]
  target: ChatTarget
  choose(target: ChatTarget): void
  streaming: boolean
  vision: boolean
  noProviders: boolean
  canSend: boolean
  /** The line under the box: the last note, or what is in progress, or why pictures cannot go. */
  status: string
  onSubmit(event: FormEvent): void
  onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>): void
  onPaste(event: ClipboardEvent): void
  onDrop(event: DragEvent): void
  /** A paste too long for the box, waiting for the user to choose: a file, or the box after all. */
  longPaste: LongPaste | undefined
}

export interface LongPaste {
  chars: number
  attach(): void
  paste(): void
  cancel(): void
}

/** Pasting more than this many characters offers to attach them as a file instead. */
export const LONG_PASTE_CHARS = 8000
export const PASTED_FILE_NAME = 'pasted-text.txt'

/** Everything the composer does: sending, Enter and the `/` keys, pasted and dropped pictures. */
export function useComposer({ sessionId, replyKey, data, onStarted }: ComposerProps): ComposerState {
  const api = useApi()
  const workspace = useWorkspace((state) => state.path)
  const target = useChatPrefs((state) => state.target)
  const choose = useChatPrefs((state) => state.choose)
  const streaming = useReplies((state) => state.replies[replyKey]?.status === 'streaming')
  const [note, setNote] = useState<string | undefined>()
  const [pasted, setPasted] = useState<string | undefined>()
  const vision = acceptsImages(data.models, target)
  const noProviders = !data.loading && data.providers.length === 0
  const pictures = useImageAttachments(vision, targetLabel(target, data.models, data.providers), setNote)
  const resources = useMcpResources()
  const attachments = useResourceAttachments(api, setNote)
  const words = useComposerText(api, workspace, setNote)
  const { text } = words

  const canSend = !streaming && !noProviders && pictures.busy === 0 && attachments.reading === 0 && !words.asking && (text.trim().length > 0 || pictures.images.length > 0 || attachments.attached.length > 0)
  const send = (): void => {
    if (!canSend) return
    const message = withResources(text, attachments.attached)
    const images = pictures.images
    const input = { ...(sessionId ? { sessionId } : {}), text: message, target, ...(images.length > 0 ? { images } : {}), ...workspaceInput(workspace) }
    useReplies.getState().send(api, replyKey, input, onStarted)
    useChatView.getState().requestBottom()
    words.setText('')
    pictures.clear()
    attachments.clear()
    setNote(undefined)
  }
  // Pasted or dropped pictures are attached; anything else is left to the browser.
  const takeImages = (files: FileList | undefined, event: ClipboardEvent | DragEvent): void => {
    const images = imageFiles(files)
    if (images.length === 0) return
    event.preventDefault()
    void pictures.attach(images)
  }
  const status = note ?? (pictures.busy > 0 ? 'Preparing pictures…' : attachments.reading > 0 ? 'Reading the resource…' : '')
  return {
    words, pictures, attachments, resources, target, choose, streaming, vision, noProviders, canSend, status,
    onSubmit: (event) => {
      event.preventDefault()
      send()
    },
    onKeyDown: (event) => {
      if (!event.nativeEvent.isComposing && words.slash.onKey(event.key)) return event.preventDefault()
      // Up in an empty box edits the last message the user sent.
      if (event.key === 'ArrowUp' && sessionId && text === '' && !event.shiftKey && !event.altKey && !event.ctrlKey && !event.metaKey) {
        event.preventDefault()
        return useChatView.getState().requestEdit(LAST_USER_MESSAGE)
      }
      if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
        event.preventDefault()
        send()
      }
    },
    onPaste: (event) => {
      takeImages(event.clipboardData?.files, event)
      const text = event.clipboardData?.getData('text/plain') ?? ''
      if (event.defaultPrevented || text.length <= LONG_PASTE_CHARS) return
      event.preventDefault()
      setPasted(text)
    },
    longPaste: pasted === undefined ? undefined : {
      chars: pasted.length,
      attach: () => {
        attachments.attachText(PASTED_FILE_NAME, pasted)
        setPasted(undefined)
        words.box.current?.focus()
      },
      paste: () => {
        words.insert(pasted)
        setPasted(undefined)
      },
      cancel: () => {
        setPasted(undefined)
        words.box.current?.focus()
      },
    },
    onDrop: (event) => takeImages(event.dataTransfer?.files, event),
  }
}
