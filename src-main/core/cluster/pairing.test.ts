import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { removeTempDirs } from '../../../test/support/tmp'
import { PairingCodeGate, PairingError, acceptPairing, generatorFor, requestPairing } from './pairing'

import { channelPair, instance } from './testdata/memory-peers'

/** Handshakes that must complete get far more time than a busy machine could need. */
const PATIENT_MS = 60_000

afterEach(removeTempDirs)

type Instance = ReturnType<typeof instance>

/** Runs both sides over one in-memory connection; each side's outcome is a value or its error. */
async function pair(receiver: Instance, initiator: Instance, gate: PairingCodeGate, code: string) {
  const link = channelPair()
  const [accepted, requested] = await Promise.allSettled([
    acceptPairing(link.a, gate, { peersStore: receiver.store, selfName: receiver.name, timeoutMs: PATIENT_MS }),
    requestPairing(link.b, code, { peersStore: initiator.store, selfName: initiator.name, timeoutMs: PATIENT_MS }),
  ])
  return { accepted, requested, link }
}

function reasonOf(result: PromiseSettledResult<unknown>): string {
  if (result.status === 'fulfilled') return 'succeeded'
  return result.reason instanceof PairingError ? result.reason.reason : String(result.reason)
}

function clock(start = 1_000_000): { now: () => number; advance: (ms: number) => void } {
  let time = start
  return { now: () => time, advance: (ms) => (time += ms) }
}

describe('pairing', () => {
  it('pairs with the right code: both sides store each other with the same 32-byte key, never on disk in peers.json', async () => {
    const receiver = instance('studio')
    const initiator = instance('laptop')
    const gate = new PairingCodeGate()
    const { code } = gate.showCode()
    expect(code).toMatch(/^\d{6}$/)

    const { accepted, requested, link } = await pair(receiver, initiator, gate, code)
    expect(reasonOf(accepted)).toBe('succeeded')
    expect(reasonOf(requested)).toBe('succeeded')

    const receiverId = receiver.store.identity().id
    const initiatorId = initiator.store.identity().id
    expect(receiver.store.list().map((peer) => [peer.id, peer.name])).toEqual([[initiatorId, 'laptop']])
    expect(initiator.store.list().map((peer) => [peer.id, peer.name])).toEqual([[receiverId, 'studio']])
    expect(receiver.store.get(initiatorId)?.identityKey).toBe(initiator.store.identity().publicKey)
    expect(initiator.store.get(receiverId)?.identityKey).toBe(receiver.store.identity().publicKey)

    const key = receiver.store.pairingKey(initiatorId)
    expect(key).toHaveLength(32)
    expect(initiator.store.pairingKey(receiverId)?.equals(key!)).toBe(true)

    // Neither the key nor the code travels or lands in peers.json.
    const wire = Buffer.concat([...link.sentByA, ...link.sentByB])
    for (const encoding of ['base64', 'hex'] as const) {
      expect(wire.toString('latin1')).not.toContain(key!.toString(encoding))
      for (const dir of [receiver.dataDir, initiator.dataDir]) {
        expect(fs.readFileSync(path.join(dir, 'peers.json'), 'utf8')).not.toContain(key!.toString(encoding))
      }
    }
    expect(wire.toString('latin1')).not.toContain(code)
  })

  it('the code is single use', async () => {
    const receiver = instance('studio')
    const gate = new PairingCodeGate()
    const { code } = gate.showCode()
    expect(reasonOf((await pair(receiver, instance('a'), gate, code)).requested)).toBe('succeeded')
    const second = await pair(receiver, instance('b'), gate, code)
    expect(reasonOf(second.requested)).toBe('no-code')
    expect(reasonOf(second.accepted)).toBe('no-code')
  })

  it('a wrong code fails on both sides and stores nothing', async () => {
    const receiver = instance('studio')
    const initiator = instance('laptop')
    const gate = new PairingCodeGate({ randomInt: () => 123456 })
    gate.showCode()
    const { accepted, requested } = await pair(receiver, initiator, gate, '654321')
    expect(reasonOf(accepted)).toBe('wrong-code')
    expect(reasonOf(requested)).toBe('wrong-code')
    expect((requested as PromiseRejectedResult).reason).toMatchObject({ code: 'E_UNAUTHORIZED' })
    expect(receiver.store.list()).toEqual([])
    expect(initiator.store.list()).toEqual([])
  })

  it('a code dies after 3 wrong tries, and the third failure starts a back-off even for the right code', async () => {
    const time = clock()
    const receiver = instance('studio')
    const gate = new PairingCodeGate({ now: time.now, randomInt: () => 42 })
    const { code } = gate.showCode()
    expect(code).toBe('000042')
    for (let attempt = 0; attempt < 3; attempt += 1) {
      expect(reasonOf((await pair(receiver, instance('attacker'), gate, '999999')).accepted)).toBe('wrong-code')
    }
    const locked = await pair(receiver, instance('laptop'), gate, code)
    expect(reasonOf(locked.requested)).toBe('locked')
    expect((locked.requested as PromiseRejectedResult).reason).toMatchObject({ code: 'E_RATE_LIMITED' })
    time.advance(30_000)
    expect(reasonOf((await pair(receiver, instance('laptop'), gate, code)).requested)).toBe('no-code')
    gate.showCode()
    expect(reasonOf((await pair(receiver, instance('laptop'), gate, code)).requested)).toBe('succeeded')
    expect(gate.state.failures).toBe(0)
  })

  it('a sweep of wrong codes over 30 days stops at the budget, across fresh codes and restarts', () => {
    const time = clock()
    const saved = { failures: 0, lockedUntil: 0 }
    const store = { load: () => ({ ...saved }), save: (state: typeof saved) => void Object.assign(saved, state) }
    let gate = new PairingCodeGate({ now: time.now, store })
    let wrongTriesEvaluated = 0
    const end = time.now() + 30 * 24 * 60 * 60 * 1000
    for (let round = 0; time.now() < end; round += 1) {
      if (round % 7 === 6) gate = new PairingCodeGate({ now: time.now, store }) // the machine restarts now and then
      gate.showCode() // `serve` shows a fresh code whenever one expires or dies
      try {
        gate.begin().fail()
        wrongTriesEvaluated += 1
      } catch (error) {
        expect(error).toMatchObject({ reason: 'locked' })
        time.advance(Math.max(1, gate.state.lockedUntil - time.now()))
      }
    }
    // The budget (10) and then one try a day: about 40 in 30 days, where unlimited codes allowed ~200,000.
    expect(wrongTriesEvaluated).toBeLessThanOrEqual(10 + 30)
    expect(saved.failures).toBe(wrongTriesEvaluated)
  })

  it('an expired code fails', async () => {
    const time = clock()
    const gate = new PairingCodeGate({ now: time.now })
    const { code, expiresAt } = gate.showCode()
    expect(expiresAt).toBe(time.now() + 120_000)
    time.advance(120_000)
    const { accepted, requested } = await pair(instance('studio'), instance('laptop'), gate, code)
    expect(reasonOf(requested)).toBe('expired')
    expect(reasonOf(accepted)).toBe('expired')
  })

  it('refuses when no code is shown, or after it was cancelled', async () => {
    const gate = new PairingCodeGate()
    expect(reasonOf((await pair(instance('s'), instance('l'), gate, '000000')).requested)).toBe('no-code')
    const { code } = gate.showCode()
    gate.cancel()
    expect(reasonOf((await pair(instance('s'), instance('l'), gate, code)).requested)).toBe('no-code')
  })

  it('a recorded initiator transcript replayed against the same code fails (fresh receiver nonce)', async () => {
    const receiver = instance('studio')
    const gate = new PairingCodeGate({ randomInt: () => 777777 })
    gate.showCode()
    const first = await pair(receiver, instance('laptop'), gate, '777777')
    expect(reasonOf(first.accepted)).toBe('succeeded')

    gate.showCode()
    const replay = channelPair()
    const accepting = acceptPairing(replay.a, gate, { peersStore: receiver.store, selfName: 'studio', timeoutMs: PATIENT_MS })
    const replies = replay.b[Symbol.asyncIterator]()
    for (const chunk of first.link.sentByB) {
      await replay.b.write(chunk)
      await replies.next()
    }
    await expect(accepting).rejects.toMatchObject({ reason: 'wrong-code', code: 'E_UNAUTHORIZED' })
    expect(receiver.store.list()).toHaveLength(1)
  })

  it('rejects a malformed code before connecting', async () => {
    const link = channelPair()
    await expect(requestPairing(link.b, '12ab56', { peersStore: instance('l').store, selfName: 'l', timeoutMs: PATIENT_MS })).rejects.toThrow(/exactly 6 digits/)
  })

  it('refuses a second attempt while one is in progress', () => {
    const gate = new PairingCodeGate()
    gate.showCode()
    const attempt = gate.begin()
    expect(() => gate.begin()).toThrow(expect.objectContaining({ reason: 'busy' }))
    attempt.fail()
    expect(() => gate.begin()).not.toThrow()
  })

  it('refuses an initiator that does not speak the protocol', async () => {
    const gate = new PairingCodeGate()
    gate.showCode()
    const link = channelPair()
    const accepting = acceptPairing(link.a, gate, { peersStore: instance('s').store, selfName: 's', timeoutMs: PATIENT_MS })
    const body = Buffer.from(JSON.stringify({ type: 'pair-hello', v: 2 }))
    const header = Buffer.alloc(4)
    header.writeUInt32BE(body.length)
    await link.b.write(Buffer.concat([header, body]))
    await expect(accepting).rejects.toMatchObject({ code: 'E_UNAUTHORIZED', message: expect.stringMatching(/unexpected handshake message/) })
  })
})

describe('generatorFor', () => {
  const p = 2n ** 255n - 19n
  const power = (base: bigint, exponent: bigint): bigint => {
    let result = 1n
    for (let b = base % p, e = exponent; e > 0n; e >>= 1n, b = (b * b) % p) if (e & 1n) result = (result * b) % p
    return result
  }

  it('maps inputs to distinct points on Curve25519 (not its twist)', () => {
    const seen = new Set<string>()
    for (let i = 0; i < 20; i += 1) {
      const point = generatorFor(Buffer.from(`code-${i}`))
      const u = BigInt(`0x${Buffer.from(point).reverse().toString('hex')}`)
      expect(u < p).toBe(true)
      const rhs = (u * u * u + 486662n * u * u + u) % p
      expect(rhs === 0n || power(rhs, (p - 1n) / 2n) === 1n).toBe(true)
      seen.add(point.toString('hex'))
    }
    expect(seen.size).toBe(20)
    expect(generatorFor(Buffer.from('same')).equals(generatorFor(Buffer.from('same')))).toBe(true)
  })
})
