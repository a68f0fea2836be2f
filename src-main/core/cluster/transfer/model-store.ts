import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { AppError, IoError, ValidationError } from '../../errors'

/**
 * Ollama's on-disk model store: `<models>/manifests/<host>/<namespace>/<model>/<tag>` (a JSON
 * manifest) and content-addressed blobs in `<models>/blobs/sha256-<hex>`.
 */

export const DEFAULT_HOST = 'registry.ollama.ai'
export const DEFAULT_NAMESPACE = 'library'
export const DEFAULT_TAG = 'latest'
/** Where the Linux install script's systemd service keeps models (its user's home). */
export const LINUX_SERVICE_MODELS_DIR = '/usr/share/ollama/.ollama/models'

export interface ModelName {
  host: string
  namespace: string
  model: string
  tag: string
}

export interface ManifestEntry {
  mediaType: string
  digest: string
  size: number
}

export interface OllamaManifest {
  schemaVersion?: number
  mediaType?: string
  config: ManifestEntry
  layers: ManifestEntry[]
}

export interface LoadedManifest {
  name: ModelName
  /** The manifest file's exact text: copied verbatim so the model's digest stays the same. */
  text: string
  manifest: OllamaManifest
}

/** A model the local Ollama does not have. */
export class ModelNotInstalledError extends AppError {
  constructor(name: string, modelsDir: string) {
    super('E_NOT_FOUND', `"${name}" is not installed in ${modelsDir}.`, {
      hint: 'Check the name with `ollama list`, or pull the model first.',
    })
  }
}

/** `OLLAMA_MODELS` when set, else `~/.ollama/models`; an explicit path (e.g. the Linux service's) wins. */
export function resolveModelsDir(env: Record<string, string | undefined>, home: string, override?: string): string {
  const chosen = override?.trim() || env.OLLAMA_MODELS?.trim()
  if (chosen) return path.resolve(chosen.startsWith('~/') ? path.join(home, chosen.slice(2)) : chosen)
  return path.join(home, '.ollama', 'models')
}

const PART = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,79}$/
const TAG = /^[a-zA-Z0-9_][a-zA-Z0-9_.-]{0,79}$/
const HOST = /^[a-zA-Z0-9][a-zA-Z0-9_.:-]{0,349}$/

/** Parses like Ollama: `[host/][namespace/]model[:tag]`; a `:` after the last `/` starts the tag. */
export function parseModelName(input: string): ModelName {
  const raw = input.trim()
  const invalid = (why: string) =>
    new ValidationError(`"${raw.slice(0, 200)}" is not a valid Ollama model name: ${why}.`, [{ path: 'model', message: why }], 'Use a name like llama3.2, llama3.2:3b or hf.co/user/repo:Q4_K_M.')
  if (raw.includes('@')) throw invalid('name the model by tag, not by digest')
  let rest = raw.replace(/^[a-z]+:\/\//, '')
  let tag = DEFAULT_TAG
  const colon = rest.lastIndexOf(':')
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1)
    rest = rest.slice(0, colon)
  }
  const parts = rest.split('/')
  if (parts.length > 3) throw invalid('too many "/" parts')
  const model = parts.pop() ?? ''
  const namespace = parts.pop() ?? DEFAULT_NAMESPACE
  const host = parts.pop() ?? DEFAULT_HOST
  if (!PART.test(model)) throw invalid('the model part must be letters, digits, "_", "." or "-" (at most 80)')
  if (!PART.test(namespace)) throw invalid('the namespace must be letters, digits, "_", "." or "-"')
  if (!HOST.test(host) || host.includes('..')) throw invalid('the host is not a valid host name')
  if (!TAG.test(tag)) throw invalid('the tag must be letters, digits, "_", "." or "-" (at most 80)')
  return { host, namespace, model, tag }
}

/** The short form Ollama shows: `llama3.2:3b`, `user/x:latest`, `hf.co/user/repo:Q4_K_M`. */
export function formatModelName(name: ModelName): string {
  const prefix = name.host !== DEFAULT_HOST ? `${name.host}/${name.namespace}/` : name.namespace !== DEFAULT_NAMESPACE ? `${name.namespace}/` : ''
  return `${prefix}${name.model}:${name.tag}`
}

export function manifestPath(modelsDir: string, name: string | ModelName): string {
  const n = typeof name === 'string' ? parseModelName(name) : name
  return path.join(modelsDir, 'manifests', n.host, n.namespace, n.model, n.tag)
}

const DIGEST = /^sha256[:-]([0-9a-f]{64})$/

/** The hex of a `sha256:<hex>` digest; anything else (a path trick, another algorithm) is refused. */
export function digestHex(digest: string): string {
  const match = DIGEST.exec(digest)
  if (!match?.[1]) throw new ValidationError(`"${digest.slice(0, 100)}" is not a sha256 digest.`, [{ path: 'digest', message: 'expected sha256:<64 hex>' }])
  return match[1]
}

export function blobPath(modelsDir: string, digest: string): string {
  return path.join(modelsDir, 'blobs', `sha256-${digestHex(digest)}`)
}

/** Where the receiver grows a blob until its digest is verified. */
export function partialBlobPath(modelsDir: string, digest: string): string {
  return path.join(modelsDir, 'blobs', '.partial', `sha256-${digestHex(digest)}`)
}

const isEntry = (value: unknown): value is ManifestEntry => {
  const entry = value as Partial<ManifestEntry> | null
  return typeof entry?.digest === 'string' && typeof entry.mediaType === 'string' && Number.isSafeInteger(entry.size) && (entry.size ?? -1) >= 0
}

/** Parses manifest text and checks every entry, so nothing unchecked reaches a file path. */
export function parseManifest(text: string, label: string): OllamaManifest {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw new ValidationError(`The manifest of ${label} is not JSON.`, [{ path: 'manifest', message: 'not JSON' }])
  }
  const manifest = value as Partial<OllamaManifest> | null
  if (!isEntry(manifest?.config) || !Array.isArray(manifest.layers) || !manifest.layers.every(isEntry)) {
    throw new ValidationError(`The manifest of ${label} lacks a valid config or layers list.`, [{ path: 'manifest', message: 'expected config and layers of { mediaType, digest, size }' }])
  }
  for (const entry of [manifest.config, ...manifest.layers]) digestHex(entry.digest)
  return manifest as OllamaManifest
}

export async function readManifest(modelsDir: string, name: string): Promise<LoadedManifest> {
  const parsed = parseModelName(name)
  const file = manifestPath(modelsDir, parsed)
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new ModelNotInstalledError(formatModelName(parsed), modelsDir)
    throw new IoError(`Could not read the manifest ${file}.`, { cause: error })
  }
  return { name: parsed, text, manifest: parseManifest(text, formatModelName(parsed)) }
}

/** Config first, then layers; a digest listed twice is one blob. */
export function listBlobs(manifest: OllamaManifest): ManifestEntry[] {
  const seen = new Map<string, ManifestEntry>()
  for (const entry of [manifest.config, ...manifest.layers]) if (!seen.has(entry.digest)) seen.set(entry.digest, entry)
  return [...seen.values()]
}

/** Installed models with their size (unique blobs), read from the manifests; an unreadable manifest is skipped. */
export async function listInstalledModels(modelsDir: string): Promise<Array<{ name: string; sizeBytes: number }>> {
  const root = path.join(modelsDir, 'manifests')
  const found: Array<{ name: string; sizeBytes: number }> = []
  const entries = async (dir: string): Promise<string[]> => (await readdir(dir, { withFileTypes: true }).catch(() => [])).filter((entry) => entry.isDirectory() || entry.isFile()).map((entry) => entry.name)
  for (const host of await entries(root)) {
    for (const namespace of await entries(path.join(root, host))) {
      for (const model of await entries(path.join(root, host, namespace))) {
        for (const tag of await entries(path.join(root, host, namespace, model))) {
          const name = formatModelName({ host, namespace, model, tag })
          try {
            const text = await readFile(path.join(root, host, namespace, model, tag), 'utf8')
            found.push({ name, sizeBytes: listBlobs(parseManifest(text, name)).reduce((sum, entry) => sum + entry.size, 0) })
          } catch {
            // A half-written or foreign file in the store is not a model to offer.
          }
        }
      }
    }
  }
  return found.sort((a, b) => a.name.localeCompare(b.name))
}
