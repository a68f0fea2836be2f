import os from 'node:os'
import { listRdmaDevices, rdmaStatus, type RdmaDevice } from '../rdma'
import { collectCapabilities, type PeerCapabilities, type RdmaDeviceSummary } from './capabilities'
import type { OllamaReach } from './ollama-reach'
import { listInstalledModels } from './transfer'

export interface RdmaProbe {
  status: () => { ok: boolean; reason: string }
  devices: () => RdmaDeviceSummary[]
}

/** What the RDMA addon reports, in the cluster's words; the addon loads only when asked. */
export function rdmaProbe(): RdmaProbe {
  const summary = (device: RdmaDevice): RdmaDeviceSummary => {
    const speed = Math.max(0, ...device.ports.map((port) => port.speed))
    return { name: device.name, linkKind: device.transport === 'Thunderbolt' ? 'rdma-thunderbolt' : 'rdma-network', ...(speed > 0 ? { speedGbps: speed } : {}) }
  }
  return { status: () => rdmaStatus(), devices: () => listRdmaDevices().map(summary) }
}

/** On Apple silicon the GPU is part of the chip the CPU names; elsewhere it is not known yet. */
function gpuName(): string | null {
  return process.platform === 'darwin' && process.arch === 'arm64' ? (os.cpus()[0]?.model ?? null) : null
}

/** This machine's capabilities: RDMA (with the reason when absent), links, installed models with sizes, RAM, GPU, its Ollama. */
export function describeLocalMachine(options: {
  version: string
  modelsDir: string
  rdma?: RdmaProbe
  networkInterfaces?: () => NodeJS.Dict<os.NetworkInterfaceInfo[]>
  ollama?: () => Promise<OllamaReach>
}): () => Promise<PeerCapabilities> {
  return () =>
    collectCapabilities({
      appVersion: options.version,
      listModels: () => listInstalledModels(options.modelsDir),
      rdmaStatus: options.rdma?.status,
      listRdmaDevices: options.rdma?.devices,
      gpu: gpuName,
      ...(options.ollama ? { ollama: options.ollama } : {}),
      ...(options.networkInterfaces ? { networkInterfaces: options.networkInterfaces } : {}),
    })
}
