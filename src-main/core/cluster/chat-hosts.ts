import fs from 'node:fs'
import path from 'node:path'
import { z } from 'zod'
import type { OllamaStatus } from '../../../src-shared/contract'
import { AppError, IoError } from '../errors'
import { parseTcpAddress } from '../rdma'
import type { OllamaReach } from './ollama-reach'

/*
 * "Use for chats": a paired peer's Ollama server joins the hosts of this machine's Ollama provider,
 * whose pool spreads chats over them (least busy, model present first). Which URL each peer added
 * is kept in `<dataDir>/chat-hosts.json`, so turning it off or unpairing removes exactly that URL
 * even after the peer's address changed.
 */

/** The hosts list of this machine's Ollama provider (besides its own server), read and saved through the provider settings. */
export interface OllamaHostsPort {
  hosts(): string[]
  /** Saves the list the way the Providers screen does (the provider is rebuilt, clients are told). */
  setHosts(hosts: string[]): Promise<void> | void
}

/** A paired peer as far as chats care: where it is and what it told about its Ollama. */
export interface ChatPeer {
  id: string
  name: string
  /** tcp://host:port of its cluster listener; the Ollama server is on the same host. */
  address: string
  ollama: OllamaReach | undefined
}

export interface ChatHostsOptions {
  dataDir: string
  pool: OllamaHostsPort
  /** Asks `GET /api/version` at a URL (probeOllama). */
  probe: (url: string, signal: AbortSignal) => Promise<OllamaStatus>
}

const DEFAULT_PORT = 11434
const fileSchema = z.object({ version: z.literal(1), peers: z.record(z.string(), z.string().max(512)) })
type ChatHostsFile = z.infer<typeof fileSchema>

/** `tcp://192.168.1.20:47811` and 11434 → `http://192.168.1.20:11434` (IPv6 in brackets). */
export function ollamaUrlFor(address: string, port: number): string {
  const { host } = parseTcpAddress(address)
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`
}

export class ChatHosts {
  readonly file: string

  constructor(private readonly options: ChatHostsOptions) {
    this.file = path.join(options.dataDir, 'chat-hosts.json')
  }

  /** Whether the URL this peer added is still among the provider's hosts (the user may have removed it by hand). */
  isUsed(peerId: string): boolean {
    const url = this.read().peers[peerId]
    return url !== undefined && this.options.pool.hosts().includes(url)
  }

  has(peerId: string): boolean {
    return this.read().peers[peerId] !== undefined
  }

  /** Probes the peer's Ollama from here, then adds it to the pool; refuses with the reason when it does not answer. */
  async enable(peer: ChatPeer, signal: AbortSignal): Promise<string[]> {
    if (peer.ollama && !peer.ollama.reachable) {
      throw new AppError('E_NETWORK', `Ollama is not running on ${peer.name}.`, { hint: `Start Ollama on ${peer.name}, then turn this on again.` })
    }
    const url = ollamaUrlFor(peer.address, peer.ollama?.port ?? DEFAULT_PORT)
    const probed = await this.options.probe(url, signal)
    if (!probed.reachable) {
      const lanHint = peer.ollama?.listensOnLan === false ? peer.ollama.hint : undefined
      throw new AppError('E_NETWORK', `Ollama on ${peer.name} does not answer from here at ${url}: ${probed.error ?? 'no answer'}.`, {
        hint: lanHint ?? `Make sure Ollama on ${peer.name} listens on the network (OLLAMA_HOST=0.0.0.0) and that a firewall lets port ${peer.ollama?.port ?? DEFAULT_PORT} through.`,
      })
    }
    const data = this.read()
    const previous = data.peers[peer.id]
    const hosts = this.options.pool.hosts().filter((host) => host !== previous && host !== url)
    await this.options.pool.setHosts([...hosts, url])
    this.write({ ...data, peers: { ...data.peers, [peer.id]: url } })
    return this.options.pool.hosts()
  }

  /** Takes the peer's URL out of the pool (a no-op when it was not in). */
  async disable(peerId: string): Promise<string[]> {
    const data = this.read()
    const url = data.peers[peerId]
    if (url === undefined) return this.options.pool.hosts()
    const hosts = this.options.pool.hosts()
    if (hosts.includes(url)) await this.options.pool.setHosts(hosts.filter((host) => host !== url))
    const { [peerId]: _removed, ...rest } = data.peers
    this.write({ ...data, peers: rest })
    return this.options.pool.hosts()
  }

  private read(): ChatHostsFile {
    let text: string
    try {
      text = fs.readFileSync(this.file, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, peers: {} }
      throw new IoError(`${this.file} cannot be read.`, { cause: error })
    }
    const parsed = fileSchema.safeParse(safeJson(text))
    // A damaged file only loses which peer added which host; the hosts themselves live in the provider settings.
    return parsed.success ? parsed.data : { version: 1, peers: {} }
  }

  private write(data: ChatHostsFile): void {
    fs.mkdirSync(path.dirname(this.file), { recursive: true })
    const temp = `${this.file}.${process.pid}.tmp`
    fs.writeFileSync(temp, `${JSON.stringify(data, null, 2)}\n`, { mode: 0o600 })
    fs.renameSync(temp, this.file)
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch {
    return undefined
  }
}
