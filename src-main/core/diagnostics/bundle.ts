import fs from 'node:fs'
import path from 'node:path'
import { strToU8, zipSync, type Zippable } from 'fflate'
import type { DiagnosticsBundle, DoctorCheck } from '../../../src-shared/contract'
import { ValidationError } from '../errors'
import type { SecretScrubber } from '../log'
import { redactConfigText } from './redact-config'
import { userPathError } from '../paths'

/** The configuration files a bug report needs; each is redacted before it goes in. */
export const CONFIG_FILES = ['settings.json', 'providers.json', 'mcp.json', 'agent-settings.json'] as const

export interface BundleVersions {
  app: string
  mode: string
  node: string
  electron?: string | undefined
  v8: string
  os: string
  arch: string
}

export interface BundleOptions {
  dataDir: string
  /** The current log file; its rotated siblings (.1, .2 …) go in too. */
  logFile: string
  scrubber: Pick<SecretScrubber, 'scrub'>
  versions: BundleVersions
  checks: () => Promise<DoctorCheck[]>
  /** Absolute path for the zip; defaults to <dataDir>/diagnostics/ollama-desk-diagnostics-<time>.zip. */
  target?: string | undefined
  includeBase64?: boolean | undefined
  now?: () => Date
  /** Newest log bytes kept per file, so a bundle stays small enough to attach. */
  maxLogBytes?: number
}

/** The last `max` bytes of a file, cut at a line start. */
function tail(file: string, max: number): string {
  const size = fs.statSync(file).size
  if (size <= max) return fs.readFileSync(file, 'utf8')
  const fd = fs.openSync(file, 'r')
  try {
    const buffer = Buffer.alloc(max)
    fs.readSync(fd, buffer, 0, max, size - max)
    const text = buffer.toString('utf8')
    return `(older lines cut)\n${text.slice(text.indexOf('\n') + 1)}`
  } finally {
    fs.closeSync(fd)
  }
}

function logFiles(logFile: string): string[] {
  const dir = path.dirname(logFile)
  const base = path.basename(logFile)
  if (!fs.existsSync(dir)) return []
  const rotated = (name: string): number => (name === base ? 0 : Number(name.slice(base.length + 1)))
  return fs
    .readdirSync(dir)
    .filter((name) => name === base || new RegExp(`^${base.replace(/[.]/g, '\\.')}\\.\\d+$`).test(name))
    .sort((a, b) => rotated(a) - rotated(b))
    .map((name) => path.join(dir, name))
}

function checkTarget(target: string): string {
  if (!path.isAbsolute(target)) {
    throw new ValidationError('The bundle path must be absolute.', [{ path: 'path', message: 'not absolute' }])
  }
  return target.endsWith('.zip') ? target : path.join(target, 'ollama-desk-diagnostics.zip')
}

export function formatSummary(versions: BundleVersions, checks: DoctorCheck[], zipPath: string): string {
  const lines = [
    `Ollama Desk ${versions.app} (${versions.mode})`,
    `Node ${versions.node}${versions.electron ? ` · Electron ${versions.electron}` : ''} · V8 ${versions.v8}`,
    `OS ${versions.os} ${versions.arch}`,
    '',
    'Checks:',
    ...checks.map((check) => `  ${check.status.padEnd(4)}  ${check.title}: ${check.detail}`),
    '',
    `Diagnostics bundle: ${zipPath}`,
  ]
  return `${lines.join('\n')}\n`
}

/** Zips logs, redacted config, versions and doctor checks; everything passes the scrubber first. */
export async function createDiagnosticsBundle(options: BundleOptions): Promise<DiagnosticsBundle> {
  const now = options.now?.() ?? new Date()
  const stamp = now.toISOString().replace(/[:.]/g, '-')
  const zipPath = options.target
    ? checkTarget(options.target)
    : path.join(options.dataDir, 'diagnostics', `ollama-desk-diagnostics-${stamp}.zip`)
  const { scrubber } = options
  const checks = await options.checks()
  const entries: Zippable = {}
  const add = (name: string, text: string): void => void (entries[name] = strToU8(text))

  for (const file of logFiles(options.logFile)) {
    // Lines were scrubbed when written; again here, for keys registered since.
    add(`logs/${path.basename(file)}`, scrubber.scrub(tail(file, options.maxLogBytes ?? 2 * 1024 * 1024)))
  }
  for (const name of CONFIG_FILES) {
    const file = path.join(options.dataDir, name)
    if (fs.existsSync(file)) add(`config/${name}`, redactConfigText(fs.readFileSync(file, 'utf8'), scrubber))
  }
  add('versions.json', `${JSON.stringify(options.versions, null, 2)}\n`)
  add('checks.json', `${JSON.stringify(checks.map((c) => ({ ...c, detail: scrubber.scrub(c.detail) })), null, 2)}\n`)
  const summary = scrubber.scrub(formatSummary(options.versions, checks, zipPath))
  add('summary.txt', summary)

  const zip = zipSync(entries, { level: 6, mtime: now })
  try {
    fs.mkdirSync(path.dirname(zipPath), { recursive: true })
    fs.writeFileSync(zipPath, zip, { mode: 0o600 })
  } catch (error) {
    throw userPathError(error, zipPath, `Could not write the diagnostics bundle to ${zipPath}`, 'Pick a folder you can write to.')
  }
  return {
    path: zipPath,
    bytes: zip.byteLength,
    files: Object.keys(entries),
    summary,
    checks,
    ...(options.includeBase64 ? { base64: Buffer.from(zip).toString('base64') } : {}),
  }
}
