/**
 * Parses `ibv_devinfo` / `ibv_devinfo -v` output into the addon's Device shape, so the doctor and
 * support bundles can describe RDMA hardware from a pasted dump (or where the addon is not built).
 */
import { ValidationError } from '../errors'
import type { RdmaDevice, RdmaLinkLayer, RdmaPort, RdmaTransportKind } from './native'

/** ibv_devinfo's own message when the device list is empty. */
const NO_DEVICES = /^No IB devices found/m

const TRANSPORTS: Record<string, RdmaTransportKind> = {
  InfiniBand: 'InfiniBand',
  iWARP: 'iWARP',
  Thunderbolt: 'Thunderbolt',
}

function linkLayerOf(value: string): RdmaLinkLayer {
  return value === 'InfiniBand' || value === 'Ethernet' ? value : 'unknown'
}

/** "4X (2)" → 4; "25.0 Gbps (32)" → 25. */
function leadingNumber(value: string): number {
  const match = /^(\d+(?:\.\d+)?)/.exec(value)
  return match ? Number(match[1]) : 0
}

interface Draft {
  device: RdmaDevice
  transport: string
  widths: Map<RdmaPort, number>
  speeds: Map<RdmaPort, number>
}

function finish(draft: Draft): RdmaDevice {
  const { device } = draft
  for (const port of device.ports) {
    // Lane speed × lanes; rounded so 2.5 × 4 reads 10, not 10.000000001.
    port.speed = Math.round((draft.speeds.get(port) ?? 0) * (draft.widths.get(port) ?? 0) * 100) / 100
  }
  const kind = TRANSPORTS[draft.transport] ?? 'unknown'
  device.transport = kind === 'InfiniBand' && device.ports[0]?.linkLayer === 'Ethernet' ? 'RoCE' : kind
  return device
}

export function parseIbvDevinfo(text: string): RdmaDevice[] {
  if (typeof text !== 'string') throw new ValidationError('ibv_devinfo output must be text.')
  const devices: RdmaDevice[] = []
  let draft: Draft | undefined
  let port: RdmaPort | undefined
  const lines = text.split(/\r?\n/)
  lines.forEach((raw, index) => {
    const match = /^\s*([A-Za-z_][\w]*(?:\[\s*\d+\])?):\s*(.*?)\s*$/.exec(raw)
    if (!match) return
    const [, key, value] = match as unknown as [string, string, string]
    if (key === 'hca_id') {
      if (draft) devices.push(finish(draft))
      if (value === '') throw new ValidationError(`ibv_devinfo line ${index + 1}: hca_id has no device name.`)
      draft = { device: { name: value, guid: '', transport: 'unknown', ports: [] }, transport: '', widths: new Map(), speeds: new Map() }
      port = undefined
      return
    }
    // Before the first hca_id come only warnings (e.g. "libibverbs: Warning: …"): skip them.
    if (!draft) return
    if (key === 'port') {
      const num = Number(value)
      if (!Number.isInteger(num) || num < 1) throw new ValidationError(`ibv_devinfo line ${index + 1}: port "${value}" is not a port number.`)
      port = { num, state: 'unknown', speed: 0, mtu: 0, linkLayer: 'unknown', gids: [] }
      draft.device.ports.push(port)
      return
    }
    if (!port) {
      if (key === 'transport') draft.transport = value.split(' ')[0] ?? ''
      else if (key === 'node_guid') draft.device.guid = value
      return
    }
    if (key === 'state') port.state = value.split(' ')[0] ?? value
    else if (key === 'active_mtu') port.mtu = leadingNumber(value)
    else if (key === 'link_layer') port.linkLayer = linkLayerOf(value)
    else if (key === 'active_width') draft.widths.set(port, leadingNumber(value))
    else if (key === 'active_speed') draft.speeds.set(port, leadingNumber(value))
    else if (key.startsWith('GID[')) port.gids.push(value.split(',')[0]?.trim() ?? value)
  })
  if (draft) devices.push(finish(draft))
  if (devices.length === 0 && !NO_DEVICES.test(text)) {
    throw new ValidationError('This is not ibv_devinfo output: it names no device (no "hca_id:" line).')
  }
  return devices
}
