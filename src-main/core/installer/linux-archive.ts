import { Readable, pipeline } from 'node:stream'
import zlib from 'node:zlib'
import { AppError } from '../errors'
import { extractTar } from './tar'
import type { InstallerEnv } from './types'

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

