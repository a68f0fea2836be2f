/** Voice: dictation engine, read-aloud voice, local speech models. */
export function VoiceSection() {
  return null
}
