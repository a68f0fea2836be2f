import nodeFs from 'node:fs/promises'
import { discoverSkills, errnoOf, type DiscoverSkillsOptions, type DiscoveredSkills, type SkillFileStat, type SkillFs } from './discover'

export interface SkillCacheOptions {
  /** node's file system by default. */
  fs?: SkillFs
  /** Folder sets remembered at once (one per workspace, roughly); the least recently used goes first. */
  maxEntries?: number
}

interface CacheEntry {
  result: DiscoveredSkills
  /** Every path discovery looked at, with what it saw there (see stampOf). */
  stamps: Map<string, string>
}

const DEFAULT_MAX_ENTRIES = 16

/**
 * Discovered skills per folder set, so a chat turn does not re-read every SKILL.md. An entry stays
 * good while each path discovery looked at (the skill roots, each skill folder, each SKILL.md) stats
 * the same: adding or removing a skill changes its root's mtime, editing a SKILL.md changes the file's.
 */
export class SkillCache {
  private readonly fs: SkillFs
  private readonly maxEntries: number
  private readonly entries = new Map<string, CacheEntry>()
  /** Turns asking for the same folders at once share one check or load. */
  private readonly inFlight = new Map<string, Promise<DiscoveredSkills>>()

  constructor(options: SkillCacheOptions = {}) {
    this.fs = options.fs ?? nodeFs
    this.maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES
  }

  /** Same answer as discoverSkills(options); `options.fs` is ignored in favour of the cache's own. */
  discover(options: DiscoverSkillsOptions): Promise<DiscoveredSkills> {
    const key = JSON.stringify([options.userDir, options.workspace ?? null, options.home ?? null])
    let pending = this.inFlight.get(key)
    if (!pending) {
      pending = this.lookup(key, options).finally(() => this.inFlight.delete(key))
      this.inFlight.set(key, pending)
    }
    return pending.then(copyOf)
  }

  /** Forgets everything; the next turn reads the folders again. */
  clear(): void {
    this.entries.clear()
  }

  private async lookup(key: string, options: DiscoverSkillsOptions): Promise<DiscoveredSkills> {
    const cached = this.entries.get(key)
    if (cached && (await this.unchanged(cached))) {
      this.entries.delete(key)
      this.entries.set(key, cached)
      return cached.result
    }
    // Stamps are taken by the same stat calls discovery makes, before it reads: a file changed
    // while it is read has a newer stamp than the one kept, so the next turn reads it again.
    const stamps = new Map<string, string>()
    const result = await discoverSkills({ ...options, fs: this.recording(stamps) })
    this.entries.delete(key)
    this.entries.set(key, { result, stamps })
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string)
    return result
  }

  private async unchanged(entry: CacheEntry): Promise<boolean> {
    const now = await Promise.all([...entry.stamps].map(async ([file, stamp]) => (await this.stampAt(file)) === stamp))
    return now.every(Boolean)
  }

  private async stampAt(file: string): Promise<string> {
    try {
      return stampOf(await this.fs.stat(file))
    } catch (error) {
      return missingStamp(error)
    }
  }

  /** The cache's fs, noting each stat (and each folder listed) in `stamps`. */
  private recording(stamps: Map<string, string>): SkillFs {
    const fs = this.fs
    const stat = async (file: string): Promise<SkillFileStat> => {
      try {
        const found = await fs.stat(file)
        stamps.set(file, stampOf(found))
        return found
      } catch (error) {
        stamps.set(file, missingStamp(error))
        throw error
      }
    }
    return {
      stat,
      readFile: (file, encoding) => fs.readFile(file, encoding),
      async readdir(dir) {
        // Folders are listed, not stat'ed, by discovery; their mtime is what says a skill came or went.
        await stat(dir).catch(() => undefined)
        return fs.readdir(dir)
      },
    }
  }
}

function stampOf(stat: SkillFileStat): string {
  return `${stat.isDirectory() ? 'dir' : 'file'}:${stat.mtimeMs}:${stat.size}:${stat.ino}`
}

function missingStamp(error: unknown): string {
  return `missing:${errnoOf(error) ?? 'error'}`
}

/** Callers get their own arrays; the skills inside are shared and not to be changed. */
function copyOf(found: DiscoveredSkills): DiscoveredSkills {
  return { skills: [...found.skills], problems: [...found.problems], dirs: [...found.dirs] }
}
