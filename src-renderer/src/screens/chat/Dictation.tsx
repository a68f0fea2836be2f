import { useEffect, useRef } from 'react'
import { useApi } from '../../api/context'
import { useDictation } from '../../lib/voice/dictation'
import { useReadAloud } from '../../lib/voice/read-aloud'
import { useAppStore } from '../../store/app-store'
import { useReplies } from './reply-store'
import '../../voice.css'

export interface DictationButtonProps {
  disabled?: boolean
  /** The final transcript, for the composer to insert at its cursor. */
  onText: (text: string) => void
}

/** Reads each reply aloud when it finishes, if the user turned that on. */
function useAutoRead(): void {
  const api = useApi()
  useEffect(
    () =>
      useReplies.subscribe((state, previous) => {
        if (!useAppStore.getState().settings?.voice.ttsAutoRead) return
        for (const [key, reply] of Object.entries(state.replies)) {
          if (reply.status === 'done' && previous.replies[key]?.status === 'streaming' && reply.text.trim()) {
            void useReadAloud.getState().read(api, reply.assistantMessageId ?? key, reply.text)
          }
        }
      }),
    [api],
  )
}

const isHoldKey = (event: KeyboardEvent): boolean => event.code === 'Space' && event.ctrlKey && !event.altKey && !event.metaKey

/** The composer's microphone: click to start/stop, or hold Ctrl+Space to talk; a live level meter. */
export function DictationButton({ disabled = false, onText }: DictationButtonProps) {
  const api = useApi()
  const phase = useDictation((state) => state.phase)
  const level = useDictation((state) => state.level)
  const mode = useDictation((state) => state.mode)
  const capture = useDictation((state) => state.capture)
  const handsFree = useAppStore((state) => state.settings?.voice.sttMode === 'hands-free')
  const onTextRef = useRef(onText)
  onTextRef.current = onText
  useAutoRead()

  useEffect(() => {
    if (disabled) return
    let held = false
    const down = (event: KeyboardEvent): void => {
      if (!isHoldKey(event) || event.repeat) return
      event.preventDefault()
      held = true
      void useDictation.getState().start(api, { onText: (text) => onTextRef.current(text), mode: 'push-to-talk' })
    }
    const up = (event: KeyboardEvent): void => {
      if (!held || (event.code !== 'Space' && event.key !== 'Control')) return
      held = false
      void useDictation.getState().stop()
    }
    window.addEventListener('keydown', down)
    window.addEventListener('keyup', up)
    return () => {
      window.removeEventListener('keydown', down)
      window.removeEventListener('keyup', up)
    }
  }, [api, disabled])

  const active = phase !== 'idle'
  const toggle = (): void => {
    const dictation = useDictation.getState()
    if (phase === 'idle') void dictation.start(api, { onText: (text) => onTextRef.current(text) })
    else if (phase === 'listening') void dictation.stop()
    else if (phase === 'starting') dictation.cancel()
  }
  const label = phase === 'idle' ? (handsFree ? 'Dictate hands-free' : 'Dictate') : phase === 'finishing' ? 'Transcribing…' : 'Stop dictation'
  return (
    <span className={`dictation${active ? ' is-active' : ''}`} data-capture={capture}>
      <button
        type="button"
        className={active ? 'button danger mic-button tool-button' : 'button secondary mic-button tool-button'}
        aria-pressed={active}
        disabled={disabled || phase === 'finishing'}
        title={phase === 'idle' ? 'Dictate (or hold Ctrl+Space)' : mode === 'hands-free' ? 'Stops by itself after a pause' : 'Click to finish'}
        onClick={toggle}
      >
        <svg className="mic-icon" aria-hidden="true" viewBox="0 0 24 24" width="14" height="14" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round">
          <rect x="9" y="3" width="6" height="11" rx="3" />
          <path d="M5 11a7 7 0 0014 0M12 18v3" />
        </svg>
        <span className="tool-label">{label}</span>
      </button>
      {active && (
        <span className="level-meter" role="meter" aria-label="Microphone level" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(level * 100)}>
          <span style={{ width: `${Math.round(level * 100)}%` }} />
        </span>
      )}
    </span>
  )
}

/** The live line under the text box: what has been heard so far, or why dictation could not start. */
export function DictationBar() {
  const phase = useDictation((state) => state.phase)
  const partial = useDictation((state) => state.partial)
  const speaking = useDictation((state) => state.speaking)
  const mode = useDictation((state) => state.mode)
  const notice = useDictation((state) => state.notice)
  if (notice && phase === 'idle') {
    return (
      <div className="dictation-bar dictation-notice" role="alert">
        <strong>{notice.message}</strong>
        {notice.hint && <span> {notice.hint}</span>}
        <button type="button" className="link-button" onClick={() => useDictation.getState().dismiss()}>Dismiss</button>
      </div>
    )
  }
  if (phase === 'idle') return null
  const waiting = phase === 'starting' ? 'Opening the microphone…' : phase === 'finishing' ? 'Transcribing…' : mode === 'hands-free' ? (speaking ? 'Listening…' : 'Listening — speak; a pause ends the dictation.') : 'Listening — click Stop dictation (or let go of Ctrl+Space) when done.'
  return (
    <div className="dictation-bar" role="status" aria-label="Dictation">
      {partial ? <span className="dictation-partial">{partial}</span> : <span className="muted">{waiting}</span>}
    </div>
  )
}

/** "Read aloud" on a reply; the same button stops it. */
export function ReadAloudButton({ id, text }: { id: string; text: string }) {
  const api = useApi()
  const reading = useReadAloud((state) => state.reading === id)
  return (
    <button type="button" className="link-button" aria-pressed={reading} onClick={() => (reading ? useReadAloud.getState().stop() : void useReadAloud.getState().read(api, id, text))}>
      {reading ? 'Stop reading' : 'Read aloud'}
    </button>
  )
}
