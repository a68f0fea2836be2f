import { useEffect, useLayoutEffect, useRef, useState, type RefObject } from 'react'
import type { ApiClient, McpPrompt } from '../../../../src-shared/contract'
import { insertAtCursor } from '../../lib/voice/dictation'
import { useChatView } from '../../store/chat-view-store'
import { useComposerDraft } from '../../store/composer-draft'
import { fillPrompt } from './McpPromptForm'
import { useSlash, type Slash, type SlashItem } from './SlashSuggestions'

export interface ComposerText {
  text: string
  setText(text: string): void
  box: RefObject<HTMLTextAreaElement | null>
  /** A server prompt waiting for its arguments, and the text to give back on Cancel. */
  asking: { prompt: McpPrompt; before: string } | undefined
  /** The prompt form is done: show `text` (the filled prompt, or what was there before). */
  endAsking(text: string): void
  slash: Slash
  pickSlash(item: SlashItem): void
  /** Dictated words go where the cursor is; what was typed stays. */
  dictate(spoken: string): void
  /** Text put where the cursor is (a long paste the user chose to keep in the box). */
  insert(text: string): void
}

/** The message being written: the text box, `/` suggestions, MCP prompt arguments, the palette's draft, dictation. */
export function useComposerText(api: ApiClient, workspace: string, setNote: (note: string) => void): ComposerText {
  const [text, setText] = useState('')
  const [asking, setAsking] = useState<ComposerText['asking']>()
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
  useDraftIntake(setText, box)
  const endAsking = (next: string): void => {
    setAsking(undefined)
    putText(next)
  }
  const dictate = (spoken: string): void => {
    const at = box.current?.selectionEnd ?? text.length
    const next = insertAtCursor(box.current?.value ?? text, spoken, at)
    putText(next.text)
    requestAnimationFrame(() => box.current?.setSelectionRange(next.cursor, next.cursor))
  }
  const insert = (pasted: string): void => {
    const value = box.current?.value ?? text
    const start = box.current?.selectionStart ?? value.length
    const end = box.current?.selectionEnd ?? value.length
    putText(value.slice(0, start) + pasted + value.slice(end))
    const cursor = start + pasted.length
    requestAnimationFrame(() => box.current?.setSelectionRange(cursor, cursor))
  }
  useWantedFocus(box)
  useAutoGrow(box, text)
  return { text, setText, box, asking, endAsking, slash, pickSlash, dictate, insert }
}

/** Text another screen asked to start with (the palette's "Run skill"), taken once. */
function useDraftIntake(setText: (text: string) => void, box: RefObject<HTMLTextAreaElement | null>): void {
  const draft = useComposerDraft((state) => state.draft)
  useEffect(() => {
    if (draft === undefined) return
    setText(draft)
    useComposerDraft.getState().take()
    box.current?.focus()
  }, [draft])
}

/** The box grows with what is written, up to this share of the window, then scrolls. */
export const MAX_COMPOSER_SHARE = 0.4

/** One row when empty; taller line by line as the text grows, up to 40 % of the window (also after a resize). */
function useAutoGrow(box: RefObject<HTMLTextAreaElement | null>, text: string): void {
  const [width, setWidth] = useState(0)
  useEffect(() => {
    const element = box.current
    if (!element || typeof ResizeObserver === 'undefined') return
    const observer = new ResizeObserver(() => setWidth(element.clientWidth))
    observer.observe(element)
    return () => observer.disconnect()
  }, [box])
  useLayoutEffect(() => {
    const element = box.current
    if (!element) return
    // Empty, the box is its one CSS row, whatever a long placeholder would wrap to.
    element.style.height = 'auto'
    if (text === '') return
    const limit = Math.round(window.innerHeight * MAX_COMPOSER_SHARE)
    element.style.height = `${Math.min(element.scrollHeight, limit)}px`
    element.style.overflowY = element.scrollHeight > limit ? 'auto' : 'hidden'
  }, [box, text, width])
}

/** Ctrl/Cmd+N and New chat put the cursor here (after the screen has moved focus to its title). */
function useWantedFocus(box: RefObject<HTMLTextAreaElement | null>): void {
  const wanted = useChatView((state) => state.composerWanted)
  useEffect(() => {
    if (!wanted) return
    useChatView.getState().took('composerWanted')
    // After navigateTo's own focus move (to the screen title), which is queued for the same frame.
    requestAnimationFrame(() => box.current?.focus())
  }, [wanted, box])
}
