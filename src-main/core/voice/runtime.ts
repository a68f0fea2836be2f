import type { CoreTtsEngine, SttEngine } from '../../../src-shared/contract'
import type { SpawnSherpa } from './engines/sherpa-host'
import type { SpeechToText, TextToSpeech } from './engines/types'
import type { CatalogEntry } from './models/catalog'

/** What createCore's caller sets for voice (CoreOptions.voice): the process entry passes the bundled child's path, tests swap parts. */
export interface VoiceCoreOptions {
  /** Path of the bundled sherpa child entry (`?modulePath` in the process entry). */
  sherpaEntry?: string
  /** Starts the sherpa child some other way (Electron's utilityProcess, tests). Wins over sherpaEntry. */
  spawnSherpa?: SpawnSherpa
  /** Engines swapped in (tests: a fake engine where no model exists). */
  sttEngines?: Partial<Record<SttEngine, SpeechToText>>
  ttsEngines?: Partial<Record<CoreTtsEngine, TextToSpeech>>
  /** Another catalog (tests: loopback URLs and generated checksums). */
  catalog?: CatalogEntry[]
  /** Model downloads; defaults to CoreOptions.fetch, then the global fetch. */
  fetch?: typeof fetch
  extract?: (archive: string, into: string) => Promise<void>
}
