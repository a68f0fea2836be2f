import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { NNpsk0Handshake } from '../src-main/core/cluster/noise'
import { purposeKeys, SecureChannel } from '../src-main/core/cluster/secure-channel'
import { loadLocalModel, receiveOne, sendOver } from '../src-main/core/cluster/transfer'
import { makeModel } from '../src-main/core/cluster/transfer/testdata/make-model'
import { TcpTransport, type TransportChannel } from '../src-main/core/rdma'
import type { Figure } from './report'

/** Keys from a real NNpsk0 handshake (run in memory: the bench measures the record layer, not the round trips). */
function channelKeys() {
  const psk = randomBytes(32)
  const prologue = randomBytes(64)
  const client = new NNpsk0Handshake(psk, prologue)
  const server = new NNpsk0Handshake(psk, prologue)
  server.readA(client.writeA(Buffer.from('{"purpose":"transfer"}')))
  client.readB(server.writeB(Buffer.from('{}')))
  return { client: purposeKeys(client.split(), 'transfer', 'client'), server: purposeKeys(server.split(), 'transfer', 'server') }
}

/** One model sent over loopback TCP into an empty models dir; ms from connect to DONE. */
async function transferOnce(sourceDir: string, model: string, secure: boolean): Promise<number> {
  const targetDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ollama-desk-bench-recv-'))
  const transport = new TcpTransport()
  const listener = await transport.listen({ host: '127.0.0.1', port: 0 })
  const keys = channelKeys()
  const wrap = (channel: TransportChannel, side: 'client' | 'server') => (secure ? new SecureChannel(channel, keys[side]) : channel)
  try {
    const receiving = (async () => {
      for await (const channel of listener.accept()) return receiveOne(wrap(channel, 'server'), { modelsDir: targetDir })
      throw new Error('listener closed')
    })()
    const loaded = await loadLocalModel(sourceDir, model)
    const start = performance.now()
    const channel = await transport.connect(listener.address)
    await sendOver(wrap(channel, 'client'), loaded, { modelsDir: sourceDir, model })
    await receiving
    return performance.now() - start
  } finally {
    await listener.close()
    fs.rmSync(targetDir, { recursive: true, force: true })
  }
}

/** Model transfer over TCP on loopback: through the encrypted cluster channel vs a raw socket, same run. */
export async function clusterBench(quick: boolean): Promise<Figure[]> {
  const sourceDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ollama-desk-bench-models-'))
  const bytes = (quick ? 64 : 256) * 2 ** 20
  const rounds = quick ? 2 : 3
  try {
    const model = await makeModel({ modelsDir: sourceDir, name: 'bench', weightsBytes: bytes })
    await transferOnce(sourceDir, model.name, false)
    await transferOnce(sourceDir, model.name, true)
    // Interleaved rounds, best of each, so a noisy neighbour hurts both sides alike.
    let raw = Number.POSITIVE_INFINITY
    let encrypted = Number.POSITIVE_INFINITY
    for (let i = 0; i < rounds; i++) {
      raw = Math.min(raw, await transferOnce(sourceDir, model.name, false))
      encrypted = Math.min(encrypted, await transferOnce(sourceDir, model.name, true))
    }
    const mibPerSecond = (ms: number) => model.totalBytes / 2 ** 20 / (ms / 1000)
    return [
      { name: `model transfer over loopback TCP, raw socket (${bytes / 2 ** 20} MiB)`, value: mibPerSecond(raw), unit: 'MiB/s' },
      { name: `model transfer over loopback TCP, encrypted cluster channel (${bytes / 2 ** 20} MiB)`, value: mibPerSecond(encrypted), unit: 'MiB/s', baseline: mibPerSecond(raw), short: 'encrypted/raw model transfer' },
    ]
  } finally {
    fs.rmSync(sourceDir, { recursive: true, force: true })
  }
}
