import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { blobPath, digestHex, formatModelName, listBlobs, listInstalledModels, manifestPath, ModelNotInstalledError, parseManifest, parseModelName, readManifest, resolveModelsDir } from './model-store'
import { makeModel } from './testdata/make-model'

const HEX = 'ab'.repeat(32)

describe('parseModelName', () => {
  it.each([
    ['llama3.2', { host: 'registry.ollama.ai', namespace: 'library', model: 'llama3.2', tag: 'latest' }],
    ['llama3.2:3b', { host: 'registry.ollama.ai', namespace: 'library', model: 'llama3.2', tag: '3b' }],
    ['library/x:tag', { host: 'registry.ollama.ai', namespace: 'library', model: 'x', tag: 'tag' }],
    ['jmorgan/mixtral', { host: 'registry.ollama.ai', namespace: 'jmorgan', model: 'mixtral', tag: 'latest' }],
    ['hf.co/user/repo:Q4_K_M', { host: 'hf.co', namespace: 'user', model: 'repo', tag: 'Q4_K_M' }],
    ['localhost:5000/team/m', { host: 'localhost:5000', namespace: 'team', model: 'm', tag: 'latest' }],
    ['https://example.com/ns/m:v1', { host: 'example.com', namespace: 'ns', model: 'm', tag: 'v1' }],
  ])('%s', (input, expected) => {
    expect(parseModelName(input)).toEqual(expected)
  })

  it.each([
    ['', 'model part'],
    ['a/b/c/d', 'too many'],
    ['../evil', 'namespace'],
    ['..', 'model part'],
    ['x/../y', 'namespace'],
    ['m:', 'tag'],
    ['m:-bad', 'tag'],
    ['m@sha256:abcd', 'digest'],
    ['../etc/passwd', 'host'],
    ['../../etc/passwd', 'too many'],
  ])('refuses %j (%s)', (input, why) => {
    expect(() => parseModelName(input)).toThrow(expect.objectContaining({ code: 'E_VALIDATION', message: expect.stringContaining(why) }))
  })

  it('formats names the way Ollama lists them', () => {
    expect(formatModelName(parseModelName('llama3.2'))).toBe('llama3.2:latest')
    expect(formatModelName(parseModelName('user/x:1'))).toBe('user/x:1')
    expect(formatModelName(parseModelName('hf.co/user/repo:Q4_K_M'))).toBe('hf.co/user/repo:Q4_K_M')
  })
})

describe('paths', () => {
  it('resolves the models dir: explicit path, then OLLAMA_MODELS, then ~/.ollama/models', () => {
    expect(resolveModelsDir({}, '/home/u')).toBe(path.join('/home/u', '.ollama', 'models'))
    expect(resolveModelsDir({ OLLAMA_MODELS: '/data/m' }, '/home/u')).toBe(path.resolve('/data/m'))
    expect(resolveModelsDir({ OLLAMA_MODELS: '~/m' }, '/home/u')).toBe(path.join('/home/u', 'm'))
    expect(resolveModelsDir({ OLLAMA_MODELS: ' ' }, '/home/u')).toBe(path.join('/home/u', '.ollama', 'models'))
    expect(resolveModelsDir({ OLLAMA_MODELS: '/data/m' }, '/home/u', '/usr/share/ollama/.ollama/models')).toBe(path.resolve('/usr/share/ollama/.ollama/models'))
  })

  it('maps names to manifest paths and digests to blob paths', () => {
    expect(manifestPath('/m', 'llama3.2:3b')).toBe(path.join('/m', 'manifests', 'registry.ollama.ai', 'library', 'llama3.2', '3b'))
    expect(manifestPath('/m', 'hf.co/user/repo:Q4_K_M')).toBe(path.join('/m', 'manifests', 'hf.co', 'user', 'repo', 'Q4_K_M'))
    expect(blobPath('/m', `sha256:${HEX}`)).toBe(path.join('/m', 'blobs', `sha256-${HEX}`))
    expect(digestHex(`sha256-${HEX}`)).toBe(HEX)
  })

  it.each(['sha256:../../x', `sha512:${HEX}`, 'sha256:ABC', `sha256:${HEX}/..`])('refuses the digest %s', (digest) => {
    expect(() => blobPath('/m', digest)).toThrow(expect.objectContaining({ code: 'E_VALIDATION' }))
  })
})

describe('manifests', () => {
  let dir: string
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'desk-store-'))
  })
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('reads an installed model and lists its blobs, config first', async () => {
    const model = await makeModel({ modelsDir: dir, name: 'tiny', tag: '1b', weightsBytes: 1000 })
    const loaded = await readManifest(dir, 'tiny:1b')
    expect(loaded.text).toBe(model.manifestText)
    expect(listBlobs(loaded.manifest)).toEqual(model.blobs)
  })

  it('a missing model is a clear not-found error', async () => {
    await expect(readManifest(dir, 'nope:7b')).rejects.toThrow(ModelNotInstalledError)
    await expect(readManifest(dir, 'nope:7b')).rejects.toThrow(`"nope:7b" is not installed in ${dir}`)
  })

  it('a manifest that is not JSON or lacks layers is refused', async () => {
    const file = manifestPath(dir, 'bad')
    await makeModel({ modelsDir: dir, name: 'bad', weightsBytes: 10 })
    await writeFile(file, '{ nope')
    await expect(readManifest(dir, 'bad')).rejects.toThrow('is not JSON')
    expect(() => parseManifest(JSON.stringify({ config: { digest: `sha256:${HEX}`, size: 1, mediaType: 'x' } }), 'm')).toThrow('lacks a valid config or layers')
    expect(() => parseManifest(JSON.stringify({ config: { digest: 'sha256:../x', size: 1, mediaType: 'x' }, layers: [] }), 'm')).toThrow('is not a sha256 digest')
  })

  it('lists installed models with their sizes, skipping a broken manifest', async () => {
    const tiny = await makeModel({ modelsDir: dir, name: 'tiny', tag: '1b', weightsBytes: 1000 })
    const other = await makeModel({ modelsDir: dir, name: 'other', weightsBytes: 300, seed: 2 })
    await makeModel({ modelsDir: dir, name: 'broken', weightsBytes: 10 })
    await writeFile(manifestPath(dir, 'broken'), '{ nope')
    expect(await listInstalledModels(dir)).toEqual([
      { name: 'other:latest', sizeBytes: other.totalBytes },
      { name: 'tiny:1b', sizeBytes: tiny.totalBytes },
    ])
    expect(await listInstalledModels(path.join(dir, 'missing'))).toEqual([])
  })

  it('a digest listed twice is one blob', () => {
    const entry = { mediaType: 'x', digest: `sha256:${HEX}`, size: 3 }
    expect(listBlobs({ config: entry, layers: [entry, { ...entry, mediaType: 'y' }] })).toEqual([entry])
  })
})
