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

/** What the user types into `serve`, one line at a time, when the test says so. */
function keyboard() {
  const queue: string[] = []
  let wake: (() => void) | undefined
  return {
    type(line: string) {
      queue.push(line)
      wake?.()
    },
    async *lines(): AsyncGenerator<string> {
      for (;;) {
        while (queue.length > 0) yield queue.shift() as string
        await new Promise<void>((resolve) => (wake = resolve))
      }
    },
  }
}
let typing = keyboard()

// Registered here the way run.ts will register it, with multicast DNS swapped for a loopback registry.
let registry = new LoopbackRegistry()
// Handshakes on loopback always complete: a busy machine may make them slow, never too slow.
const command = makeClusterCommand({ discovery: () => new LoopbackDiscovery(registry), sleep: async () => undefined, handshakeTimeoutMs: 60_000, lines: () => typing.lines() })
// Replaces the registered one (if run.ts already has it), so runCli dispatches to this instance.
const registered = commands.findIndex((candidate) => candidate.name === 'cluster')
if (registered >= 0) commands.splice(registered, 1, command)
else commands.push(command)

afterEach(() => {
  registry = new LoopbackRegistry()
  typing = keyboard()
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

  it('serve shows a code only when asked, asks to confirm the joining machine by its fingerprint, and refuses on no', async () => {
    const receiver = machine()
    const sender = machine()
    const served = receiver.start(['serve', '--port', '0', '--host', '127.0.0.1', '--name', 'receiver-box'])
    try {
      const banner = await served.io.waitForOut('press Enter to show a pairing code')
      expect(banner).not.toMatch(/pairing code: \d/)
      const address = /listening on (\S+) as/.exec(banner)?.[1] ?? ''
      typing.type('')
      const code = /pairing code: (\d{6})/.exec(await served.io.waitForOut('pairing code: '))?.[1] ?? ''

      const refused = sender.start(['pair', address, code])
      const prompt = await served.io.waitForOut('Pair? [yes/no]')
      const own = /this machine's fingerprint: (\S+)/.exec(await refused.io.waitForOut("this machine's fingerprint"))?.[1]
      expect(own).toMatch(/^[0-9A-F]{4}(-[0-9A-F]{4}){3}$/)
      expect(prompt).toContain(`wants to pair; its fingerprint is ${own}.`)
      typing.type('no')
      expect(await refused.done).toBe(1)
      expect(refused.io.stderr()).toMatch(/not confirmed on the other machine/)
      expect(JSON.parse((await receiver.run(['peers', '--json'])).out).peers.filter((peer: { paired: boolean }) => peer.paired)).toEqual([])
      // The refused code is spent; nothing shows a new one until asked.
      expect(served.io.stdout().match(/pairing code: \d/g)).toHaveLength(1)
    } finally {
      served.io.stop()
      expect(await served.done).toBe(0)
    }
  })

  it('serves, pairs with the printed code once confirmed, lists the peer and receives a model', async () => {
    const receiver = machine()
    const sender = machine()
    const served = receiver.start(['serve', '--port', '0', '--host', '127.0.0.1', '--name', 'receiver-box'])
    try {
      const banner = await served.io.waitForOut('press Enter to show a pairing code')
      const address = /listening on (\S+) as/.exec(banner)?.[1] ?? ''
      typing.type('')
      const shown = await served.io.waitForOut('pairing code: ')
      const code = /pairing code: (\d{6})/.exec(shown)?.[1] ?? ''
      const receiverPrint = /this machine's fingerprint: ([0-9A-F-]{19})/.exec(shown)?.[1]

      const pairing = sender.start(['pair', address, code])
      await served.io.waitForOut('Pair? [yes/no]')
      typing.type('yes')
      const paired = { code: await pairing.done, out: pairing.io.stdout() }
      expect(paired.out).toContain(`fingerprint ${receiverPrint}`)
      expect(paired).toMatchObject({ code: 0, out: expect.stringMatching(/\npaired with /) })
      await served.io.waitForOut('paired with ')
      const peers = JSON.parse((await sender.run(['peers', '--json'])).out).peers
      expect(peers).toEqual([expect.objectContaining({ paired: true, name: 'receiver-box', addresses: [address] })])

      const model = await makeModel({ modelsDir: sender.modelsDir, name: 'tiny', weightsBytes: 2 * 1024 * 1024, seed: 5 })
      const refused = await sender.run(['send-model', model.name, peers[0].id])
      expect(refused).toMatchObject({ code: 1, err: expect.stringMatching(/may not send models to receiver-box/) })
      const senderId = JSON.parse((await sender.run(['peers', '--json'])).out).self
      expect(await receiver.run(['allow-models', senderId])).toMatchObject({ code: 0, out: expect.stringMatching(/may now send models to this machine/) })
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
