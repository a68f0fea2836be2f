import { create } from 'zustand'
import { VOICE_LIMITS, type ApiClient } from '../../../../src-shared/contract'
import { useAppStore } from '../../store/app-store'
import { useDictation } from './dictation'

export interface ReadAloudState {
  /** What is being read (a message id, or 'test'); undefined when quiet. */
  reading: string | undefined
  read(api: ApiClient, key: string, text: string): Promise<void>
  stop(): void
}

/** Text worth speaking: code blocks and Markdown marks are noise when read out. */
export function speakable(text: string): string {
  return text
    .replace(/```[\s\S]*?(```|$)/g, ' (code) ')
    .replace(/`([^`]*)`/g, '$1')
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[*_#>|~]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, VOICE_LIMITS.maxSpeakChars)
}

let stopCurrent: (() => void) | undefined
let generation = 0

/** Read-aloud of replies: OS voices in the window, local or OpenAI voices synthesized by the core. */
export const useReadAloud = create<ReadAloudState>((set, get) => ({
  reading: undefined,
  stop: () => {
    generation++
    stopCurrent?.()
    stopCurrent = undefined
    if (get().reading !== undefined) set({ reading: undefined })
  },
  read: async (api, key, text) => {
    get().stop()
    const words = speakable(text)
    if (!words) return
    const mine = ++generation
    const settings = useAppStore.getState().settings?.voice
    const engine = settings?.ttsEngine ?? 'system'
    const done = (): void => {
      if (generation === mine) {
        stopCurrent = undefined
        set({ reading: undefined })
      }
    }
    set({ reading: key })
    if (engine === 'system') {
      const synth = window.speechSynthesis as SpeechSynthesis | undefined
      if (!synth) {
        done()
        return useAppStore.getState().notify({ level: 'warning', message: 'This window has no system voices.', hint: 'Pick the local or OpenAI voice in Settings → Voice.' })
      }
      const utterance = new SpeechSynthesisUtterance(words)
      utterance.rate = settings?.ttsRate ?? 1
      const voice = settings?.ttsVoice ? synth.getVoices().find((v) => v.name === settings.ttsVoice) : undefined
      if (voice) utterance.voice = voice
      utterance.onend = done
      utterance.onerror = done
      stopCurrent = () => synth.cancel()
      synth.speak(utterance)
      return
    }
    const result = await api.call('voice.speak', { text: words, engine })
    if (generation !== mine) return
    if (!result.ok) {
      done()
      return useAppStore.getState().notifyError(result.error)
    }
    // Web Audio rather than an <audio> element: the interface's CSP allows no data: media.
    const context = new AudioContext()
    stopCurrent = () => void context.close()
    try {
      const bytes = Uint8Array.from(atob(result.value.audio), (c) => c.charCodeAt(0))
      const buffer = await context.decodeAudioData(bytes.buffer)
      if (generation !== mine) return
      const source = context.createBufferSource()
      source.buffer = buffer
      source.connect(context.destination)
      source.onended = () => {
        void context.close()
        done()
      }
      source.start()
    } catch {
      // Stopped while decoding, or audio the window cannot decode.
      void context.close()
      if (generation !== mine) return
      done()
      useAppStore.getState().notify({ level: 'warning', message: 'The synthesized speech could not be played.' })
    }
  },
}))

// The user starting to speak silences the app: dictation opening always (the mic would hear it),
// and speech heard by the VAD when the setting says so.
useDictation.subscribe((state, previous) => {
  if (useReadAloud.getState().reading === undefined) return
  const opened = previous.phase === 'idle' && state.phase === 'starting'
  const spoke = !previous.speaking && state.speaking && (useAppStore.getState().settings?.voice.ttsStopOnSpeech ?? true)
  if (opened || spoke) useReadAloud.getState().stop()
})
