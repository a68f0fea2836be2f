import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { NNpsk0Handshake, NoiseError, seal, unseal, x25519FromSecret } from './noise'

const { vector } = JSON.parse(readFileSync(path.join(__dirname, 'testdata', 'noise-nnpsk0-vector.json'), 'utf8')) as {
  vector: { init_prologue: string; init_psks: string[]; init_ephemeral: string; resp_ephemeral: string; handshake_hash: string; messages: Array<{ payload: string; ciphertext: string }> }
}
const hex = (text: string) => Buffer.from(text, 'hex')

function sides() {
  const psk = hex(vector.init_psks[0] as string)
  const prologue = hex(vector.init_prologue)
  const initiator = new NNpsk0Handshake(psk, prologue, x25519FromSecret(hex(vector.init_ephemeral)))
  const responder = new NNpsk0Handshake(psk, prologue, x25519FromSecret(hex(vector.resp_ephemeral)))
  return { initiator, responder }
}

describe('Noise_NNpsk0_25519_AESGCM_SHA256', () => {
  it('reproduces the cacophony test vector: both handshake messages, the handshake hash and four transport messages', () => {
    const { initiator, responder } = sides()
    const [a, b, ...transport] = vector.messages
    const messageA = initiator.writeA(hex(a!.payload))
    expect(messageA.toString('hex')).toBe(a!.ciphertext)
    expect(responder.readA(messageA).toString('hex')).toBe(a!.payload)
    const messageB = responder.writeB(hex(b!.payload))
    expect(messageB.toString('hex')).toBe(b!.ciphertext)
    expect(initiator.readB(messageB).toString('hex')).toBe(b!.payload)

    const keys = initiator.split()
    expect(keys.handshakeHash.toString('hex')).toBe(vector.handshake_hash)
    expect(responder.split()).toEqual(keys)
    const counters = { i: 0n, r: 0n }
    transport.forEach((message, index) => {
      const fromInitiator = index % 2 === 0
      const key = fromInitiator ? keys.initiatorToResponder : keys.responderToInitiator
      const counter = fromInitiator ? counters.i++ : counters.r++
      const sealed = seal(key, counter, Buffer.alloc(0), hex(message.payload))
      expect(sealed.toString('hex')).toBe(message.ciphertext)
      expect(unseal(key, counter, Buffer.alloc(0), sealed)?.toString('hex')).toBe(message.payload)
    })
  })

  it('refuses message A written with another pre-shared key, or under another prologue', () => {
    const prologue = Buffer.from('hellos')
    const writer = new NNpsk0Handshake(Buffer.alloc(32, 1), prologue)
    const messageA = writer.writeA(Buffer.from('{"purpose":"info"}'))
    expect(() => new NNpsk0Handshake(Buffer.alloc(32, 2), prologue).readA(messageA)).toThrow(NoiseError)
    expect(() => new NNpsk0Handshake(Buffer.alloc(32, 1), Buffer.from('other hellos')).readA(messageA)).toThrow(NoiseError)
    expect(new NNpsk0Handshake(Buffer.alloc(32, 1), prologue).readA(messageA).toString()).toBe('{"purpose":"info"}')
  })

  it('refuses a low-order ephemeral key in message B', () => {
    const psk = Buffer.alloc(32, 7)
    const initiator = new NNpsk0Handshake(psk, Buffer.alloc(0))
    initiator.writeA(Buffer.alloc(0))
    const zeroKey = Buffer.concat([Buffer.alloc(32), Buffer.alloc(16)])
    expect(() => initiator.readB(zeroKey)).toThrow(NoiseError)
  })

  it('a flipped bit in a sealed record does not open', () => {
    const key = Buffer.alloc(32, 3)
    const sealed = seal(key, 5n, Buffer.alloc(0), Buffer.from('model bytes'))
    sealed[2] = (sealed[2] as number) ^ 1
    expect(unseal(key, 5n, Buffer.alloc(0), sealed)).toBeNull()
    expect(unseal(key, 6n, Buffer.alloc(0), seal(key, 5n, Buffer.alloc(0), Buffer.from('x')))).toBeNull()
  })
})
