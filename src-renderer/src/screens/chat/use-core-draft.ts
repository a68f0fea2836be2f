import { useEffect, useRef } from 'react'
import type { ApiClient } from '../../../../src-shared/contract'

/** How long typing pauses before the draft is saved in the core. */
export const DRAFT_SAVE_DELAY_MS = 400

/**
 * The composer's unsent text, kept in the core per chat (`new` for a chat not started yet): loaded
 * when the chat opens, saved as the user types (debounced), flushed when the chat changes or the
 * composer goes away, and cleared by sending (the box empties, and an empty draft is forgotten).
 */
export function useCoreDraft(api: ApiClient, key: string, text: string, setText: (text: string) => void): void {
  const loaded = useRef<string | undefined>(undefined)
  const pending = useRef<{ key: string; body: string } | undefined>(undefined)
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined)
  const latest = useRef(text)
  latest.current = text

  const flush = (): void => {
    clearTimeout(timer.current)
    const next = pending.current
    pending.current = undefined
    if (next) void api.call('chat.drafts.set', next)
  }

  // Open: take the stored draft unless the user already typed something.
  useEffect(() => {
    let live = true
    loaded.current = undefined
    void api.call('chat.drafts.get', { key }).then((result) => {
      if (!live) return
      if (result.ok && result.value && latest.current === '') setText(result.value.body)
      loaded.current = key
    })
    return () => {
      live = false
      flush()
    }
  }, [api, key])

  // Typing: save after a pause.
  useEffect(() => {
    if (loaded.current !== key) return
    pending.current = { key, body: text }
    clearTimeout(timer.current)
    timer.current = setTimeout(flush, DRAFT_SAVE_DELAY_MS)
  }, [text, key])

  // A reload or a closed window still saves what was typed last.
  useEffect(() => {
    const onHide = (): void => flush()
    window.addEventListener('pagehide', onHide)
    return () => window.removeEventListener('pagehide', onHide)
  }, [])
}
