import fs from 'node:fs'
import path from 'node:path'
import type { DoctorCheck } from '../../../src-shared/contract'
import { probeOllama, type FetchLike } from '../ollama'

export interface DoctorDeps {
  dataDir: string
  /** Notices raised while loading settings (a bad file was set aside, etc.). */
  settingsNotices: { message: string; hint?: string | undefined }[]
  settingsFile: string
  ollamaHost: string
  nodeVersion: string
  /** Path of the Electron binary, or an Error saying why there is none. */
  locateElectron: () => string | Error
  fetch?: FetchLike
  ollamaTimeoutMs?: number
}

const MIN_NODE = [22, 12] as const

export async function runDoctor(deps: DoctorDeps): Promise<DoctorCheck[]> {
  return [
    checkNode(deps.nodeVersion),
    checkDataDir(deps.dataDir),
    checkSettings(deps),
    await checkOllama(deps),
    checkElectron(deps.locateElectron),
  ]
}

function checkNode(version: string): DoctorCheck {
  const [major = 0, minor = 0] = version.replace(/^v/, '').split('.').map(Number)
  const good = major > MIN_NODE[0] || (major === MIN_NODE[0] && minor >= MIN_NODE[1])
  return good
    ? { id: 'node', title: 'Node.js', status: 'ok', detail: version }
    : {
        id: 'node',
        title: 'Node.js',
        status: 'fail',
        detail: `${version} is too old (needs ${MIN_NODE.join('.')} or newer)`,
        hint: 'Install Node 24 LTS, or run `npm start` which brings its own.',
      }
}

function checkDataDir(dir: string): DoctorCheck {
  try {
    fs.mkdirSync(dir, { recursive: true })
    const probe = path.join(dir, `.doctor-${process.pid}`)
    fs.writeFileSync(probe, 'ok')
    fs.rmSync(probe)
    return { id: 'data-dir', title: 'Data folder', status: 'ok', detail: dir }
  } catch (error) {
    return {
      id: 'data-dir',
      title: 'Data folder',
      status: 'fail',
      detail: `${dir} is not writable (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      hint: 'Fix its permissions, or pick another with --data-dir or OLLAMA_DESK_HOME.',
    }
  }
}

function checkSettings(deps: DoctorDeps): DoctorCheck {
  const first = deps.settingsNotices[0]
  if (!first) return { id: 'settings', title: 'Settings', status: 'ok', detail: deps.settingsFile }
  return { id: 'settings', title: 'Settings', status: 'warn', detail: first.message, hint: first.hint }
}

async function checkOllama(deps: DoctorDeps): Promise<DoctorCheck> {
  const status = await probeOllama(deps.ollamaHost, { fetch: deps.fetch, timeoutMs: deps.ollamaTimeoutMs })
  if (status.reachable) {
    return { id: 'ollama', title: 'Ollama', status: 'ok', detail: `version ${status.version} at ${status.host}` }
  }
  return {
    id: 'ollama',
    title: 'Ollama',
    status: 'fail',
    detail: `not reachable at ${status.host}: ${status.error}`,
    hint: 'Start Ollama (`ollama serve`), install it from the app, or point OLLAMA_HOST at a running server.',
  }
}

function checkElectron(locate: () => string | Error): DoctorCheck {
  const found = locate()
  if (typeof found === 'string') return { id: 'electron', title: 'Electron', status: 'ok', detail: found }
  return {
    id: 'electron',
    title: 'Electron',
    status: 'warn',
    detail: `desktop window unavailable: ${found.message}`,
    hint: 'The web companion (`ollama-desk serve`) works without it; reinstall with network access to get the desktop app.',
  }
}
