import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { TransportListener } from '../../../rdma/transport'
import { receiveOne, type ReceiveOptions, type ReceiveResult } from '../receiver'
import { LoopbackTcpTransport } from './loopback-tcp'

/** Two "instances" (separate models dirs) and a real TCP link on 127.0.0.1 between them. */
export interface Instances {
  senderDir: string
  receiverDir: string
  transport: LoopbackTcpTransport
  listener: TransportListener
  /** Accepts the next connection and runs the receiver on it. */
  receiveNext(options?: Partial<ReceiveOptions>): Promise<ReceiveResult>
  cleanup(): Promise<void>
}

export async function makeInstances(senderDir?: string): Promise<Instances> {
  const root = await mkdtemp(path.join(tmpdir(), 'desk-transfer-'))
  const transport = new LoopbackTcpTransport()
  const listener = await transport.listen({ host: '127.0.0.1', port: 0 })
  const accepted = listener.accept()[Symbol.asyncIterator]()
  const instances: Instances = {
    senderDir: senderDir ?? path.join(root, 'sender'),
    receiverDir: path.join(root, 'receiver'),
    transport,
    listener,
    async receiveNext(options = {}) {
      const next = await accepted.next()
      if (next.done) throw new Error('listener closed')
      return receiveOne(next.value, { modelsDir: instances.receiverDir, progressIntervalMs: 0, ...options })
    },
    async cleanup() {
      await listener.close()
      await rm(root, { recursive: true, force: true })
    },
  }
  return instances
}
