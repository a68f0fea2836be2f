import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { mkdir, open, rename, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { blobPath, manifestPath, type ManifestEntry, type OllamaManifest } from '../model-store'

/**
 * Writes a fake but well-formed Ollama model into a models dir: a weights blob of seeded
 * pseudo-random bytes (GGUF magic first), config/template/params blobs and the manifest, laid out
 * exactly as Ollama stores them.
 */

export interface FakeModel {
  name: string
  manifestFile: string
  manifestText: string
  blobs: ManifestEntry[]
  weights: ManifestEntry
  totalBytes: number
}

export interface MakeModelOptions {
  modelsDir: string
  name: string
  /** Manifest path parts; the defaults match a plain `name:tag`. */
  tag?: string
  weightsBytes: number
  seed?: number
}

export async function makeModel(options: MakeModelOptions): Promise<FakeModel> {
  const tag = options.tag ?? 'latest'
  await mkdir(path.join(options.modelsDir, 'blobs'), { recursive: true })
  const weights = await writeRandomBlob(options.modelsDir, options.weightsBytes, options.seed ?? 1)
  const template = await writeSmallBlob(options.modelsDir, 'application/vnd.ollama.image.template', '{{ .System }}\n{{ .Prompt }}')
  const params = await writeSmallBlob(options.modelsDir, 'application/vnd.ollama.image.params', JSON.stringify({ temperature: 0.7, stop: ['<|eot|>'] }))
  const config = await writeSmallBlob(
    options.modelsDir,
    'application/vnd.docker.container.image.v1+json',
    JSON.stringify({ model_format: 'gguf', model_family: 'llama', model_type: '3B', file_type: 'Q4_K_M', rootfs: { type: 'layers', diff_ids: [weights.digest, template.digest, params.digest] } }),
  )
  const manifest: OllamaManifest = { schemaVersion: 2, mediaType: 'application/vnd.docker.distribution.manifest.v2+json', config, layers: [weights, template, params] }
  const manifestText = JSON.stringify(manifest)
  const manifestFile = manifestPath(options.modelsDir, `${options.name}:${tag}`)
  await mkdir(path.dirname(manifestFile), { recursive: true })
  await writeFile(manifestFile, manifestText)
  const blobs = [config, weights, template, params]
  return { name: `${options.name}:${tag}`, manifestFile, manifestText, blobs, weights, totalBytes: blobs.reduce((sum, b) => sum + b.size, 0) }
}

async function writeSmallBlob(modelsDir: string, mediaType: string, text: string): Promise<ManifestEntry> {
  const bytes = Buffer.from(text, 'utf8')
  const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`
  await writeFile(blobPath(modelsDir, digest), bytes)
  return { mediaType, digest, size: bytes.length }
}

/** xorshift32 over 4 MiB chunks: fast, and the same seed gives the same bytes. */
async function writeRandomBlob(modelsDir: string, size: number, seed: number): Promise<ManifestEntry> {
  const staging = path.join(modelsDir, 'blobs', `staging-${seed}`)
  const hash = createHash('sha256')
  const handle = await open(staging, 'w')
  const words = new Uint32Array(1 << 20)
  const bytes = Buffer.from(words.buffer)
  let state = seed >>> 0 || 0x9e3779b9
  try {
    for (let written = 0; written < size; ) {
      for (let i = 0; i < words.length; i++) {
        state ^= state << 13
        state ^= state >>> 17
        state ^= state << 5
        words[i] = state
      }
      if (written === 0) bytes.write('GGUF', 0, 'latin1')
      const chunk = bytes.subarray(0, Math.min(bytes.length, size - written))
      hash.update(chunk)
      await handle.write(chunk)
      written += chunk.length
    }
  } finally {
    await handle.close()
  }
  const digest = `sha256:${hash.digest('hex')}`
  await rename(staging, blobPath(modelsDir, digest))
  return { mediaType: 'application/vnd.ollama.image.model', digest, size }
}

export async function sha256OfFile(file: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(file, { highWaterMark: 4 << 20 })) hash.update(chunk as Buffer)
  return `sha256:${hash.digest('hex')}`
}
