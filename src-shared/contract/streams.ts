import { z } from 'zod'
import { installerStreams } from './installer'
import { modelStreams } from './models'
import { providerStreams } from './providers'
import { observabilityStreams } from './observability'
import { telemetryStreams } from './telemetry'
import { analyticsStreams } from './analytics'
import { updatesStreams } from './updates'
import { voiceStreams } from './voice'
import { clusterStreams } from './cluster'

/**
 * Long-running jobs and streams share one pattern: the client opens a stream, receives typed
 * events, and may cancel; the stream ends with one typed result (or a typed error). Model pulls,
 * installs, chat replies and indexing all reuse it.
 */
export const streams = {
  'diagnostics.loopback': {
    description:
      'Emits `count` sequence events of `payloadBytes` each: a transport self-test and the streaming benchmark.',
    input: z
      .object({
        count: z.number().int().min(0).max(1_000_000),
        payloadBytes: z.number().int().min(0).max(65_536).default(0),
        intervalMs: z.number().int().min(0).max(10_000).default(0),
      })
      .strict(),
    event: z.object({ seq: z.number().int(), payload: z.string() }),
    result: z.object({ sent: z.number().int() }),
  },
  ...modelStreams,
  ...installerStreams,
  ...providerStreams,
  ...observabilityStreams,
  ...telemetryStreams,
  ...analyticsStreams,
  ...updatesStreams,
  ...voiceStreams,
  ...clusterStreams,
} as const

export type Streams = typeof streams
export type StreamName = keyof Streams
export type StreamInput<K extends StreamName> = z.input<Streams[K]['input']>
export type StreamParsedInput<K extends StreamName> = z.output<Streams[K]['input']>
export type StreamEvent<K extends StreamName> = z.output<Streams[K]['event']>
export type StreamResult<K extends StreamName> = z.output<Streams[K]['result']>

export const streamNames = Object.keys(streams) as StreamName[]
export const isStreamName = (name: string): name is StreamName => Object.hasOwn(streams, name)
