import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { AppError } from '../../errors'
import { assertRegularFileSync } from '../../paths'
import { validateLayout } from '../engines/sherpa-engines'
import { systemTarExtract } from './downloader'
import { absoluteLayout, IMPORTED_MANIFEST, IMPORTED_PREFIX, readImportedModels, sha256OfFile, type ImportedManifest, type RelativeLayout } from './manifest'

export type ImportKind = ImportedManifest['kind']

export interface ImportRequest {
  /** An absolute folder, or a `.tar.bz2` archive of one (as sherpa-onnx publishes them). */
  path: string
  kind: ImportKind
  name?: string
}

export interface ImportDeps {
  /** `~` at the start of the path means this folder. */
  home?: string
  extract?: (archive: string, into: string) => Promise<void>
  now?: () => Date
}

const ARCHIVE = /\.(tar\.bz2|tbz2?)$/i
/** espeak-ng-data has a few hundred files; a folder with far more is not a voice's data. */
const MAX_DATA_FILES = 5_000
const KIND_WORD: Record<ImportKind, string> = { stt: 'Whisper (speech-to-text)', tts: 'Piper/VITS voice', vad: 'Silero VAD' }

const refuse = (code: AppError['code'], message: string, hint: string): AppError => new AppError(code, message, { hint })

/** What a model folder of this kind holds, chosen from its file names; names what is missing. */
export function detectModelFolder(kind: ImportKind, dir: string): { layout: RelativeLayout; files: string[] } {
  const entries = fs.readdirSync(dir, { withFileTypes: true })
  const names = entries.filter((entry) => entry.isFile() || entry.isSymbolicLink()).map((entry) => entry.name).sort()
  const pick = (pattern: RegExp, prefer: (name: string) => boolean): string | undefined => {
    const matches = names.filter((name) => pattern.test(name))
    return matches.find(prefer) ?? matches[0]
  }
  const missing = (what: string[]): AppError =>
    refuse('E_VOICE_MODEL_INVALID', `${dir} is not a complete ${KIND_WORD[kind]} folder: it has no ${what.join(', no ')}.`, 'Pick the folder that holds the model files (sherpa-onnx’s layout), or its .tar.bz2 archive.')

  if (kind === 'stt') {
    // int8 files when there are both: smaller, and what the catalog uses.
    const encoder = pick(/encoder.*\.onnx$/, (name) => name.includes('int8'))
    const decoder = pick(/decoder.*\.onnx$/, (name) => name.includes('int8'))
    const tokens = pick(/tokens\.txt$/, () => true)
    const lacking = [!encoder && 'encoder (*-encoder*.onnx)', !decoder && 'decoder (*-decoder*.onnx)', !tokens && 'tokens file (*tokens.txt)'].filter((x): x is string => Boolean(x))
    if (!encoder || !decoder || !tokens) throw missing(lacking)
    return { layout: { type: 'whisper', encoder, decoder, tokens }, files: [encoder, decoder, tokens] }
  }
  if (kind === 'tts') {
    // A voice sounds better unquantized; Piper ships just one .onnx anyway.
    const model = pick(/\.onnx$/, (name) => !name.includes('int8'))
    const tokens = names.includes('tokens.txt') ? 'tokens.txt' : undefined
    if (!model || !tokens) throw missing([!model && 'model file (*.onnx)', !tokens && 'tokens.txt'].filter((x): x is string => Boolean(x)))
    const data = entries.some((entry) => entry.name === 'espeak-ng-data' && entry.isDirectory()) ? dataFiles(dir, 'espeak-ng-data') : []
    return { layout: { type: 'vits', model, tokens, ...(data.length > 0 ? { dataDir: 'espeak-ng-data' } : {}) }, files: [model, tokens, ...data] }
  }
  if (!names.includes('silero_vad.onnx')) throw missing(['silero_vad.onnx'])
  return { layout: { type: 'silero', model: 'silero_vad.onnx' }, files: ['silero_vad.onnx'] }
}

function dataFiles(dir: string, sub: string): string[] {
  const files = fs
    .readdirSync(path.join(dir, sub), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
  if (files.length > MAX_DATA_FILES) throw refuse('E_VALIDATION', `${sub} in ${dir} has ${files.length} files; a voice’s data has a few hundred.`, 'Pick the voice’s own folder.')
  return files.sort()
}

/** `custom-<slug>`: the name in lower-case letters, digits and dashes (a hash when nothing is left). */
export function importedId(name: string): string {
  const slug = name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .slice(0, 73)
    .replace(/[^a-z0-9]+$/, '')
  return `${IMPORTED_PREFIX}${slug || `model-${createHash('sha256').update(name).digest('hex').slice(0, 8)}`}`
}

function resolveSource(input: string, home: string | undefined): string {
  const expanded = home && (input === '~' || input.startsWith('~/')) ? path.join(home, input.slice(1)) : input
  if (!path.isAbsolute(expanded)) {
    throw refuse('E_VALIDATION', `"${input.slice(0, 200)}" is not a full path.`, 'Give the whole path of the folder, starting at the top (for example /home/you/models/sherpa-onnx-whisper-tiny.en).')
  }
  return path.normalize(expanded)
}

/** An archive unpacks to the model folder itself or to one folder holding it. */
function modelFolderIn(unpacked: string): string {
  const entries = fs.readdirSync(unpacked, { withFileTypes: true })
  const [only] = entries
  return entries.length === 1 && only?.isDirectory() ? path.join(unpacked, only.name) : unpacked
}

/** Hard link when the user's file is on the same disk (no space used), else a copy (a clone where the file system can). */
function place(from: string, to: string): void {
  fs.mkdirSync(path.dirname(to), { recursive: true })
  // A named pipe or a device under a model file's name would block (or never end) the checks below.
  assertRegularFileSync(from, 'The model file')
  const real = fs.realpathSync(from)
  try {
    fs.linkSync(real, to)
  } catch {
    fs.copyFileSync(real, to, fs.constants.COPYFILE_FICLONE)
  }
}

/**
 * Imports a model the user already has into `<root>/custom-<slug>/`: checks the folder holds every
 * file its kind needs, places them, checks every ONNX and tokens file as the downloader does, and
 * records each file's sha256 in `imported.json` (written last) so a later change is noticed.
 * The user's folder is only read.
 */
export async function importModel(request: ImportRequest, root: string, deps: ImportDeps = {}): Promise<ImportedManifest> {
  const source = resolveSource(request.path, deps.home)
  let stat: fs.Stats
  try {
    stat = fs.statSync(source)
  } catch {
    throw refuse('E_NOT_FOUND', `There is no folder at ${source}.`, 'Check the path; in the web companion it is a path on the computer running the companion.')
  }
  const archive = stat.isFile() && ARCHIVE.test(source)
  if (!stat.isDirectory() && !archive) throw refuse('E_VALIDATION', `${source} is a file, not a model folder or a .tar.bz2 archive.`, 'Give the folder that holds the model files.')

  const name = request.name?.trim() || path.basename(source).replace(ARCHIVE, '')
  const id = importedId(name)
  const duplicate = readImportedModels(root).find((model) => model.id === id || model.name.toLowerCase() === name.toLowerCase())
  if (duplicate) throw refuse('E_CONFIG', `A model named “${duplicate.name}” is already imported.`, 'Give this one another name, or remove the other first.')

  fs.mkdirSync(root, { recursive: true })
  const staging = fs.mkdtempSync(path.join(root, '.import-'))
  try {
    let folder = source
    if (archive) {
      const unpacked = path.join(staging, 'unpacked')
      fs.mkdirSync(unpacked)
      await (deps.extract ?? systemTarExtract)(source, unpacked)
      folder = modelFolderIn(unpacked)
    }
    const { layout, files } = detectModelFolder(request.kind, folder)
    const out = path.join(staging, 'model')
    for (const file of files) place(path.join(folder, file), path.join(out, file))
    try {
      await validateLayout(absoluteLayout(layout, out))
    } catch (error) {
      if (!(error instanceof AppError)) throw error
      throw refuse(error.code, error.message, 'Nothing was imported. The file may be cut short or not a sherpa-onnx model; get the model again.')
    }
    const recorded: ImportedManifest['files'] = []
    for (const file of files) {
      const at = path.join(out, file)
      const { size, mtimeMs } = fs.statSync(at)
      recorded.push({ path: file, sizeBytes: size, sha256: await sha256OfFile(at), mtimeMs })
    }
    const manifest: ImportedManifest = { id, kind: request.kind, name, source, importedAt: (deps.now?.() ?? new Date()).toISOString(), layout, files: recorded }
    fs.writeFileSync(path.join(out, IMPORTED_MANIFEST), JSON.stringify(manifest, null, 2))
    try {
      fs.renameSync(out, path.join(root, id))
    } catch {
      throw refuse('E_CONFIG', `A model named “${name}” is already imported.`, 'Give this one another name, or remove the other first.')
    }
    return manifest
  } finally {
    fs.rmSync(staging, { recursive: true, force: true })
  }
}
