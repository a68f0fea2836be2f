import fs from 'node:fs'
import path from 'node:path'
import { z } from 'zod'
import type { VoiceModel } from '../../../../src-shared/contract'
import { AppError } from '../../errors'
import type { ModelLayout } from '../engines/sherpa-protocol'
import bundled from './catalog.json'

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/).nullable()
const RelativePath = z.string().min(1).max(300).refine((p) => !path.isAbsolute(p) && !p.split(/[\\/]/).includes('..'), 'a path inside the model folder')

export const CatalogEntrySchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,79}$/),
  kind: z.enum(['stt', 'tts', 'vad']),
  name: z.string(),
  description: z.string(),
  language: z.string(),
  license: z.string(),
  downloads: z
    .array(
      z.object({
        name: z.string().regex(/^[A-Za-z0-9._-]+$/),
        url: z.string().url(),
        sizeBytes: z.number().int().nonnegative(),
        sha256: Sha256,
        extract: z.literal('tar.bz2').optional(),
      }),
    )
    .min(1),
  layout: z.discriminatedUnion('type', [
    z.object({ type: z.literal('whisper'), encoder: RelativePath, decoder: RelativePath, tokens: RelativePath }),
    z.object({ type: z.literal('vits'), model: RelativePath, tokens: RelativePath, dataDir: RelativePath.optional() }),
    z.object({ type: z.literal('silero'), model: RelativePath }),
  ]),
})
export type CatalogEntry = z.infer<typeof CatalogEntrySchema>

export const CatalogSchema = z.object({ models: z.array(CatalogEntrySchema) })

/** The catalog shipped with the app. */
export const defaultCatalog = (): CatalogEntry[] => CatalogSchema.parse(bundled).models

/** Written last by the installer: a model folder without it is not installed. */
export const INSTALLED_MARKER = 'installed.json'

/** Installed voice models under `<dataDir>/voice-models/<id>/`. */
export class VoiceModelStore {
  constructor(readonly root: string, readonly catalog: CatalogEntry[]) {}

  entry(id: string): CatalogEntry {
    const entry = this.catalog.find((model) => model.id === id)
    if (!entry) throw new AppError('E_NOT_FOUND', `There is no voice model "${id.slice(0, 80)}" in the catalog.`, { hint: 'Pick one from Settings → Voice.' })
    return entry
  }

  dirOf(id: string): string {
    return path.join(this.root, id)
  }

  installed(id: string): boolean {
    return fs.existsSync(path.join(this.dirOf(id), INSTALLED_MARKER))
  }

  /** Absolute file paths of an installed model; a typed error when it is not installed. */
  layout(id: string): ModelLayout {
    const entry = this.entry(id)
    if (!this.installed(id)) {
      throw new AppError('E_NOT_FOUND', `The voice model ${entry.name} is not downloaded yet.`, { hint: 'Download it in Settings → Voice.' })
    }
    return absoluteLayout(entry.layout, this.dirOf(id))
  }

  list(): VoiceModel[] {
    return this.catalog.map((entry) => {
      const [first] = entry.downloads
      const pinned = entry.downloads.every((download) => download.sha256 !== null)
      return {
        id: entry.id,
        kind: entry.kind,
        name: entry.name,
        description: entry.description,
        language: entry.language,
        license: entry.license,
        sizeBytes: entry.downloads.reduce((sum, download) => sum + download.sizeBytes, 0),
        url: first?.url ?? '',
        sha256: first?.sha256 ?? null,
        files: entry.downloads.map(({ name, url, sizeBytes, sha256 }) => ({ name, url, sizeBytes, sha256 })),
        installed: this.installed(entry.id),
        downloadable: pinned,
        ...(pinned ? {} : { reason: 'This model’s checksum is not pinned in this build, so it cannot be verified and is not offered for download.' }),
      }
    })
  }

  remove(id: string): boolean {
    this.entry(id)
    const dir = this.dirOf(id)
    if (!fs.existsSync(dir)) return false
    fs.rmSync(dir, { recursive: true, force: true })
    return true
  }
}

export function absoluteLayout(layout: CatalogEntry['layout'], dir: string): ModelLayout {
  const at = (file: string): string => path.join(dir, file)
  switch (layout.type) {
    case 'whisper':
      return { type: 'whisper', encoder: at(layout.encoder), decoder: at(layout.decoder), tokens: at(layout.tokens) }
    case 'vits':
      return { type: 'vits', model: at(layout.model), tokens: at(layout.tokens), ...(layout.dataDir ? { dataDir: at(layout.dataDir) } : {}) }
    case 'silero':
      return { type: 'silero', model: at(layout.model) }
  }
}

/** A Whisper model in a folder of the user's (STT_MODEL_PATH, or a folder picked by hand). */
export function detectWhisperLayout(dir: string): ModelLayout | undefined {
  let names: string[]
  try {
    names = fs.readdirSync(dir)
  } catch {
    return undefined
  }
  const pick = (pattern: RegExp): string | undefined => {
    const matches = names.filter((name) => pattern.test(name))
    return matches.find((name) => name.includes('int8')) ?? matches[0]
  }
  const encoder = pick(/encoder.*\.onnx$/)
  const decoder = pick(/decoder.*\.onnx$/)
  const tokens = pick(/tokens\.txt$/)
  if (!encoder || !decoder || !tokens) return undefined
  return { type: 'whisper', encoder: path.join(dir, encoder), decoder: path.join(dir, decoder), tokens: path.join(dir, tokens) }
}
