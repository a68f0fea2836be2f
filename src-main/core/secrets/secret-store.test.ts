import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { makeTempDir, removeTempDirs } from '../../../test/support/tmp'
import { IoError } from '../errors'
import { FileSecretStore, type SecretCodec } from '.'

afterEach(removeTempDirs)

describe('FileSecretStore', () => {
  it('stores, reads and deletes secrets in a 0600 file', () => {
    const file = path.join(makeTempDir(), 'sub', 'secrets.json')
    const store = new FileSecretStore(file)
    expect(store.kind).toBe('file')
    expect(store.get('openai')).toBeUndefined()
    store.set('openai', 'sk-1')
    store.set('anthropic', 'sk-2')
    expect(store.get('openai')).toBe('sk-1')
    expect(new FileSecretStore(file).get('anthropic')).toBe('sk-2')
    expect(fs.statSync(file).mode & 0o777).toBe(0o600)
    store.delete('openai')
    expect(store.get('openai')).toBeUndefined()
    expect(store.get('anthropic')).toBe('sk-2')
    expect(fs.readdirSync(path.dirname(file))).toEqual(['secrets.json'])
  })

  it('keeps only ciphertext at rest with a codec, and reports os-keychain', () => {
    const file = path.join(makeTempDir(), 'secrets.json')
    const codec: SecretCodec = {
      encode: (plain) => Buffer.from(plain).reverse().toString('base64'),
      decode: (stored) => Buffer.from(stored, 'base64').reverse().toString(),
    }
    const store = new FileSecretStore(file, codec)
    expect(store.kind).toBe('os-keychain')
    store.set('token', 'plain-secret-value')
    expect(fs.readFileSync(file, 'utf8')).not.toContain('plain-secret-value')
    expect(store.get('token')).toBe('plain-secret-value')
  })

  it('ignores non-string entries and non-object files', () => {
    const dir = makeTempDir()
    const file = path.join(dir, 'secrets.json')
    fs.writeFileSync(file, JSON.stringify({ good: 'x', bad: 3, worse: { a: 1 } }))
    expect(new FileSecretStore(file).get('good')).toBe('x')
    expect(new FileSecretStore(file).get('bad')).toBeUndefined()
    fs.writeFileSync(file, 'null')
    expect(new FileSecretStore(file).get('good')).toBeUndefined()
    fs.writeFileSync(file, '"a string"')
    expect(new FileSecretStore(file).get('good')).toBeUndefined()
  })

  it('throws IoError with a hint for a corrupt file, without overwriting it', () => {
    const file = path.join(makeTempDir(), 'secrets.json')
    fs.writeFileSync(file, '{not json')
    const store = new FileSecretStore(file)
    expect(() => store.get('x')).toThrow(IoError)
    expect(() => store.set('x', 'y')).toThrow(/cannot be read/)
    expect(fs.readFileSync(file, 'utf8')).toBe('{not json')
  })
})
