import type { MessageVersion, RouteInput, RouteOutput, SessionMessage } from '../../src-shared/contract'

/** The branch being read, as the core's branches.ts answers sessions.branch, over a plain list of messages. */
export function branchPage(all: readonly SessionMessage[], storedLeaf: string | undefined, q: RouteInput<'sessions.branch'>): RouteOutput<'sessions.branch'> | undefined {
  const byId = new Map(all.map((m) => [m.id, m]))
  const leafId = storedLeaf !== undefined && byId.has(storedLeaf) ? storedLeaf : (all.at(-1)?.id ?? null)
  const path: SessionMessage[] = []
  for (let id = leafId; id !== null && byId.has(id); id = byId.get(id)!.parentId) path.unshift(byId.get(id)!)
  const end = q.before === undefined ? path.length : path.findIndex((m) => m.id === q.before)
  if (end < 0) return undefined
  const start = Math.max(0, end - (q.limit ?? 100))
  const messages = path.slice(start, end)
  const versions: Record<string, MessageVersion> = {}
  for (const m of messages) {
    const siblings = all.filter((s) => s.parentId === m.parentId)
    const at = siblings.indexOf(m)
    if (siblings.length > 1) versions[m.id] = { index: at + 1, count: siblings.length, previous: siblings[at - 1]?.id ?? null, next: siblings[at + 1]?.id ?? null }
  }
  return { messages, nextBefore: start > 0 && messages.length > 0 ? messages[0]!.id : null, leafId, versions }
}

/** The newest message at or under `id`: what sessions.setBranch makes the leaf. */
export function newestUnder(all: readonly SessionMessage[], id: string): string {
  const under = new Set([id])
  for (const m of all) if (m.parentId !== null && under.has(m.parentId)) under.add(m.id)
  return all.filter((m) => under.has(m.id)).at(-1)!.id
}
