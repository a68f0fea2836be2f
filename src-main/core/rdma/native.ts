/**
 * Typed access to the RDMA native addon (native/rdma). `loadRdma()` never throws: where the addon is
 * not built, or rdma-core / a device is missing, `available()` says why and callers use TCP.
 */
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export type RdmaTransportKind = 'InfiniBand' | 'RoCE' | 'iWARP' | 'Thunderbolt' | 'unknown'
export type RdmaLinkLayer = 'InfiniBand' | 'Ethernet' | 'unknown'
export type RdmaErrorCode = 'E_RDMA_UNAVAILABLE' | 'E_RDMA_NO_DEVICE' | 'E_RDMA_SYSCALL'

export interface RdmaPort {
  num: number
  /** As ibv_devinfo prints it: PORT_ACTIVE, PORT_DOWN, … */
  state: string
  /** active_speed × active_width in Gb/s; 0 when unknown. */
  speed: number
  /** active MTU in bytes; 0 when unknown. */
  mtu: number
  linkLayer: RdmaLinkLayer
  gids: string[]
}

export interface RdmaDevice {
  name: string
  /** node GUID as `xxxx:xxxx:xxxx:xxxx`. */
  guid: string
  transport: RdmaTransportKind
  ports: RdmaPort[]
}

export interface RdmaAvailability {
  ok: boolean
  reason: string
  errno?: string
}

/** Where a peer may RDMA WRITE: exchanged in rdma_cm private data on connect. */
export interface RdmaRegion {
  addr: bigint
  rkey: number
  length: number
}

/** Page-aligned mmap-backed memory that connections register; bytes are copied in and out. */
export interface RdmaBuffer {
  readonly size: number
  write(offset: number, bytes: Uint8Array): number
  read(offset: number, length: number): Uint8Array
  free(): void
}

export interface RdmaConnection {
  send(offset: number, length: number, timeoutMs?: number): Promise<void>
  recv(offset: number, length: number, timeoutMs?: number): Promise<number>
  write(offset: number, length: number, remoteOffset: number, timeoutMs?: number): Promise<void>
  readonly localRegion: RdmaRegion | null
  readonly remoteRegion: RdmaRegion | null
  close(): void
}

export interface RdmaListener {
  accept(buffer: RdmaBuffer, timeoutMs?: number): Promise<RdmaConnection>
  close(): void
}

export interface RdmaNative {
  /** 'native' when the addon loaded; 'fallback' otherwise. */
  readonly kind: 'native' | 'fallback'
  available(): RdmaAvailability
  /** Throws `{ code, errno, message }` (see RdmaError) when there is no device. */
  listDevices(): RdmaDevice[]
  connect(host: string, port: number, buffer: RdmaBuffer, timeoutMs?: number): Promise<RdmaConnection>
  listen(host: string, port: number): Promise<RdmaListener>
  MmapBuffer: new (size: number) => RdmaBuffer
}

/** What the addon throws, as an Error with its code and errno name (e.g. 'ENOSYS'). */
export class RdmaError extends Error {
  readonly code: RdmaErrorCode
  readonly errno: string | null

  constructor(code: RdmaErrorCode, message: string, errno: string | null = null, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause })
    this.name = 'RdmaError'
    this.code = code
    this.errno = errno
  }
}

const RDMA_CODES: readonly string[] = ['E_RDMA_UNAVAILABLE', 'E_RDMA_NO_DEVICE', 'E_RDMA_SYSCALL']

/** The addon's typed error (or anything else thrown) as an RdmaError. */
export function toRdmaError(error: unknown): RdmaError {
  if (error instanceof RdmaError) return error
  const shaped = error as { code?: unknown; errno?: unknown; message?: unknown } | null
  const code = typeof shaped?.code === 'string' && RDMA_CODES.includes(shaped.code) ? (shaped.code as RdmaErrorCode) : 'E_RDMA_SYSCALL'
  const message = typeof shaped?.message === 'string' ? shaped.message : String(error)
  const errno = typeof shaped?.errno === 'string' ? shaped.errno : null
  return new RdmaError(code, message, errno, error)
}

/** native/rdma/index.js, searched upwards from this file (source tree and bundled out/main alike). */
export function findRdmaLoader(start = path.dirname(fileURLToPath(import.meta.url))): string | undefined {
  let dir = start
  for (let depth = 0; depth < 8; depth++) {
    const candidate = path.join(dir, 'native', 'rdma', 'index.js')
    if (existsSync(candidate)) return candidate
    const parent = path.dirname(dir)
    if (parent === dir) break
    dir = parent
  }
  return undefined
}

function missingLoader(reason: string): RdmaNative {
  const error = () => new RdmaError('E_RDMA_UNAVAILABLE', `RDMA is unavailable: ${reason}`)
  return {
    kind: 'fallback',
    available: () => ({ ok: false, reason }),
    listDevices: () => {
      throw error()
    },
    connect: () => Promise.reject(error()),
    listen: () => Promise.reject(error()),
    MmapBuffer: class {
      constructor() {
        throw error()
      }
    } as unknown as RdmaNative['MmapBuffer'],
  }
}

/** Loads native/rdma (the addon, or its fallback). Never throws. `null`: the loader is not there. */
export function loadRdma(loaderPath: string | null = findRdmaLoader() ?? null): RdmaNative {
  if (loaderPath === null) return missingLoader('native/rdma/index.js was not found next to the app')
  try {
    const loaded = createRequire(import.meta.url)(loaderPath) as { default?: RdmaNative } & RdmaNative
    return loaded.default ?? loaded
  } catch (error) {
    return missingLoader(`loading ${loaderPath} failed: ${error instanceof Error ? error.message : String(error)}`)
  }
}

export function rdmaStatus(rdma: RdmaNative = loadRdma()): RdmaAvailability {
  try {
    return rdma.available()
  } catch (error) {
    return { ok: false, reason: `RDMA probe failed: ${error instanceof Error ? error.message : String(error)}` }
  }
}

/** The devices, or an RdmaError (E_RDMA_NO_DEVICE where there are none; never an empty list). */
export function listRdmaDevices(rdma: RdmaNative = loadRdma()): RdmaDevice[] {
  try {
    return rdma.listDevices()
  } catch (error) {
    throw toRdmaError(error)
  }
}
