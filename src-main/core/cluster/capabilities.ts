import os from 'node:os'
import { z } from 'zod'
import type { LinkKind } from '../rdma'
import type { OllamaReach } from './ollama-reach'

/** One RDMA device as the native module reports it (a summary; the addon has the details). */
export interface RdmaDeviceSummary {
  name: string
  linkKind: LinkKind
  /** Link speed in Gbit/s when the device reports it. */
  speedGbps?: number
}

/** An installed Ollama model and the bytes its blobs take. */
export interface InstalledModel {
  name: string
  sizeBytes: number
}

/** What this instance offers to the cluster (the same shape as ClusterCapabilities in the contract). */
export interface PeerCapabilities {
  rdma: { available: boolean; reason: string | null; devices: RdmaDeviceSummary[] }
  linkKinds: LinkKind[]
  models: InstalledModel[]
  ramBytes: number
  /** GPU name, or null when it cannot be found out. */
  gpu: string | null
  appVersion: string
  /** Its own Ollama server; absent from older peers. */
  ollama?: OllamaReach
}

export interface CapabilityInputs {
  appVersion: string
  /** Installed models (names alone count as size 0). */
  listModels: () => Promise<Array<string | InstalledModel>> | Array<string | InstalledModel>
  /** The native RDMA module's device list; absent when the addon is not built for this platform. */
  listRdmaDevices?: () => Promise<RdmaDeviceSummary[]> | RdmaDeviceSummary[]
  /** Whether the RDMA addon can work here, and why not. */
  rdmaStatus?: () => { ok: boolean; reason: string }
  gpu?: () => Promise<string | null> | string | null
  totalMemory?: () => number
  /** Probes this machine's Ollama (whether it runs and answers the LAN). */
  ollama?: () => Promise<OllamaReach>
  networkInterfaces?: () => NodeJS.Dict<os.NetworkInterfaceInfo[]>
}

/**
 * Gathers the capabilities. A missing RDMA addon or a stopped Ollama must not keep the instance
 * out of the cluster, so those failures count as "none" rather than errors.
 */
export async function collectCapabilities(inputs: CapabilityInputs): Promise<PeerCapabilities> {
  const status = await settle(inputs.rdmaStatus ?? (() => ({ ok: false, reason: 'The RDMA module is not part of this build.' })), { ok: false, reason: 'The RDMA probe failed.' })
  const rdmaDevices = status.ok ? await settle(inputs.listRdmaDevices ?? (() => []), []) : []
  const listed = await settle(inputs.listModels, [])
  const models = new Map<string, number>()
  for (const entry of listed) {
    const model = typeof entry === 'string' ? { name: entry, sizeBytes: 0 } : entry
    models.set(model.name, Math.max(models.get(model.name) ?? 0, model.sizeBytes))
  }
  const gpu = await settle(inputs.gpu ?? (() => null), null)
  const ollama = inputs.ollama ? await settle(inputs.ollama, undefined) : undefined
  const ipLinks = ipLinkKinds((inputs.networkInterfaces ?? os.networkInterfaces)())
  const linkKinds = unique([...rdmaDevices.map((device) => device.linkKind), ...ipLinks])
  const reason = !status.ok ? status.reason : rdmaDevices.length === 0 ? 'No RDMA device was found.' : null
  return {
    rdma: { available: status.ok && rdmaDevices.length > 0, reason, devices: rdmaDevices },
    linkKinds,
    models: [...models].map(([name, sizeBytes]) => ({ name, sizeBytes })).sort((a, b) => a.name.localeCompare(b.name)),
    ramBytes: (inputs.totalMemory ?? os.totalmem)(),
    gpu: typeof gpu === 'string' && gpu.trim() !== '' ? gpu.trim() : null,
    appVersion: inputs.appVersion,
    ...(ollama ? { ollama } : {}),
  }
}

async function settle<T>(read: () => Promise<T> | T, fallback: T): Promise<T> {
  try {
    return await read()
  } catch {
    return fallback
  }
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)]
}

/** Link kinds of the IP interfaces, guessed from conventional interface names. */
export function ipLinkKinds(interfaces: NodeJS.Dict<os.NetworkInterfaceInfo[]>): LinkKind[] {
  const kinds: LinkKind[] = []
  for (const [name, addresses] of Object.entries(interfaces)) {
    if (!addresses || addresses.length === 0) continue
    if (addresses.every((address) => address.internal)) kinds.push('loopback')
    else if (/^(thunderbolt|tb|bridge)/i.test(name)) kinds.push('thunderbolt-ip')
    else if (/^(wl|wlan|wifi)/i.test(name)) kinds.push('wifi')
    else if (/^(eth|en|em)/i.test(name)) kinds.push('ethernet')
    else kinds.push('unknown')
  }
  return unique(kinds)
}

/** The short form that fits a DNS-SD TXT value (at most 255 bytes per key=value). */
export interface CapabilitySummary {
  rdmaDevices: number
  linkKinds: LinkKind[]
  ramGiB: number
  gpu: string | null
  modelCount: number
}

const linkKindSchema = z.enum(['rdma-network', 'rdma-thunderbolt', 'thunderbolt-ip', 'ethernet', 'wifi', 'loopback', 'unknown'])
const wireSummarySchema = z.object({
  r: z.number().int().min(0),
  l: z.array(linkKindSchema).max(7),
  m: z.number().min(0),
  g: z.string().max(64).nullable(),
  n: z.number().int().min(0),
})

export function summarizeCapabilities(capabilities: PeerCapabilities): CapabilitySummary {
  return {
    rdmaDevices: capabilities.rdma.devices.length,
    linkKinds: capabilities.linkKinds,
    ramGiB: Math.round((capabilities.ramBytes / 2 ** 30) * 10) / 10,
    gpu: capabilities.gpu === null ? null : capabilities.gpu.slice(0, 64),
    modelCount: capabilities.models.length,
  }
}

export function encodeCapabilitySummary(summary: CapabilitySummary): string {
  const wire = { r: summary.rdmaDevices, l: summary.linkKinds, m: summary.ramGiB, g: summary.gpu?.slice(0, 64) ?? null, n: summary.modelCount }
  return JSON.stringify(wire)
}

/** Undefined for anything malformed: a TXT record from the network is untrusted input. */
export function decodeCapabilitySummary(text: string): CapabilitySummary | undefined {
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch {
    return undefined
  }
  const parsed = wireSummarySchema.safeParse(raw)
  if (!parsed.success) return undefined
  const wire = parsed.data
  return { rdmaDevices: wire.r, linkKinds: wire.l, ramGiB: wire.m, gpu: wire.g, modelCount: wire.n }
}
