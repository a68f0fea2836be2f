import os from 'node:os'
import readline from 'node:readline'
import { bindAddress } from '../core/cluster/controller'
import { fingerprint } from '../core/cluster/identity'
import { ClusterService, type ClusterEvent, type ClusterPeer, type ClusterServiceOptions } from '../core/cluster/service'
import { MdnsDiscovery, type Discovery } from '../core/cluster/discovery'
import { describeLocalMachine, rdmaProbe } from '../core/cluster/local-machine'
import { describeOwnOllama } from '../core/cluster/ollama-reach'
import { resolveModelsDir, type TransferProgress } from '../core/cluster/transfer'
import { silentLogger } from '../core/log/logger'
import { dataPaths, resolveDataDir, userHome } from '../core/paths'
import { FileSecretStore } from '../core/secrets'
import type { Command, Io, ParsedArgs } from './command'
import { formatBytes, table } from './models'
import { APP_VERSION } from '../core/app'
import { DEFAULT_CLUSTER_PORT, commandSpecs } from './specs'

export { DEFAULT_CLUSTER_PORT }
/** How long `peers` and `send-model <name>` look around the network before answering. */
const DISCOVERY_WAIT_MS = 1500

export interface ClusterCommandDeps {
  /** Discovery for one command run; tests pass a LoopbackDiscovery. */
  discovery?: () => Discovery
  sleep?: (ms: number) => Promise<void>
  /** Pairing and peer handshakes; defaults to the service's own (tests on a busy machine wait longer). */
  handshakeTimeoutMs?: number
  /** What the user types while `serve` runs, line by line (default: standard input). */
  lines?: () => AsyncIterable<string>
}

/** Standard input line by line; closed when `serve` stops. */
function stdinLines(): AsyncIterable<string> & { close(): void } {
  const lines = readline.createInterface({ input: process.stdin, terminal: false })
  return { [Symbol.asyncIterator]: () => lines[Symbol.asyncIterator](), close: () => lines.close() }
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

function openService(args: ParsedArgs, io: Io, deps: ClusterCommandDeps, onEvent?: (event: ClusterEvent) => void, confirmPairing?: ClusterServiceOptions['confirmPairing']): ClusterService {
  const home = userHome(process.platform, io.env, os.homedir())
  const override = typeof args.values['data-dir'] === 'string' ? args.values['data-dir'] : undefined
  const root = resolveDataDir({ override, env: io.env, platform: process.platform, home }).root
  const modelsDir = resolveModelsDir(io.env, home, typeof args.values['models-dir'] === 'string' ? args.values['models-dir'] : undefined)
  return new ClusterService({
    dataDir: root,
    secrets: new FileSecretStore(dataPaths(root).secrets),
    env: io.env,
    home,
    log: silentLogger(),
    discovery: (deps.discovery ?? (() => new MdnsDiscovery()))(),
    modelsDir,
    ...(typeof args.values.name === 'string' && args.values.name.trim() ? { name: args.values.name.trim() } : {}),
    version: APP_VERSION,
    // Paired peers may ask what this machine has (models with sizes, RDMA, RAM) while `serve` runs.
    // …and whether its Ollama answers the LAN, so a paired app can route chats to it.
    describe: describeLocalMachine({ version: APP_VERSION, modelsDir, rdma: rdmaProbe(), ollama: describeOwnOllama({ host: () => io.env.OLLAMA_HOST || '127.0.0.1:11434' }) }),
    ...(onEvent ? { onEvent } : {}),
    ...(confirmPairing ? { confirmPairing } : {}),
    ...(deps.handshakeTimeoutMs === undefined ? {} : { handshakeTimeoutMs: deps.handshakeTimeoutMs }),
  })
}

export function formatPeers(peers: ClusterPeer[]): string {
  if (peers.length === 0) return 'No paired or discovered machines. On the other machine run `ollama-desk cluster serve`, then `ollama-desk cluster pair <address> <code>` here.'
  return table([
    ['ID', 'NAME', 'PAIRED', 'ADDRESS'],
    ...peers.map((peer) => [peer.id, peer.name, peer.paired ? (peer.pairedAt?.slice(0, 10) ?? 'yes') : 'no', peer.addresses[0] ?? '(not seen)']),
  ])
}

/** `sending llama3.2:latest  45.2%  1.3 MB/2.9 MB  12 MB/s` */
export function formatProgress(verb: string, progress: TransferProgress): string {
  const percent = progress.bytesTotal > 0 ? ((100 * progress.bytesDone) / progress.bytesTotal).toFixed(1) : '100.0'
  const parts = [`${verb} ${progress.model}`, `${percent}%`, `${formatBytes(progress.bytesDone)}/${formatBytes(progress.bytesTotal)}`]
  if (progress.bytesPerSecond) parts.push(`${formatBytes(progress.bytesPerSecond)}/s`)
  return parts.join('  ')
}

const usage = (io: Io, message: string): number => {
  io.err(`error: ${message} (see \`ollama-desk cluster --help\`)\n`)
  return 2
}

async function peersCommand(args: ParsedArgs, io: Io, deps: ClusterCommandDeps): Promise<number> {
  const service = openService(args, io, deps)
  try {
    await service.browse()
    await (deps.sleep ?? defaultSleep)(DISCOVERY_WAIT_MS)
    const peers = service.peers()
    if (args.values.json) io.out(`${JSON.stringify({ self: service.selfId, peers }, null, 2)}\n`)
    else io.out(`${formatPeers(peers)}\n`)
    if (service.discoveryState.status === 'unavailable' && !args.values.json) io.err(`note: ${service.discoveryState.error.message} Only paired machines are listed.\n`)
    return 0
  } finally {
    await service.stop()
  }
}

async function pairCommand(args: ParsedArgs, io: Io, deps: ClusterCommandDeps): Promise<number> {
  const [, address, code] = args.positionals
  if (!address || !code) return usage(io, 'give the address and the code the other machine shows, e.g. `cluster pair 192.168.1.20:47811 123456`')
  const service = openService(args, io, deps)
  const controller = new AbortController()
  void io.untilStopped().then(() => controller.abort())
  try {
    if (!args.values.json) io.out(`this machine's fingerprint: ${service.fingerprint} (the other machine asks to confirm it)\n`)
    const peer = await service.pair(address, code, { signal: controller.signal })
    if (args.values.json) io.out(`${JSON.stringify({ paired: peer, fingerprint: fingerprint(peer.identityKey), self: service.fingerprint }, null, 2)}\n`)
    else io.out(`paired with ${peer.name} (${peer.id}), fingerprint ${fingerprint(peer.identityKey)}\n`)
    return 0
  } finally {
    await service.stop()
  }
}

async function sendCommand(args: ParsedArgs, io: Io, deps: ClusterCommandDeps): Promise<number> {
  const [, model, peer] = args.positionals
  if (!model || !peer) return usage(io, 'name the model and the peer, e.g. `cluster send-model llama3.2 beta`')
  const service = openService(args, io, deps)
  const controller = new AbortController()
  let stopped = false
  void io.untilStopped().then(() => {
    stopped = true
    controller.abort()
  })
  try {
    // Names and ids resolve through discovery; an address (host:port) goes straight out.
    if (!/:\d{1,5}$/.test(peer)) {
      await service.browse()
      await (deps.sleep ?? defaultSleep)(DISCOVERY_WAIT_MS)
    }
    const result = await service.sendModel(model, peer, {
      signal: controller.signal,
      onProgress: (progress) => io.out(args.values.json ? `${JSON.stringify(progress)}\n` : `${formatProgress('sending', progress)}\n`),
    })
    if (args.values.json) io.out(`${JSON.stringify(result)}\n`)
    else io.out(`sent ${result.model} to ${result.peerId}: ${formatBytes(result.bytesSent)} over the wire, ${result.blobsSkipped} of ${result.blobsSent + result.blobsSkipped} blobs already there\n`)
    return 0
  } catch (error) {
    if (stopped) {
      io.err(`cancelled; run \`ollama-desk cluster send-model ${model} ${peer}\` again to resume\n`)
      return 130
    }
    throw error
  } finally {
    await service.stop()
  }
}

async function unpairCommand(args: ParsedArgs, io: Io, deps: ClusterCommandDeps): Promise<number> {
  const [, peer] = args.positionals
  if (!peer) return usage(io, 'name the paired machine, e.g. `cluster unpair beta` (see `cluster peers`)')
  const service = openService(args, io, deps)
  try {
    const { id } = service.unpair(peer)
    if (args.values.json) io.out(`${JSON.stringify({ unpaired: id })}\n`)
    else io.out(`unpaired ${peer === id ? id : `${peer} (${id})`}; it can no longer connect to this machine\n`)
    return 0
  } finally {
    await service.stop()
  }
}

function printEvent(io: Io, json: boolean, event: ClusterEvent): void {
  if (json) {
    io.out(`${JSON.stringify(event.type === 'failed' ? { ...event, error: { code: event.error.code, message: event.error.message } } : event)}\n`)
    return
  }
  if (event.type === 'paired') io.out(`paired with ${event.peer.name} (${event.peer.id}), fingerprint ${fingerprint(event.peer.identityKey)}\n`)
  else if (event.type === 'progress') io.out(`${formatProgress('receiving', event.progress)}\n`)
  else if (event.type === 'received') io.out(`received ${event.result.model} from ${event.result.peerId} (${formatBytes(event.result.bytesReceived)})\n`)
  else io.err(`refused ${event.purpose} from ${event.remote}: ${event.error.message}\n`)
}

async function serveCommand(args: ParsedArgs, io: Io, deps: ClusterCommandDeps): Promise<number> {
  const port = args.values.port === undefined ? DEFAULT_CLUSTER_PORT : Number(args.values.port)
  if (!Number.isInteger(port) || port < 0 || port > 65535) return usage(io, `--port must be a number from 0 to 65535, not "${String(args.values.port)}"`)
  const host = typeof args.values.host === 'string' ? bindAddress(args.values.host.trim(), os.networkInterfaces()) : '0.0.0.0'
  const json = args.values.json === true
  const say = (text: string, event: Record<string, unknown>) => io.out(json ? `${JSON.stringify(event)}\n` : `${text}\n`)
  let timer: NodeJS.Timeout | undefined
  // A code only when the user asks for one (Enter); it is not renewed on expiry or after a pairing.
  const showCode = (): void => {
    clearTimeout(timer)
    const { code, expiresAt } = service.showPairingCode()
    say(`pairing code: ${code} (valid 2 minutes, or until 3 wrong tries; this machine's fingerprint: ${service.fingerprint})`, { type: 'pairing-code', code, expiresAt, fingerprint: service.fingerprint })
    timer = setTimeout(() => say('the pairing code expired; press Enter for a new one', { type: 'pairing-code-expired' }), Math.max(1000, expiresAt - Date.now()))
  }
  let answer: ((yes: boolean) => void) | undefined
  const confirm = (joining: { id: string; name: string; fingerprint: string }) => {
    clearTimeout(timer)
    say(`${joining.name} (${joining.id}) wants to pair; its fingerprint is ${joining.fingerprint}. Pair only if that machine shows the same. Pair? [yes/no]`, { type: 'confirm-pairing', ...joining })
    return new Promise<boolean>((resolve) => {
      answer = (yes) => {
        answer = undefined
        if (!yes) say(`refused pairing with ${joining.name}`, { type: 'pairing-refused', id: joining.id })
        resolve(yes)
      }
    })
  }
  const service = openService(args, io, deps, (event) => printEvent(io, json, event), confirm)
  const lines = deps.lines ? deps.lines() : stdinLines()
  const reading = (async () => {
    for await (const line of lines) {
      if (answer) answer(/^\s*y(es)?\s*$/i.test(line))
      else if (/^\s*(code)?\s*$/i.test(line)) showCode()
    }
  })().catch(() => undefined)
  try {
    const address = await service.start({ host, port })
    say(`listening on ${address} as ${service.selfId}; models go to ${service.modelsDir}`, { type: 'listening', address, id: service.selfId, fingerprint: service.fingerprint, modelsDir: service.modelsDir })
    if (!json) io.out('press Enter to show a pairing code; Ctrl+C to stop\n')
    await io.untilStopped()
    return 0
  } finally {
    clearTimeout(timer)
    answer?.(false)
    if ('close' in lines && typeof lines.close === 'function') lines.close()
    await service.stop()
    void reading
  }
}

/** `allow-models <peer>` / `deny-models <peer>`: whether a paired machine may send models here (off by default). */
function modelsPermission(allowed: boolean) {
  return async (args: ParsedArgs, io: Io, deps: ClusterCommandDeps): Promise<number> => {
    const [, peer] = args.positionals
    if (!peer) return usage(io, `name the paired machine, e.g. \`cluster ${allowed ? 'allow' : 'deny'}-models beta\` (see \`cluster peers\`)`)
    const service = openService(args, io, deps)
    try {
      const updated = service.allowModels(peer, allowed)
      if (args.values.json) io.out(`${JSON.stringify({ id: updated.id, maySendModels: allowed })}\n`)
      else io.out(`${updated.name} (${updated.id}) ${allowed ? 'may now send models to this machine' : 'may no longer send models to this machine'}\n`)
      return 0
    } finally {
      await service.stop()
    }
  }
}

const subcommands: Record<string, (args: ParsedArgs, io: Io, deps: ClusterCommandDeps) => Promise<number>> = {
  peers: peersCommand,
  pair: pairCommand,
  unpair: unpairCommand,
  'allow-models': modelsPermission(true),
  'deny-models': modelsPermission(false),
  'send-model': sendCommand,
  serve: serveCommand,
}

/** `ollama-desk cluster …`; `deps` lets tests swap multicast DNS for a loopback registry. */
export function makeClusterCommand(deps: ClusterCommandDeps = {}): Command {
  return {
    ...commandSpecs.cluster,
    positionals: Object.keys(subcommands),
    async run(args, io) {
      const name = args.positionals[0]
      const sub = name === undefined ? undefined : subcommands[name]
      if (!sub) return usage(io, name === undefined ? 'say what to do: peers, pair, unpair, allow-models, deny-models, send-model, serve' : `unknown cluster command "${name}"; use peers, pair, unpair, allow-models, deny-models, send-model or serve`)
      return sub(args, io, deps)
    },
  }
}

export const clusterCommand: Command = makeClusterCommand()
