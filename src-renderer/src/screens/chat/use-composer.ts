import { useState, type ClipboardEvent, type FormEvent, type KeyboardEvent } from 'react'
import type { ChatTarget, McpResource } from '../../../../src-shared/contract'
import { useApi } from '../../api/context'
import { LAST_USER_MESSAGE, useChatView } from '../../store/chat-view-store'
import { useWorkspace, workspaceInput } from '../../store/workspace-store'
import { useChatPrefs } from './chat-prefs'
import { imageFiles } from './images'
import { targetLabel } from './ModelPicker'
import { useReplies } from './reply-store'
import { COMPARE_MAX, COMPARE_MIN, compareStreaming, useCompare } from './compare-store'
import { withResources } from './resource-attachments'
import { useImageAttachments, useResourceAttachments, type ImageAttachments, type ResourceAttachments } from './use-composer-attachments'
import { useComposerText, type ComposerText } from './use-composer-text'
import { acceptsImages, blindTargets, modelFor, type ChatModels } from './use-chat-models'
import { useDocumentAttachments, type DocumentAttachments } from './use-document-attachments'
import { contextWarning } from './AttachmentChips'
import { useMcpResources } from './use-mcp-lists'
import { useCoreDraft } from './use-core-draft'
import { isSendKey, useChatTarget, useSendKey } from './use-chat-target'

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
  /** Documents read by the core (size and token estimate shown before sending); `addTextAsFile` attaches text as a file. */
  documents: DocumentAttachments
  /** Pictures go to `pictures`, every other file to `documents` (the Attach button, paste, drop anywhere). */
  attachFiles(files: File[]): void
  /** Set when the message and its files would not fit the model's context window. */
  contextWarning: string | undefined
  /** What the connected MCP servers offer to attach. */
  resources: McpResource[]
  target: ChatTarget
  choose(target: ChatTarget): void
  /** Settings → Chat: which key sends. */
  sendKey: 'enter' | 'mod-enter'
  streaming: boolean
  vision: boolean
  noProviders: boolean
  canSend: boolean
  /** The line under the box: the last note, or what is in progress, or why pictures cannot go. */
  status: string
  onSubmit(event: FormEvent): void
  onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>): void
  onPaste(event: ClipboardEvent): void
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
/** Why nothing was sent: the models that cannot see the attached pictures, and what to do. */
export function noVisionNote(labels: readonly string[], comparing: boolean): string {
  const names = labels.length <= 1 ? (labels[0] ?? 'This model') : `${labels.slice(0, -1).join(', ')} and ${labels.at(-1)}`
  const fix = comparing ? `Untick ${labels.length > 1 ? 'them' : 'it'}` : 'Pick a model with the “vision” badge'
  return `${names} cannot see pictures, so nothing was sent. ${fix}, or remove the picture.`
}

export function useComposer({ sessionId, replyKey, data, onStarted }: ComposerProps): ComposerState {
  const api = useApi()
  const workspace = useWorkspace((state) => state.path)
  const target = useChatPrefs((state) => state.target)
  const choose = useChatPrefs((state) => state.choose)
  const replying = useReplies((state) => state.replies[replyKey]?.status === 'streaming')
  const comparing = useCompare((state) => compareStreaming(state.runs[replyKey]))
  const streaming = replying || comparing
  const compareOn = useCompare((state) => state.on)
  const compareCount = useCompare((state) => state.chosen.length)
  const compareShort = compareOn && compareCount < COMPARE_MIN
  const [note, setNote] = useState<string | undefined>()
  const [pasted, setPasted] = useState<string | undefined>()
  const vision = acceptsImages(data.models, target)
  const noProviders = !data.loading && data.providers.length === 0
  const modelLabel = targetLabel(target, data.models, data.providers)
  const pictures = useImageAttachments(vision, modelLabel, setNote)
  const documents = useDocumentAttachments(api, setNote)
  const resources = useMcpResources()
  const attachments = useResourceAttachments(api, setNote)
  const words = useComposerText(api, workspace, setNote)
  const { text } = words
  useCoreDraft(api, sessionId ?? 'new', text, words.setText)
  useChatTarget(api, sessionId)
  const sendKey = useSendKey()

  const hasFiles = pictures.images.length > 0 || attachments.attached.length > 0 || documents.chips.length > 0
  const canSend = !streaming && !noProviders && pictures.busy === 0 && attachments.reading === 0 && documents.reading === 0 && !words.asking && !compareShort && (text.trim().length > 0 || hasFiles)
  const warning = contextWarning(documents.tokens + Math.ceil(text.length / 4), modelFor(data.models, target)?.capabilities.contextWindow, modelLabel)
  const send = (): void => {
    if (!canSend) return
    // Checked again here: pictures attached for another model must not reach one that cannot see them.
    if (pictures.images.length > 0) {
      const blind = blindTargets(data.models, compareOn ? useCompare.getState().chosen : [target]).map((t) => targetLabel(t, data.models, data.providers))
      if (blind.length > 0) return setNote(noVisionNote(blind, compareOn))
    }
    const message = withResources(text, attachments.attached)
    const images = pictures.images
    const refs = documents.refs()
    const input = { ...(sessionId ? { sessionId } : {}), text: message, target, ...(images.length > 0 ? { images } : {}), ...(refs.length > 0 ? { documents: refs } : {}), ...workspaceInput(workspace) }
    // Compare: the same prompt to every ticked model, side by side.
    if (compareOn) useCompare.getState().start(api, replyKey, input, onStarted)
    else useReplies.getState().send(api, replyKey, input, onStarted)
    useChatView.getState().requestBottom()
    words.setText('')
    pictures.clear()
    attachments.clear()
    documents.clear()
    setNote(undefined)
  }
  const attachFiles = (files: File[]): void => {
    const images = imageFiles(files)
    if (images.length > 0) void pictures.attach(images)
    void documents.attach(files.filter((file) => !images.includes(file)))
  }
  // Pasted files are attached (dropped ones too, through the window's drop overlay); pasted text is left to the box.
  const takeFiles = (files: FileList | undefined, event: ClipboardEvent): void => {
    if (!files || files.length === 0) return
    event.preventDefault()
    attachFiles([...files])
  }
  const status = note ?? (compareShort ? `Tick ${COMPARE_MIN}–${COMPARE_MAX} models to compare.` : pictures.busy > 0 ? 'Preparing pictures…' : documents.reading > 0 ? 'Reading the files…' : attachments.reading > 0 ? 'Reading the resource…' : '')
  return {
    words, pictures, attachments, documents, attachFiles, contextWarning: warning, resources, target, choose, sendKey, streaming, vision, noProviders, canSend, status,
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
      if (isSendKey(sendKey, { key: event.key, shiftKey: event.shiftKey, ctrlKey: event.ctrlKey, metaKey: event.metaKey, isComposing: event.nativeEvent.isComposing })) {
        event.preventDefault()
        send()
      }
    },
    onPaste: (event) => {
      takeFiles(event.clipboardData?.files, event)
      const text = event.clipboardData?.getData('text/plain') ?? ''
      if (event.defaultPrevented || text.length <= LONG_PASTE_CHARS) return
      event.preventDefault()
      setPasted(text)
    },
    longPaste: pasted === undefined ? undefined : {
      chars: pasted.length,
      attach: () => {
        // A document like any attached .txt: read by the core, sent fenced under its name, kept with the message.
        void documents.addTextAsFile(PASTED_FILE_NAME, pasted)
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
  }
}
