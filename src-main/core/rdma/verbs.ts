/**
 * The slice of libibverbs + librdmacm that `RdmaTransport` needs, shaped after the C calls so the
 * native addon (native/rdma, surfaced by ./native.ts) can implement it one-to-one:
 *
 *   open            ibv_open_device + ibv_alloc_pd + ibv_create_comp_channel
 *   listen/connect  rdma_create_id, rdma_bind_addr/rdma_listen or rdma_resolve_addr/route + rdma_connect
 *   setup(qp)       runs after rdma_create_qp and before the connection is established, so receive
 *                   buffers are posted before the peer can send (otherwise: RNR errors)
 *   registerMemory  ibv_reg_mr
 *   postRecv/Send   ibv_post_recv / ibv_post_send (IBV_WR_SEND_WITH_IMM; RC queue pair)
 *   poll + onEvent  ibv_poll_cq after a completion-channel event; rdma_cm DISCONNECTED
 *
 * `FakeFabric` (./testdata/fake-fabric.ts) simulates that contract in-process for tests: this
 * development machine (and CI) has no RDMA device, so the real binding is exercised only on hardware.
 */

export type CompletionStatus =
  | 'success'
  /** IBV_WC_RETRY_EXC_ERR: the peer stopped acknowledging (cable pulled, host gone). */
  | 'retry-exceeded'
  /** IBV_WC_RNR_RETRY_EXC_ERR: a send arrived when the peer had no receive buffer posted. */
  | 'rnr-retry-exceeded'
  /** IBV_WC_LOC_LEN_ERR: a message was larger than the posted receive buffer. */
  | 'local-length'
  /** IBV_WC_REM_INV_REQ_ERR: the sender's side of a local-length failure. */
  | 'remote-invalid-request'
  /** IBV_WC_LOC_PROT_ERR: the buffer is not registered with this device. */
  | 'local-protection'
  /** IBV_WC_WR_FLUSH_ERR: the queue pair went to the error state; outstanding work is flushed. */
  | 'flush'

export interface WorkCompletion {
  wrId: number
  opcode: 'send' | 'recv'
  status: CompletionStatus
  /** Bytes received (recv completions). */
  byteLength: number
  /** The 32-bit immediate sent with the message (recv completions). */
  immediate: number
}

/** A registered buffer (ibv_mr): the device may read or write it until deregistered. */
export interface MemoryRegion {
  readonly bytes: Uint8Array
  readonly lkey: number
}

/** A connected reliable (RC) queue pair with its completion queue. */
export interface QueuePair {
  /** `host:port` of the peer, for messages. */
  readonly remote: string
  /** What the peer passed as private data in its connect request or accept. */
  readonly remotePrivateData: Uint8Array
  /** Active path MTU in bytes; messages larger than this travel as several packets. */
  readonly pathMtu: number
  registerMemory(size: number): MemoryRegion
  postRecv(wrId: number, region: MemoryRegion, offset: number, length: number): void
  /** `region` may be null for a zero-length message that carries only its immediate. */
  postSend(wrId: number, region: MemoryRegion | null, offset: number, length: number, immediate: number): void
  pollCompletions(max: number): WorkCompletion[]
  /** 'completion': poll now. 'disconnected': the peer (or the fabric) tore the connection down. */
  onEvent(handler: (event: 'completion' | 'disconnected') => void): void
  disconnect(): void
}

export interface ConnectRequest {
  readonly remote: string
  readonly privateData: Uint8Array
  accept(privateData: Uint8Array, setup: (qp: QueuePair) => void): QueuePair
  reject(): void
}

export interface VerbsListener {
  readonly host: string
  readonly port: number
  onRequest(handler: (request: ConnectRequest) => void): void
  close(): void
}

export type VerbsFailureReason = 'rejected' | 'unreachable' | 'no-device'

/** rdma_cm REJECTED / UNREACHABLE / ADDR_ERROR, or a device that cannot be opened. */
export class VerbsFailure extends Error {
  constructor(
    readonly reason: VerbsFailureReason,
    message: string,
  ) {
    super(message)
    this.name = 'VerbsFailure'
  }
}

export interface VerbsDevice {
  readonly name: string
  listen(host: string, port: number): Promise<VerbsListener>
  connect(host: string, port: number, options: { privateData: Uint8Array; setup: (qp: QueuePair) => void; signal?: AbortSignal }): Promise<QueuePair>
  close(): void
}

export interface Verbs {
  open(deviceName: string): Promise<VerbsDevice>
}
