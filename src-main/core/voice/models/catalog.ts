import fs from 'node:fs'
import path from 'node:path'
import { z } from 'zod'
import type { VoiceModel } from '../../../../src-shared/contract'
import { AppError } from '../../errors'
import type { ModelLayout } from '../engines/sherpa-protocol'
import bundled from './catalog.json'
import { absoluteLayout, checkImportedFiles, LayoutSchema, readImportedModels, type ImportedManifest } from './manifest'

export { absoluteLayout }

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/).nullable()

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
  layout: LayoutSchema,
})
export type CatalogEntry = z.infer<typeof CatalogEntrySchema>

export const CatalogSchema = z.object({ models: z.array(CatalogEntrySchema) })

/** The catalog shipped with the app. */
export const defaultCatalog = (): CatalogEntry[] => CatalogSchema.parse(bundled).models

/** Written last by the installer: a model folder without it is not installed. */
export const INSTALLED_MARKER = 'installed.json'

/** The catalog's Silero id: the voice service asks for it, and an imported VAD stands in for it. */
const SILERO_ID = 'silero-vad'

/**
 * Installed voice models under `<dataDir>/voice-models/`: catalog models in `<id>/` (installed =
 * `installed.json`) and models imported from the user's own folder in `custom-<slug>/`
 * (installed = `imported.json`, which records each file's sha256).
 */
export class VoiceModelStore {
  constructor(readonly root: string, readonly catalog: CatalogEntry[]) {}

  imported(): ImportedManifest[] {
    return readImportedModels(this.root)
  }

  /** A catalog entry, or an imported model in the same shape (with nothing to download). */
  entry(id: string): CatalogEntry {
    const entry = this.catalog.find((model) => model.id === id)
    if (entry) return entry
    const imported = this.importedModel(id)
    if (imported) {
      return { id: imported.id, kind: imported.kind, name: imported.name, description: `Imported from ${imported.source}`, language: 'as made', license: 'see the model’s own licence', downloads: [], layout: imported.layout }
    }
    throw new AppError('E_NOT_FOUND', `There is no voice model "${id.slice(0, 80)}" in the catalog.`, { hint: 'Pick one from Settings → Voice.' })
  }

  isImported(id: string): boolean {
    return this.importedModel(id) !== undefined
  }

  dirOf(id: string): string {
    return path.join(this.root, id)
  }

  installed(id: string): boolean {
    if (this.installedHere(id)) return true
    return id === SILERO_ID && this.importedVad() !== undefined
  }

  /** Absolute file paths of an installed model; a typed error when it is not installed or an imported file changed. */
  layout(id: string): ModelLayout {
    const entry = this.entry(id)
    const imported = this.importedModel(id) ?? (id === SILERO_ID && !this.installedHere(id) ? this.importedVad() : undefined)
    if (imported) {
      checkImportedFiles(this.dirOf(imported.id), imported)
      return absoluteLayout(imported.layout, this.dirOf(imported.id))
    }
    if (!this.installedHere(id)) {
      throw new AppError('E_NOT_FOUND', `The voice model ${entry.name} is not downloaded yet.`, { hint: 'Download it in Settings → Voice, or use a model folder you already have.' })
    }
    return absoluteLayout(entry.layout, this.dirOf(id))
  }

  list(): VoiceModel[] {
    const catalog = this.catalog.map((entry): VoiceModel => {
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
        installed: this.installedHere(entry.id),
        downloadable: pinned,
        source: 'catalog',
        ...(pinned ? {} : { reason: 'This build does not pin this model’s checksum yet, so it is not downloaded (it could not be verified).' }),
      }
    })
    const imported = this.imported().map((model): VoiceModel => {
      const entry = this.entry(model.id)
      return {
        id: model.id,
        kind: model.kind,
        name: model.name,
        description: entry.description,
        language: entry.language,
        license: entry.license,
        sizeBytes: model.files.reduce((sum, file) => sum + file.sizeBytes, 0),
        url: '',
        sha256: model.files[0]?.sha256 ?? null,
        // The model files; espeak-ng-data's many small files count in sizeBytes only.
        files: model.files.filter((file) => !file.path.includes('/')).map(({ path: name, sizeBytes, sha256 }) => ({ name, url: '', sizeBytes, sha256 })),
        installed: true,
        downloadable: false,
        source: 'imported',
      }
    })
    return [...catalog, ...imported]
  }

  remove(id: string): boolean {
    this.entry(id)
    const dir = this.dirOf(id)
    if (!fs.existsSync(dir)) return false
    // A hard-linked file is only unlinked here: the user's own folder keeps it.
    fs.rmSync(dir, { recursive: true, force: true })
    return true
  }

  private importedModel(id: string): ImportedManifest | undefined {
    return this.catalog.some((model) => model.id === id) ? undefined : this.imported().find((model) => model.id === id)
  }

  private installedHere(id: string): boolean {
    return fs.existsSync(path.join(this.dirOf(id), INSTALLED_MARKER))
  }

  private importedVad(): ImportedManifest | undefined {
    return this.imported().find((model) => model.kind === 'vad')
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
