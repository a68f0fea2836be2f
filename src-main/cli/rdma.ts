import os from 'node:os'
import { benchRdmaDevices } from '../core/rdma/bench'
import { createSysfsReader } from '../core/rdma/links'
import { listRdmaDevices, loadRdma, rdmaStatus, type RdmaDevice } from '../core/rdma/native'
import { TcpTransport } from '../core/rdma/tcp-transport'
import type { Command, Io, ParsedArgs } from './command'
import { table } from './models'
import { commandSpecs } from './specs'

function devicesTable(devices: RdmaDevice[]): string {
  const rows = devices.flatMap((device) =>
    device.ports.map((port) => [device.name, device.transport, String(port.num), port.state, port.speed ? `${port.speed} Gb/s` : '-', String(port.mtu || '-'), port.linkLayer, port.gids[0] ?? '-']),
  )
  return table([['DEVICE', 'TRANSPORT', 'PORT', 'STATE', 'SPEED', 'MTU', 'LINK', 'GID'], ...rows])
}

/** `ollama-desk rdma devices|bench`: what RDMA this machine has; "none, and why" is an answer, not an error. */
async function runRdma(args: ParsedArgs, io: Io): Promise<number> {
  const sub = args.positionals[0]
  if (sub !== 'devices' && sub !== 'bench') {
    io.err('error: say what to do: devices, bench (see `ollama-desk rdma --help`)\n')
    return 2
  }
  const rdma = loadRdma()
  const status = rdmaStatus(rdma)
  if (!status.ok) {
    if (args.values.json) io.out(`${JSON.stringify({ available: false, reason: status.reason, errno: status.errno ?? null, devices: [] })}\n`)
    else io.out(sub === 'bench' ? `no RDMA device (${status.reason}); nothing to measure. Model transfers use TCP.\n` : `no RDMA devices (${status.reason})\n`)
    return 0
  }
  const devices = listRdmaDevices(rdma)
  if (args.values.json) {
    io.out(`${JSON.stringify({ available: true, devices }, null, 2)}\n`)
    return 0
  }
  io.out(`${devicesTable(devices)}\n`)
  if (sub === 'bench') {
    const lines = await benchRdmaDevices({ native: rdma, devices, interfaces: os.networkInterfaces(), sysfs: createSysfsReader(), tcp: new TcpTransport() })
    io.out(`${lines.join('\n')}\nBetween two machines: pair them (ollama-desk cluster pair) and send a model.\n`)
  }
  return 0
}

export const rdmaCommand: Command = {
  ...commandSpecs.rdma,
  positionals: ['devices', 'bench'],
  run: runRdma,
}
