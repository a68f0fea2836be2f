import { z } from 'zod'
import { ErrorShapeSchema } from './errors'

/** The one Electron IPC channel: contract messages as JSON text, both ways (main and preload both use this). */
export const RPC_CHANNEL = 'ollama-desk:rpc'

/** Largest message either side accepts, in UTF-16 code units of its JSON text. */
export const MAX_MESSAGE_CHARS = 1024 * 1024

const Id = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER)
const Name = z.string().min(1).max(128)

export const ClientMessageSchema = z.discriminatedUnion('t', [
  z.object({ t: z.literal('call'), id: Id, route: Name, input: z.unknown() }).strict(),
  z.object({ t: z.literal('stream'), id: Id, route: Name, input: z.unknown() }).strict(),
  z.object({ t: z.literal('cancel'), id: Id }).strict(),
])
export type ClientMessage = z.infer<typeof ClientMessageSchema>

const ResultSchema = z.union([
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: ErrorShapeSchema }),
])

export const ServerMessageSchema = z.discriminatedUnion('t', [
  z.object({ t: z.literal('result'), id: Id, result: ResultSchema }),
  z.object({ t: z.literal('event'), id: Id, event: z.unknown() }),
  /** Several events of one stream produced in the same tick, in order: one frame instead of many. */
  z.object({ t: z.literal('events'), id: Id, events: z.array(z.unknown()) }),
  z.object({ t: z.literal('end'), id: Id, result: ResultSchema }),
  z.object({ t: z.literal('push'), name: Name, payload: z.unknown() }),
  /** A message the server could not attribute to any request (unparseable, no id). */
  z.object({ t: z.literal('rejected'), error: ErrorShapeSchema }),
])
export type ServerMessage = z.infer<typeof ServerMessageSchema>
