import type { voiceRoutes, voiceStreams } from '../../../src-shared/contract/voice'
import { AppError } from '../errors'
import type { RouteHandlers, StreamHandlers } from '../rpc/handlers'
import type { WiringContext } from './wiring-context'

export type VoiceRouteHandlers = Pick<RouteHandlers, keyof typeof voiceRoutes>
export type VoiceStreamHandlers = Pick<StreamHandlers, keyof typeof voiceStreams>

export interface VoiceWiring {
  handlers: VoiceRouteHandlers
  streamHandlers: VoiceStreamHandlers
  close(): Promise<void> | void
}

// Temporary while the voice core lands in the next commits.
const pending = (): never => {
  throw new AppError('E_UNSUPPORTED', 'Voice is being wired in; try again after the update.')
}

/** Dictation (speech to text) and read-aloud (text to speech), local first. */
export function wireVoice(_ctx: WiringContext): VoiceWiring {
  return {
    handlers: {
      'voice.status': pending,
      'voice.dictation.start': pending,
      'voice.dictation.push': pending,
      'voice.dictation.stop': pending,
      'voice.dictation.cancel': pending,
      'voice.speak': pending,
      'voice.voices': pending,
      'voice.models': pending,
      'voice.models.remove': pending,
    },
    streamHandlers: {
      // eslint-disable-next-line require-yield
      'voice.models.download': async function* () {
        return pending()
      },
    },
    close() {},
  }
}
