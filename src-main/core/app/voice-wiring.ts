import type { voiceRoutes, voiceStreams } from '../../../src-shared/contract/voice'
import type { RouteHandlers, StreamHandlers } from '../rpc/handlers'
import type { WiringContext } from './wiring-context'

export type VoiceRouteHandlers = Pick<RouteHandlers, keyof typeof voiceRoutes>
export type VoiceStreamHandlers = Pick<StreamHandlers, keyof typeof voiceStreams>

export interface VoiceWiring {
  handlers: VoiceRouteHandlers
  streamHandlers: VoiceStreamHandlers
  close(): Promise<void> | void
}

/** Dictation (speech to text) and read-aloud (text to speech), local first. */
export function wireVoice(_ctx: WiringContext): VoiceWiring {
  return { handlers: {}, streamHandlers: {}, close() {} }
}
