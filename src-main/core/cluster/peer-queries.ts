import { z } from 'zod'
import { AppError } from '../errors'
import type { TransportChannel } from '../rdma'
import type { PeerCapabilities } from './capabilities'
import { decodeCapabilitySummary, encodeCapabilitySummary } from './capabilities'
import type { AdvertisedPeer } from './discovery'
import { INSTANCE_ID_PATTERN, sanitizeName } from './discovery'
import { HandshakeChannel } from './peer-auth'

/*
 * Small questions one instance asks another over the cluster listener:
 * - hello: who are you (the same public summary mDNS announces; no pairing needed, used for static peers);
 * - info: your full capabilities (paired peers only);
 * - measure: how fast is the link (paired peers only; the client streams bytes, the server counts them).
 */

/** Enough models to describe any real machine while the frame stays under the handshake limit. */
const MAX_MODELS_LISTED = 120
const MAX_MEASURE_BYTES = 256 * 2 ** 20

const linkKind = z.enum(['rdma-network', 'rdma-thunderbolt', 'thunderbolt-ip', 'ethernet', 'wifi', 'loopback', 'unknown'])
const helloSchema = z.object({ type: z.literal('hello-ok'), id: z.string().regex(INSTANCE_ID_PATTERN), name: z.string().max(200), version: z.string().max(50), port: z.number().int().min(1).max(65535), caps: z.string().max(255) })
const capabilitiesSchema = z.object({
  rdma: z.object({ available: z.boolean(), reason: z.string().max(500).nullable(), devices: z.array(z.object({ name: z.string().max(100), linkKind, speedGbps: z.number().optional() })).max(32) }),
  linkKinds: z.array(linkKind).max(7),
  models: z.array(z.object({ name: z.string().max(400), sizeBytes: z.number().min(0) })).max(MAX_MODELS_LISTED),
  ramBytes: z.number().min(0),
  gpu: z.string().max(200).nullable(),
  appVersion: z.string().max(50),
  // Optional: peers running an older Ollama Desk do not send it.
  ollama: z.object({ port: z.number().int().min(1).max(65535), reachable: z.boolean(), listensOnLan: z.boolean(), version: z.string().max(50).optional(), hint: z.string().max(500).optional() }).optional(),
})
const infoSchema = z.object({ type: z.literal('info'), capabilities: capabilitiesSchema })
const measureSchema = z.object({ type: z.literal('measure'), bytes: z.number().int().min(1).max(MAX_MEASURE_BYTES) })
const measuredSchema = z.object({ type: z.literal('measure-ok'), bytes: z.number().int().min(0) })

export const DEFAULT_MEASURE_BYTES = 16 * 2 ** 20
const MEASURE_CHUNK = 256 * 1024

// ---- server side -------------------------------------------------------------------------------

export async function answerHello(channel: TransportChannel, self: AdvertisedPeer): Promise<void> {
  const io = new HandshakeChannel(channel)
  await io.send({ type: 'hello-ok', id: self.instanceId, name: self.name.slice(0, 200), version: self.version, port: self.port, caps: encodeCapabilitySummary(self.capabilities) })
  await channel.end()
}

/** Answers `info` on a channel already authenticated and encrypted for that purpose. */
export async function answerInfo(secure: TransportChannel, capabilities: () => Promise<PeerCapabilities>, timeoutMs?: number): Promise<void> {
  const full = await capabilities()
  const io = new HandshakeChannel(secure, timeoutMs)
  await io.send({ type: 'info', capabilities: { ...full, models: full.models.slice(0, MAX_MODELS_LISTED) } })
  await secure.end()
}

/** Counts the probe bytes a `measure` client streams over the encrypted channel. */
export async function answerMeasure(secure: TransportChannel, timeoutMs?: number): Promise<void> {
  const io = new HandshakeChannel(secure, timeoutMs)
  const { bytes } = await io.receive(measureSchema)
  let received = 0
  for await (const chunk of io.rest()) {
    received += chunk.length
    if (received >= bytes) break
  }
  await io.send({ type: 'measure-ok', bytes: received })
  await secure.end()
}

// ---- client side -------------------------------------------------------------------------------

/** Asks an address who listens there (the public summary only). */
export async function askHello(channel: TransportChannel, timeoutMs?: number): Promise<AdvertisedPeer> {
  const io = new HandshakeChannel(channel, timeoutMs)
  try {
    const hello = await io.receive(helloSchema)
    const capabilities = decodeCapabilitySummary(hello.caps)
    if (!capabilities) throw new AppError('E_BAD_RESPONSE', `The machine at ${channel.remote} announced malformed capabilities.`)
    return { instanceId: hello.id, name: sanitizeName(hello.name), version: hello.version, port: hello.port, capabilities }
  } finally {
    channel.destroy()
  }
}

/** A paired peer's full capabilities, over a channel authenticated and encrypted for `info`. */
export async function askInfo(secure: TransportChannel, timeoutMs?: number): Promise<PeerCapabilities> {
  try {
    const io = new HandshakeChannel(secure, timeoutMs)
    return (await io.receive(infoSchema)).capabilities
  } finally {
    secure.destroy()
  }
}

export interface Measurement {
  bytes: number
  seconds: number
  bytesPerSecond: number
}

/** Streams `bytes` to a paired peer over a channel encrypted for `measure` and times until it confirms them all. */
export async function measureLink(secure: TransportChannel, options: { bytes?: number; now?: () => number; timeoutMs?: number } = {}): Promise<Measurement> {
  const bytes = options.bytes ?? DEFAULT_MEASURE_BYTES
  const now = options.now ?? (() => performance.now())
  try {
    const io = new HandshakeChannel(secure, Math.max(options.timeoutMs ?? 10_000, 30_000))
    const started = now()
    await io.send({ type: 'measure', bytes })
    const chunk = Buffer.alloc(Math.min(MEASURE_CHUNK, bytes), 0x5a)
    for (let sent = 0; sent < bytes; sent += chunk.length) {
      await secure.write(sent + chunk.length > bytes ? chunk.subarray(0, bytes - sent) : chunk)
    }
    const confirmed = await io.receive(measuredSchema)
    const seconds = Math.max((now() - started) / 1000, 1e-6)
    if (confirmed.bytes < bytes) throw new AppError('E_NETWORK', `The peer confirmed ${confirmed.bytes} of ${bytes} probe bytes.`)
    return { bytes, seconds, bytesPerSecond: Math.round(bytes / seconds) }
  } finally {
    secure.destroy()
  }
}
