import { z } from 'zod'
import { defineCapability } from './capability'

/** Peers on the LAN: discovery, pairing, links, models on each, model transfer. */

export const DEFAULT_CLUSTER_PORT = 47811

const HOST_PORT = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9][A-Za-z0-9.-]{0,252}):\d{1,5}$/

const ClusterFields = {
  port: z.number().int().min(0).max(65535),
  /** How other machines list this one; empty means the host name. */
  name: z.string().max(63),
  discovery: z.enum(['mdns', 'static']),
  /** Machines to reach by address (`host:port`), used with either discovery mode. */
  staticPeers: z.array(z.string().regex(HOST_PORT, 'use host:port, e.g. 192.168.1.20:47811')).max(64),
  /** Where the listener binds: an interface name (`eth0`, `en0`) or one of this machine's addresses; empty means every interface. */
  bind: z.string().max(64, 'at most 64 characters').regex(/^[A-Za-z0-9._:%[\]-]*$/, 'use an interface name or an IP address, e.g. eth0 or 192.168.1.20'),
}

/** Settings section `cluster`: every field has a default so older settings files still parse. */
export const ClusterSettingsSchema = z.object({
  /** Off by default: the app listens on the LAN only after the user turns clustering on. */
  enabled: z.boolean().default(false),
  port: ClusterFields.port.default(DEFAULT_CLUSTER_PORT),
  name: ClusterFields.name.default(''),
  discovery: ClusterFields.discovery.default('mdns'),
  staticPeers: ClusterFields.staticPeers.default([]),
  bind: ClusterFields.bind.default(''),
})
export type ClusterSettings = z.infer<typeof ClusterSettingsSchema>
/** A partial update of the `cluster` section (no defaults, so an absent field keeps its value); unknown keys are refused. */
export const ClusterSettingsPatchSchema = z.object({ enabled: z.boolean(), ...ClusterFields }).partial().strict()

export const LinkKindSchema = z.enum(['rdma-network', 'rdma-thunderbolt', 'thunderbolt-ip', 'ethernet', 'wifi', 'loopback', 'unknown'])
export type ClusterLinkKind = z.infer<typeof LinkKindSchema>

export const ClusterModelSchema = z.object({ name: z.string(), sizeBytes: z.number().min(0) })

/** A machine's own Ollama server as it sees it: whether it runs, and whether other machines can reach it. */
export const ClusterOllamaSchema = z.object({
  port: z.number().int().min(1).max(65535),
  reachable: z.boolean(),
  /** False when it answers only on this machine (OLLAMA_HOST left at 127.0.0.1). */
  listensOnLan: z.boolean(),
  version: z.string().optional(),
  /** How to make it listen on the LAN, in that machine's OS terms; set when it does not. */
  hint: z.string().optional(),
})
export type ClusterOllama = z.infer<typeof ClusterOllamaSchema>

/** What a machine offers: told in full to paired peers only. */
export const ClusterCapabilitiesSchema = z.object({
  rdma: z.object({
    available: z.boolean(),
    /** Why RDMA is not usable here (no addon, no device …); null when it is. */
    reason: z.string().nullable(),
    devices: z.array(z.object({ name: z.string(), linkKind: LinkKindSchema, speedGbps: z.number().optional() })),
  }),
  linkKinds: z.array(LinkKindSchema),
  models: z.array(ClusterModelSchema),
  ramBytes: z.number().min(0),
  gpu: z.string().nullable(),
  appVersion: z.string(),
  /** Absent from peers running an older Ollama Desk. */
  ollama: ClusterOllamaSchema.optional(),
})
export type ClusterCapabilities = z.infer<typeof ClusterCapabilitiesSchema>

/** The short form every machine announces on the network (before pairing). */
export const ClusterSummarySchema = z.object({
  rdmaDevices: z.number(),
  linkKinds: z.array(LinkKindSchema),
  ramGiB: z.number(),
  gpu: z.string().nullable(),
  modelCount: z.number(),
})

export const ClusterLinkSchema = z.object({
  kind: LinkKindSchema,
  address: z.string(),
  bytesPerSecond: z.number().min(0),
  bytesMeasured: z.number().min(0),
  measuredAt: z.number(),
})
export type ClusterLink = z.infer<typeof ClusterLinkSchema>

export const ClusterPeerSchema = z.object({
  id: z.string(),
  name: z.string(),
  paired: z.boolean(),
  pairedAt: z.string().nullable(),
  /** tcp://host:port, best first; empty when not seen on the network. */
  addresses: z.array(z.string()),
  via: z.enum(['mdns', 'loopback', 'static']).nullable(),
  /** When it was last seen or answered, ms since the epoch. */
  lastSeen: z.number().nullable(),
  summary: ClusterSummarySchema.nullable(),
  /** Paired peers only (asked over the authenticated link). */
  capabilities: ClusterCapabilitiesSchema.nullable(),
  link: ClusterLinkSchema.nullable(),
  /** Why its details could not be read just now. */
  error: z.string().nullable(),
  /** Its Ollama server is one of the hosts this machine's Ollama provider spreads chats over. */
  usedForChat: z.boolean(),
  /** Paired peers announced at an address other than where they last proved their keys (a move, or someone spoofing it). */
  addressWarning: z.string().nullable(),
  /** Paired peers: this machine accepts models it sends (off until allowed). */
  maySendModels: z.boolean(),
  /** Paired peers: the short fingerprint of the identity key it proved when pairing (and proves on every connection). */
  fingerprint: z.string().nullable(),
})
export type ClusterPeerView = z.infer<typeof ClusterPeerSchema>

export const ClusterStatusSchema = z.object({
  enabled: z.boolean(),
  /** Where peers reach this machine; null while off (or when listening failed). */
  listening: z.string().nullable(),
  port: z.number(),
  discovery: z.object({ mode: z.enum(['mdns', 'static']), state: z.enum(['idle', 'active', 'unavailable']), error: z.string().nullable() }),
  /** `fingerprint`: this machine's identity key, for the other machine's user to compare when pairing. */
  self: z.object({ id: z.string().nullable(), name: z.string(), capabilities: ClusterCapabilitiesSchema, fingerprint: z.string().nullable() }),
  /** Why the service is not running although it is on (e.g. the port is taken). */
  error: z.string().nullable(),
  /** False in one-shot CLI runs: only the running app listens. */
  canListen: z.boolean(),
  /** The interface (or address) the listener is asked to bind; empty for every interface. */
  bind: z.string(),
  /** This machine's network interfaces with an IPv4 address, to choose from. */
  interfaces: z.array(z.object({ name: z.string(), address: z.string() })),
})
export type ClusterStatus = z.infer<typeof ClusterStatusSchema>

const Empty = z.object({}).strict()
const PeerRef = z.string().trim().min(1, 'name a peer').max(300)

export const clusterRoutes = {
  'cluster.status': { description: 'Whether clustering is on, where it listens, and this machine’s identity and capabilities.', input: Empty, output: ClusterStatusSchema },
  'cluster.peers': {
    description: 'Discovered and paired machines with their capabilities and measured links.',
    input: z.object({ refresh: z.boolean().default(false) }).strict(),
    output: z.object({ peers: z.array(ClusterPeerSchema) }),
  },
  'cluster.pairing.code': {
    description: 'A fresh one-time code shown on this machine, for the other machine’s user to type.',
    input: Empty,
    output: z.object({ code: z.string(), expiresAt: z.number() }),
  },
  'cluster.pair': {
    description: 'Pair with a peer (id, name or host:port) using the code it shows; measures the link afterwards.',
    input: z.object({ peer: PeerRef, code: z.string().trim().regex(/^\d{6}$/, 'a pairing code has 6 digits') }).strict(),
    output: z.object({ peer: ClusterPeerSchema }),
  },
  'cluster.unpair': { description: 'Forget a paired peer and refuse its key from now on.', input: z.object({ peer: PeerRef }).strict(), output: z.object({ removed: z.boolean() }) },
  'cluster.useForChat': {
    description: 'Add a paired peer’s Ollama server to the hosts chats run on (or take it out again).',
    input: z.object({ peer: PeerRef, enabled: z.boolean() }).strict(),
    output: z.object({ peer: ClusterPeerSchema, hosts: z.array(z.string()) }),
  },
  'cluster.allowModels': {
    description: 'Allow a paired peer to send models to this machine, or forbid it again (off after pairing).',
    input: z.object({ peer: PeerRef, allowed: z.boolean() }).strict(),
    output: z.object({ peer: ClusterPeerSchema }),
  },
  'cluster.measure': { description: 'Measure the bandwidth to a paired peer with a short TCP probe.', input: z.object({ peer: PeerRef }).strict(), output: z.object({ link: ClusterLinkSchema }) },
} as const

export const clusterEvents = {
  /** Clustering started or stopped, a peer appeared, paired, unpaired, or a model arrived. */
  'cluster.changed': z.object({ reason: z.enum(['started', 'stopped', 'peers', 'paired', 'unpaired', 'measured', 'received', 'failed', 'chat']) }),
} as const

export const ClusterSendProgressSchema = z.object({
  model: z.string(),
  digest: z.string().nullable(),
  blobDone: z.number(),
  blobSize: z.number(),
  bytesDone: z.number(),
  bytesTotal: z.number(),
  bytesTransferred: z.number(),
  bytesPerSecond: z.number(),
  /** The peer already had part of the model (an earlier, interrupted copy). */
  resumed: z.boolean(),
})
export type ClusterSendProgress = z.infer<typeof ClusterSendProgressSchema>

export const clusterStreams = {
  'cluster.sendModel': {
    description: 'Copy an installed Ollama model to a paired peer; resumes an interrupted copy.',
    input: z.object({ model: z.string().trim().min(1).max(400), peer: PeerRef }).strict(),
    event: ClusterSendProgressSchema,
    result: z.object({ model: z.string(), peerId: z.string(), bytesTotal: z.number(), bytesSent: z.number(), blobsSent: z.number(), blobsSkipped: z.number() }),
  },
} as const

export const clusterCapability = defineCapability({ name: 'cluster', routes: clusterRoutes, streams: clusterStreams, events: clusterEvents, settings: { cluster: { schema: ClusterSettingsSchema, patch: ClusterSettingsPatchSchema } } })
