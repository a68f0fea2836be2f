/** Messages between the app and the sherpa-onnx child process (structured-clone safe). */

export interface WhisperLayout {
  type: 'whisper'
  encoder: string
  decoder: string
  tokens: string
}
export interface VitsLayout {
  type: 'vits'
  model: string
  tokens: string
  /** espeak-ng-data, for Piper voices. */
  dataDir?: string
}
export interface SileroLayout {
  type: 'silero'
  model: string
}
export type ModelLayout = WhisperLayout | VitsLayout | SileroLayout

export interface ChildRequests {
  probe: { args: Record<string, never>; result: { version: string } }
  'stt.transcribe': { args: { model: WhisperLayout; language: string; samples: Float32Array; sampleRate: number }; result: { text: string } }
  'tts.info': { args: { model: VitsLayout }; result: { numSpeakers: number; sampleRate: number } }
  'tts.generate': { args: { model: VitsLayout; text: string; sid: number; speed: number }; result: { samples: Float32Array; sampleRate: number } }
  'vad.open': { args: { model: SileroLayout; threshold: number; silenceMs: number }; result: { handle: number } }
  'vad.accept': { args: { handle: number; samples: Float32Array; flush: boolean }; result: { segments: { start: number; samples: Float32Array }[]; speaking: boolean } }
  'vad.close': { args: { handle: number }; result: Record<string, never> }
}
export type ChildMethod = keyof ChildRequests

export interface ChildRequest {
  id: number
  method: ChildMethod
  args: unknown
}
export type ChildReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; message: string }
