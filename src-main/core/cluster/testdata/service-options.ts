import path from 'node:path'
import { silentLogger } from '../../log/logger'
import { FileSecretStore } from '../../secrets'
import { LoopbackDiscovery, LoopbackRegistry } from '../discovery'
import type { ClusterServiceOptions } from '../service'

/**
 * What every test's ClusterService shares: its own data dir and secrets, no environment, a silent
 * log, discovery over an in-process registry, a models dir, and a handshake deadline a busy machine
 * never reaches (loopback handshakes always complete). `overrides` add or replace the rest.
 */
export function testServiceOptions(dataDir: string, overrides: Partial<ClusterServiceOptions> & { registry?: LoopbackRegistry } = {}): ClusterServiceOptions {
  const { registry = new LoopbackRegistry(), ...rest } = overrides
  return {
    dataDir,
    secrets: new FileSecretStore(path.join(dataDir, 'secrets.json')),
    env: {},
    home: dataDir,
    log: silentLogger(),
    discovery: new LoopbackDiscovery(registry),
    modelsDir: path.join(dataDir, 'models'),
    handshakeTimeoutMs: 60_000,
    ...rest,
  }
}
