import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

/** A small real file system that can be filled: a tmpfs, where the machine lets us mount one. */
export interface SmallDisk {
  dir: string
  /** Writes a filler file until the disk is full (ENOSPC). */
  fill(): void
  /** Deletes the filler: the disk has room again. */
  free(): void
  unmount(): void
}

/**
 * Mounts a tmpfs of `megabytes` (root on Linux only). Returns the reason as a string where
 * mounting is not allowed, for the test to skip with.
 */
export function mountSmallDisk(megabytes: number): SmallDisk | string {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return 'needs root on Linux to mount a tmpfs'
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'od-small-disk-'))
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${megabytes}m,mode=0700`, 'tmpfs', dir], { encoding: 'utf8' })
  if (mounted.status !== 0) {
    fs.rmSync(dir, { recursive: true, force: true })
    return `mount refused: ${(mounted.stderr || mounted.error?.message || 'unknown').trim()}`
  }
  const filler = path.join(dir, 'filler')
  return {
    dir,
    fill() {
      const chunk = Buffer.alloc(64 * 1024)
      const fd = fs.openSync(filler, 'a')
      try {
        for (;;) fs.writeSync(fd, chunk)
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error
      } finally {
        fs.closeSync(fd)
      }
      // The last pieces: a tmpfs may take a few more bytes than a whole chunk.
      try {
        for (;;) fs.appendFileSync(filler, Buffer.alloc(512))
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error
      }
    },
    free: () => fs.rmSync(filler, { force: true }),
    unmount() {
      spawnSync('umount', [dir])
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
}
