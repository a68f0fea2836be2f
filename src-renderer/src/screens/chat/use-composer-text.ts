import { useEffect, useRef, useState, type RefObject } from 'react'
import type { ApiClient, McpPrompt } from '../../../../src-shared/contract'
import { insertAtCursor } from '../../lib/voice/dictation'
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
  return { text, setText, box, asking, endAsking, slash, pickSlash, dictate }
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
