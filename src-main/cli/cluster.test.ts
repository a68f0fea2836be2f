import { readFileSync } from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { testIo } from '../../test/support/io'
import { makeTempDir, removeTempDirs } from '../../test/support/tmp'
import { LoopbackDiscovery, LoopbackRegistry } from '../core/cluster/discovery'
import { blobPath, manifestPath } from '../core/cluster/transfer'
import { makeModel, sha256OfFile } from '../core/cluster/transfer/testdata/make-model'
import { makeClusterCommand } from './cluster'
import { commands, runCli } from './run'

// Registered here the way run.ts will register it, with multicast DNS swapped for a loopback registry.
let registry = new LoopbackRegistry()
// Handshakes on loopback always complete: a busy machine may make them slow, never too slow.
const command = makeClusterCommand({ discovery: () => new LoopbackDiscovery(registry), sleep: async () => undefined, handshakeTimeoutMs: 60_000 })
// Replaces the registered one (if run.ts already has it), so runCli dispatches to this instance.
const registered = commands.findIndex((candidate) => candidate.name === 'cluster')
if (registered >= 0) commands.splice(registered, 1, command)
else commands.push(command)

afterEach(() => {
  registry = new LoopbackRegistry()
  removeTempDirs()
})

function machine() {
  const dir = makeTempDir()
  const modelsDir = path.join(makeTempDir(), 'models')
  const env = { HOME: makeTempDir() }
  const start = (args: string[]) => {
    const io = testIo(env)
    const done = runCli(['cluster', ...args, '--data-dir', dir, '--models-dir', modelsDir], io)
    return { io, done }
  }
  const run = async (args: string[]) => {
    const { io, done } = start(args)
    const code = await done
    return { code, out: io.stdout(), err: io.stderr() }
  }
  return { dir, modelsDir, start, run }
}

describe('ollama-desk cluster', () => {
  it('says so when no machine is paired or discovered', async () => {
    const { run } = machine()
    const result = await run(['peers'])
    expect(result).toMatchObject({ code: 0, err: '' })
    expect(result.out).toMatch(/^No paired or discovered machines\. On the other machine run `ollama-desk cluster serve`/)
    expect(JSON.parse((await run(['peers', '--json'])).out).peers).toEqual([])
  })

  it('explains a bad address for pair', async () => {
    const { run } = machine()
    const bad = await run(['pair', 'not-an-address', '123456'])
    expect(bad.code).toBe(1)
    expect(bad.err).toMatch(/^error: "tcp:\/\/not-an-address" is not a TCP address\.\nhint: Use tcp:\/\/host:port/)
    const refused = await run(['pair', '127.0.0.1:1', '123456'])
    expect(refused.code).toBe(1)
    expect(refused.err).toMatch(/refused the connection/)
  })

  it('asks for the missing arguments', async () => {
    const { run } = machine()
    expect(await run(['pair', '127.0.0.1:4000'])).toMatchObject({ code: 2, err: expect.stringMatching(/give the address and the code/) })
    expect(await run(['send-model', 'tiny'])).toMatchObject({ code: 2, err: expect.stringMatching(/name the model and the peer/) })
    expect(await run(['serve', '--port', 'abc'])).toMatchObject({ code: 2, err: expect.stringMatching(/--port must be a number/) })
    expect(await run(['unpair'])).toMatchObject({ code: 2, err: expect.stringMatching(/name the paired machine/) })
    expect(await run(['frobnicate'])).toMatchObject({ code: 2, err: expect.stringMatching(/unknown cluster command "frobnicate"/) })
  })

  it('serves, pairs with the printed code, lists the peer and receives a model', async () => {
    const receiver = machine()
    const sender = machine()
    const served = receiver.start(['serve', '--port', '0', '--host', '127.0.0.1', '--name', 'receiver-box'])
    try {
      const banner = await served.io.waitForOut('pairing code: ')
      const address = /listening on (\S+) as/.exec(banner)?.[1] ?? ''
      const code = /pairing code: (\d{6})/.exec(banner)?.[1] ?? ''

      const paired = await sender.run(['pair', address, code])
      expect(paired).toMatchObject({ code: 0, out: expect.stringMatching(/^paired with /) })
      await served.io.waitForOut('paired with ')
      const peers = JSON.parse((await sender.run(['peers', '--json'])).out).peers
      expect(peers).toEqual([expect.objectContaining({ paired: true, name: 'receiver-box', addresses: [address] })])

      const model = await makeModel({ modelsDir: sender.modelsDir, name: 'tiny', weightsBytes: 2 * 1024 * 1024, seed: 5 })
      const sent = await sender.run(['send-model', model.name, peers[0].id])
      expect(sent.code).toBe(0)
      expect(sent.out).toMatch(/sending tiny:latest {2}100\.0%/)
      expect(sent.out).toMatch(/\nsent tiny:latest to /)
      await served.io.waitForOut('received tiny:latest')
      expect(readFileSync(manifestPath(receiver.modelsDir, model.name), 'utf8')).toBe(model.manifestText)
      for (const blob of model.blobs) expect(await sha256OfFile(blobPath(receiver.modelsDir, blob.digest))).toBe(blob.digest)

      const unpaired = await sender.run(['unpair', peers[0].name])
      expect(unpaired).toMatchObject({ code: 0, out: expect.stringMatching(/^unpaired .+ \(.+\); it can no longer connect/) })
      expect(JSON.parse((await sender.run(['peers', '--json'])).out).peers).toEqual([expect.objectContaining({ paired: false })])
      const again = await sender.run(['send-model', model.name, address])
      expect(again.code).toBe(1)
      expect(again.err).toMatch(/not paired/)
      expect(await sender.run(['unpair', peers[0].id])).toMatchObject({ code: 1, err: expect.stringMatching(/No paired machine is called/) })
    } finally {
      served.io.stop()
      expect(await served.done).toBe(0)
    }
  })
})
