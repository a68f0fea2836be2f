/**
 * What the Ollama provider knows about each server of its pool, and the order a chat tries them.
 *
 * Per server: whether it answered last time, which models it has (from /api/tags, kept for
 * `modelListTtlMs`), which it has loaded in memory (/api/ps, when the server answers it), and how
 * many of our own chats it is serving right now. A chat for model M goes to a server that has M
 * and is least busy; servers that may have M come next, then servers known to lack it (they answer
 * "not found" at once, which is the error worth showing), and servers known to be down last.
 */

export const MODEL_LIST_TTL_MS = 30_000

interface HostState {
  readonly url: string
  readonly index: number
  /** undefined: not tried yet. */
  reachable: boolean | undefined
  /** Model names from the last list; undefined until one arrived. */
  models: Set<string> | undefined
  listedAt: number
  /** Models the server said it lacks since the last list (a chat got "not found"). */
  absent: Set<string>
  /** Models loaded in memory (/api/ps); undefined when unknown. */
  loaded: Set<string> | undefined
  inFlight: number
}

export interface PoolHostView {
  url: string
  reachable: boolean | undefined
  inFlight: number
  /** How many models the server listed; null until a list arrived. */
  models: number | null
}

/** Ollama treats `llama3.2` and `llama3.2:latest` as one model. */
export function modelKey(name: string): string {
  const bare = name.trim()
  const lastPart = bare.slice(bare.lastIndexOf('/') + 1)
  return lastPart.includes(':') ? bare : `${bare}:latest`
}

export class OllamaPool {
  private readonly hosts: HostState[]
  private readonly now: () => number
  private readonly ttlMs: number

  constructor(urls: string[], options: { now?: () => number; modelListTtlMs?: number } = {}) {
    this.hosts = urls.map((url, index) => ({ url, index, reachable: undefined, models: undefined, listedAt: 0, absent: new Set(), loaded: undefined, inFlight: 0 }))
    this.now = options.now ?? Date.now
    this.ttlMs = options.modelListTtlMs ?? MODEL_LIST_TTL_MS
  }

  get urls(): string[] {
    return this.hosts.map((h) => h.url)
  }

  /** The servers a chat for `model` tries, in order. */
  order(model: string): string[] {
    const key = modelKey(model)
    const group = (h: HostState): number => {
      if (h.reachable === false) return 3
      if (h.absent.has(key)) return 2
      if (h.models === undefined) return 1
      return h.models.has(key) ? 0 : 2
    }
    const busyFirst = (a: HostState, b: HostState): number => {
      const byGroup = group(a) - group(b)
      if (byGroup !== 0) return byGroup
      if (group(a) > 1) return a.index - b.index
      const loaded = Number(b.loaded?.has(key) ?? false) - Number(a.loaded?.has(key) ?? false)
      return a.inFlight - b.inFlight || loaded || a.index - b.index
    }
    return [...this.hosts].sort(busyFirst).map((h) => h.url)
  }

  /** Servers whose model list is missing or older than the TTL, skipping known-down ones until theirs expires too. */
  stale(): string[] {
    const now = this.now()
    return this.hosts.filter((h) => h.models === undefined || now - h.listedAt >= this.ttlMs).filter((h) => h.reachable !== false || now - h.listedAt >= this.ttlMs).map((h) => h.url)
  }

  markUp(url: string): void {
    const host = this.find(url)
    if (host) host.reachable = true
  }

  markDown(url: string): void {
    const host = this.find(url)
    if (!host) return
    host.reachable = false
    // Retry the list after the TTL, not on every chat.
    host.listedAt = this.now()
  }

  setModels(url: string, names: string[]): void {
    const host = this.find(url)
    if (!host) return
    host.models = new Set(names.map(modelKey))
    host.absent.clear()
    host.listedAt = this.now()
    host.reachable = true
  }

  setLoaded(url: string, names: string[] | undefined): void {
    const host = this.find(url)
    if (host) host.loaded = names === undefined ? undefined : new Set(names.map(modelKey))
  }

  /** The server answered "model not found": route away from it until its next list. */
  forgetModel(url: string, model: string): void {
    const host = this.find(url)
    if (!host) return
    const key = modelKey(model)
    host.models?.delete(key)
    host.absent.add(key)
  }

  /** The server served `model` (it may have been pulled since the last list). */
  served(url: string, model: string): void {
    const host = this.find(url)
    if (!host) return
    const key = modelKey(model)
    host.absent.delete(key)
    host.models?.add(key)
    host.reachable = true
  }

  /** Counts a chat on `url` until the returned release runs (call it in `finally`). */
  begin(url: string): () => void {
    const host = this.find(url)
    if (!host) return () => {}
    host.inFlight++
    let released = false
    return () => {
      if (released) return
      released = true
      host.inFlight--
    }
  }

  view(): PoolHostView[] {
    return this.hosts.map((h) => ({ url: h.url, reachable: h.reachable, inFlight: h.inFlight, models: h.models ? h.models.size : null }))
  }

  private find(url: string): HostState | undefined {
    return this.hosts.find((h) => h.url === url)
  }
}
