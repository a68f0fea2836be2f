import path from 'node:path'
import { Readable, pipeline } from 'node:stream'
import zlib from 'node:zlib'
import { AppError } from '../errors'
import { downloadVerified } from './download'
import type { LinuxPaths } from './linux-service'
import type { Rollback } from './rollback'
import { throwIfCancelled } from './service'
import { extractTar } from './tar'
import type { InstallerEnv, InstallOptions } from './types'

/** The Linux release for this machine: a zstd-compressed tar of `bin/ollama` and `lib/ollama`. */
export const archiveName = (env: InstallerEnv) => `ollama-linux-${env.arch === 'arm64' ? 'arm64' : 'amd64'}.tar.zst`

/** Unpacks the verified release into `into`; a damaged archive is an error worth retrying. */
export async function unpack(env: InstallerEnv, archive: string, into: string, signal?: AbortSignal): Promise<void> {
  const decompressed = pipeline(Readable.from(env.fs.readStream(archive)), zlib.createZstdDecompress(), () => undefined)
  try {
    await extractTar(decompressed, into, env.fs, signal)
  } catch (error) {
    if (error instanceof AppError) throw error
    if ((error as NodeJS.ErrnoException).code?.startsWith('ERR_ZSTD') || (error as NodeJS.ErrnoException).code === 'Z_DATA_ERROR') {
      throw new AppError('E_IO', 'The downloaded archive could not be decompressed.', { retryable: true, hint: 'Try the installation again.' })
    }
    throw error
  } finally {
    decompressed.destroy()
  }
}


/**
 * Both Linux installs start alike: download and verify the release (the archive goes when the
 * attempt ends), then unpack it into `into`, a fresh folder, ending with an executable
 * `into/bin/ollama`. `into` is removed if the attempt fails; unless `keepOnSuccess` (the caller
 * moves it into place), also when it works.
 */
export async function fetchRelease(
  env: InstallerEnv,
  options: InstallOptions,
  paths: Pick<LinuxPaths, 'dataRoot' | 'downloads'>,
  rollback: Rollback,
  target: { into: string; keepOnSuccess: boolean },
): Promise<void> {
  const emit = options.onEvent ?? (() => undefined)
  await env.fs.mkdir(paths.dataRoot)
  const archive = await downloadVerified(env, { baseUrl: options.baseUrl, fileName: archiveName(env), dir: paths.downloads, ...(options.signal ? { signal: options.signal } : {}), onEvent: emit })
  rollback.removeAtEnd(archive)
  throwIfCancelled(options.signal)
  emit({ type: 'phase', phase: 'extract' })
  const { into } = target
  if (target.keepOnSuccess) rollback.onFailure(() => env.fs.rm(into))
  else rollback.removeAtEnd(into)
  await unpack(env, archive, into, options.signal)
  if (!(await env.fs.exists(path.join(into, 'bin/ollama')))) {
    throw new AppError('E_IO', 'The release archive has no bin/ollama.', { hint: 'The mirror may serve the wrong file; try the default release address.' })
  }
  await env.fs.chmod(path.join(into, 'bin/ollama'), 0o755)
  throwIfCancelled(options.signal)
}
