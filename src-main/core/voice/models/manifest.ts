import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { z } from 'zod'
import { AppError } from '../../errors'
import type { ModelLayout } from '../engines/sherpa-protocol'

/** A path inside a model folder: never absolute, never climbing out with `..`. */
export const RelativePath = z.string().min(1).max(300).refine((p) => !path.isAbsolute(p) && !p.split(/[\\/]/).includes('..'), 'a path inside the model folder')

export const LayoutSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('whisper'), encoder: RelativePath, decoder: RelativePath, tokens: RelativePath }),
  z.object({ type: z.literal('vits'), model: RelativePath, tokens: RelativePath, dataDir: RelativePath.optional() }),
  z.object({ type: z.literal('silero'), model: RelativePath }),
])
export type RelativeLayout = z.infer<typeof LayoutSchema>

export function absoluteLayout(layout: RelativeLayout, dir: string): ModelLayout {
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

/** Imported models live in `<root>/custom-<slug>/`, next to the catalog's. */
export const IMPORTED_PREFIX = 'custom-'
/** Written last by an import: a `custom-*` folder without it is not installed. */
export const IMPORTED_MANIFEST = 'imported.json'

export const ImportedFileSchema = z.object({
  path: RelativePath,
  sizeBytes: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** With the size, a cheap test for "unchanged" before anything is hashed again. */
  mtimeMs: z.number(),
})
export const ImportedManifestSchema = z.object({
  id: z.string().regex(/^custom-[a-z0-9][a-z0-9._-]{0,72}$/),
  kind: z.enum(['stt', 'tts', 'vad']),
  name: z.string().min(1).max(80),
  /** Where the user's folder or archive was. */
  source: z.string(),
  importedAt: z.string(),
  layout: LayoutSchema,
  files: z.array(ImportedFileSchema).min(1),
})
export type ImportedManifest = z.infer<typeof ImportedManifestSchema>

/** Every imported model under `root` whose manifest parses; anything else there is ignored. */
export function readImportedModels(root: string): ImportedManifest[] {
  let names: string[]
  try {
    names = fs.readdirSync(root).filter((name) => name.startsWith(IMPORTED_PREFIX)).sort()
  } catch {
    return []
  }
  const models: ImportedManifest[] = []
  for (const name of names) {
    try {
      const manifest = ImportedManifestSchema.parse(JSON.parse(fs.readFileSync(path.join(root, name, IMPORTED_MANIFEST), 'utf8')))
      if (manifest.id === name) models.push(manifest)
    } catch {
      // A half-written or hand-edited folder is not a model; it is not listed.
    }
  }
  return models
}

export function sha256OfFileSync(file: string): string {
  const hash = createHash('sha256')
  const handle = fs.openSync(file, 'r')
  try {
    const buffer = Buffer.alloc(1 << 20)
    for (let read; (read = fs.readSync(handle, buffer, 0, buffer.length, null)) > 0; ) hash.update(buffer.subarray(0, read))
  } finally {
    fs.closeSync(handle)
  }
  return hash.digest('hex')
}

export async function sha256OfFile(file: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer)
  return hash.digest('hex')
}

/**
 * Before an imported model is loaded: a file whose size or time changed since the import is
 * hashed again, and refused unless it still has the recorded sha256 (hard links share the user's
 * file, so an edit there shows up here). Unchanged files cost one stat each.
 */
export function checkImportedFiles(dir: string, manifest: ImportedManifest): void {
  for (const file of manifest.files) {
    const at = path.join(dir, file.path)
    const refuse = (detail: string): never => {
      throw new AppError('E_VOICE_MODEL_INVALID', `The imported speech model ${manifest.name} changed since it was imported: ${file.path} ${detail}.`, {
        hint: 'Remove it in Settings → Voice and use the model folder again.',
      })
    }
    let stat: fs.Stats
    try {
      stat = fs.statSync(at)
    } catch {
      return refuse('is missing')
    }
    if (stat.size === file.sizeBytes && stat.mtimeMs === file.mtimeMs) continue
    if (stat.size !== file.sizeBytes) refuse(`is ${stat.size} bytes, not ${file.sizeBytes}`)
    if (sha256OfFileSync(at) !== file.sha256) refuse('no longer has its recorded sha256')
  }
}
