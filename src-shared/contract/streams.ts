import type { z } from 'zod'
import { mergeTables } from './capability'
import { registry } from './registry'

/**
 * Long-running jobs and streams share one pattern: the client opens a stream, receives typed
 * events, and may cancel; the stream ends with one typed result (or a typed error). Model pulls,
 * installs, chat replies and indexing all reuse it. These are the streams of every capability in
 * registry.ts.
 */
export const streams = mergeTables(registry, 'streams')

export type Streams = typeof streams
export type StreamName = keyof Streams
export type StreamInput<K extends StreamName> = z.input<Streams[K]['input']>
export type StreamParsedInput<K extends StreamName> = z.output<Streams[K]['input']>
export type StreamEvent<K extends StreamName> = z.output<Streams[K]['event']>
export type StreamResult<K extends StreamName> = z.output<Streams[K]['result']>

export const streamNames = Object.keys(streams) as StreamName[]
export const isStreamName = (name: string): name is StreamName => Object.hasOwn(streams, name)
