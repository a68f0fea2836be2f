/**
 * How bytes move between two Ollama Desk instances. `TcpTransport` (Node `net`) works
 * everywhere; `RdmaTransport` (the native addon) where an RDMA device connects the two machines.
 * Callers (model transfer, cluster control) see only this interface.
 */

export type LinkKind = 'rdma-network' | 'rdma-thunderbolt' | 'thunderbolt-ip' | 'ethernet' | 'wifi' | 'loopback' | 'unknown'

/** One open, ordered, reliable byte stream to a peer, with back-pressure. */
export interface TransportChannel {
  /** Resolves when the data is accepted (waits while the peer is slow: back-pressure). */
  write(chunk: Uint8Array): Promise<void>
  /** Chunks as they arrive; ends when the peer closes. */
  [Symbol.asyncIterator](): AsyncIterator<Uint8Array>
  /** Half-closes: the peer's iterator ends after the data already written. */
  end(): Promise<void>
  /** Closes at once (both directions); pending writes reject. */
  destroy(error?: Error): void
  readonly remote: string
}

export interface TransportListener {
  /** Where peers reach this listener, e.g. `tcp://127.0.0.1:53211`. */
  readonly address: string
  /** Each accepted connection. */
  accept(): AsyncIterable<TransportChannel>
  close(): Promise<void>
}

export interface Transport {
  readonly kind: 'tcp' | 'rdma'
  listen(options: { host: string; port: number }): Promise<TransportListener>
  connect(address: string, options?: { signal?: AbortSignal }): Promise<TransportChannel>
}
