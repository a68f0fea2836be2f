import type os from 'node:os'
import { AppError, NetworkError } from '../errors'
import { classifyInterfaces, type SysfsReader } from './links'
import type { RdmaDevice, RdmaNative } from './native'
import { createNativeVerbs } from './native-verbs'
import { RDMA_DEFAULT_RING, RdmaTransport } from './rdma-transport'
import type { Transport } from './transport'

/**
 * `rdma bench`: moves bytes from this machine to itself over each RDMA device (through the native
 * adapter and RdmaTransport, as model transfers would) and over TCP on the same address, and says
 * how fast each went. Over one machine this measures the stack and the NIC's loopback, not a cable.
 */

/** The port ib_send_bw and friends use; rdma_cm needs a fixed one (the addon cannot report an ephemeral port). */
export const RDMA_BENCH_PORT = 18515
const DEFAULT_BYTES = 256 * 1024 * 1024
const CHUNK = 1024 * 1024

export interface BenchResult {
  transport: 'tcp' | 'rdma'
  bytes: number
  seconds: number
  gbitPerSec: number
}

/** Listens on `host:port`, connects to itself, and moves `bytes` one way. */
export async function benchTransport(transport: Transport, options: { host: string; port: number; bytes?: number; now?: () => number }): Promise<BenchResult> {
  const total = options.bytes ?? DEFAULT_BYTES
  const now = options.now ?? (() => performance.now())
  const listener = await transport.listen({ host: options.host, port: options.port })
  try {
    const received = (async () => {
      for await (const channel of listener.accept()) {
        let bytes = 0
        for await (const chunk of channel) bytes += chunk.byteLength
        return bytes
      }
      throw new NetworkError('The bench listener closed before the connection arrived.')
    })()
    const started = now()
    const channel = await transport.connect(listener.address)
    const chunk = new Uint8Array(Math.min(CHUNK, total)).fill(0x5a)
    for (let sent = 0; sent < total; sent += chunk.byteLength) await channel.write(sent + chunk.byteLength <= total ? chunk : chunk.subarray(0, total - sent))
    await channel.end()
    const bytes = await received
    const seconds = Math.max((now() - started) / 1000, 1e-9)
    if (bytes !== total) throw new NetworkError(`The bench moved ${bytes} of ${total} bytes.`)
    return { transport: transport.kind, bytes, seconds, gbitPerSec: (bytes * 8) / seconds / 1e9 }
  } finally {
    await listener.close()
  }
}

export interface RdmaBenchInputs {
  native: RdmaNative
  devices: RdmaDevice[]
  interfaces: NodeJS.Dict<os.NetworkInterfaceInfo[]>
  sysfs: SysfsReader
  /** The TCP transport to compare with. */
  tcp: Transport
  bytes?: number
  port?: number
  platform?: NodeJS.Platform
}

/** One line per device: RDMA and TCP figures on the address bound to it, or why it could not be measured. */
export async function benchRdmaDevices(inputs: RdmaBenchInputs): Promise<string[]> {
  const local = classifyInterfaces(inputs.interfaces, inputs.sysfs, { rdmaDevices: inputs.devices, ...(inputs.platform ? { platform: inputs.platform } : {}) })
  const lines: string[] = []
  for (const device of inputs.devices) {
    const bound = local.find((candidate) => candidate.rdma?.device === device.name)
    const address = bound?.addresses.find((candidate) => candidate.family === 'IPv4') ?? bound?.addresses[0]
    if (!bound || !address) {
      lines.push(`${device.name}: no active port with an IP address (rdma_cm needs one); not measured`)
      continue
    }
    const host = address.address.split('%')[0] ?? address.address
    const port = inputs.port ?? RDMA_BENCH_PORT
    const rdma = new RdmaTransport({ verbs: createNativeVerbs(inputs.native, { maxMessageBytes: RDMA_DEFAULT_RING.size }), device: device.name })
    const figures: string[] = []
    for (const [label, transport, bindPort] of [['RDMA', rdma, port], ['TCP', inputs.tcp, 0]] as const) {
      try {
        const result = await benchTransport(transport, { host, port: bindPort, ...(inputs.bytes ? { bytes: inputs.bytes } : {}) })
        figures.push(`${label} ${result.gbitPerSec.toFixed(2)} Gb/s`)
      } catch (error) {
        figures.push(`${label} failed (${error instanceof AppError ? error.message : String(error)})`)
      }
    }
    lines.push(`${device.name} via ${bound.name} (${host}), this machine to itself: ${figures.join(', ')}`)
  }
  return lines
}
