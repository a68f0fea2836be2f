import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'

/**
 * Where the installed `electron` package keeps its binary. Reads the package's own `path.txt`
 * instead of loading the package's main module, which in plain Node starts a download from GitHub
 * when the binary is missing (and prints to stdout, breaking `doctor --json`).
 */
export function locateElectronBinary(
  require: Pick<NodeRequire, 'resolve'> = createRequire(import.meta.url),
  env: Record<string, string | undefined> = process.env,
): string | Error {
  let dir: string
  try {
    dir = path.dirname(require.resolve('electron/package.json'))
  } catch {
    return new Error('the electron package is not installed')
  }
  let name: string | undefined
  try {
    name = fs.readFileSync(path.join(dir, 'path.txt'), 'utf8').trim() || undefined
  } catch {
    name = undefined
  }
  const override = env.ELECTRON_OVERRIDE_DIST_PATH
  let binary: string
  if (override) binary = path.join(override, name ?? 'electron')
  else if (name) binary = path.join(dir, 'dist', name)
  else return new Error('the Electron binary was never downloaded')
  return fs.existsSync(binary) ? binary : new Error(`binary missing at ${binary}`)
}
