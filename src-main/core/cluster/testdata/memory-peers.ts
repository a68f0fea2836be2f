import path from 'node:path'
import { duplexPair, type Duplex } from 'node:stream'
import { makeTempDir } from '../../../../test/support/tmp'
import type { TransportChannel } from '../../rdma/transport'
import { FileSecretStore } from '../../secrets'
import { PeersStore } from '../peers-store'

/** Test helpers shared by the pairing and peer-auth tests: in-memory channels and peer instances. */

export function channelOf(stream: Duplex, remote: string, log?: Buffer[]): TransportChannel {
  return {
    remote,
    write: (chunk) => {
      log?.push(Buffer.from(chunk))
      return new Promise((resolve, reject) => stream.write(chunk, (error) => (error ? reject(error) : resolve())))
    },
    end: () => new Promise((resolve) => stream.end(() => resolve())),
    destroy: (error) => stream.destroy(error),
    [Symbol.asyncIterator]: () => stream[Symbol.asyncIterator]() as AsyncIterator<Uint8Array>,
  }
}

/** Two ends of an in-memory byte stream; `sent` records what each end wrote. */
export function channelPair(): { a: TransportChannel; b: TransportChannel; sentByA: Buffer[]; sentByB: Buffer[] } {
  const [left, right] = duplexPair()
  const sentByA: Buffer[] = []
  const sentByB: Buffer[] = []
  return { a: channelOf(left, 'memory:b', sentByA), b: channelOf(right, 'memory:a', sentByB), sentByA, sentByB }
}

export function instance(name: string): { name: string; dataDir: string; secrets: FileSecretStore; store: PeersStore } {
  const dataDir = makeTempDir()
  const secrets = new FileSecretStore(path.join(dataDir, 'secrets.json'))
  return { name, dataDir, secrets, store: new PeersStore({ dataDir, secrets }) }
}
