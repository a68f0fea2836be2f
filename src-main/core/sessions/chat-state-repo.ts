import type { StoreContext } from './context'
import { requireSession } from './sessions-repo'
import type { Session } from './types'
import { cleanTitle } from './validate'

/**
 * Per-chat state kept beside the history (schema v5): the chat's settings as JSON (validated by the
 * chat-settings service above, never here), who named the chat, and composer drafts.
 */

export function readChatSettings(ctx: StoreContext, id: string): string | null {
  requireSession(ctx, id)
  return ctx.db.get<{ settings: string | null }>('SELECT settings FROM sessions WHERE id = ?', id)?.settings ?? null
}

export function writeChatSettings(ctx: StoreContext, id: string, json: string | null): void {
  requireSession(ctx, id)
  ctx.db.run('UPDATE sessions SET settings = ? WHERE id = ?', json, id)
}

/** Sets a generated title unless the user named the chat by hand; returns the session if it changed. */
export function setAutoTitle(ctx: StoreContext, id: string, title: string): Session | null {
  const clean = cleanTitle(title)
  if (!clean) return null
  return ctx.db.tx(() => {
    requireSession(ctx, id)
    const changed = ctx.db.run("UPDATE sessions SET title = ?, title_source = 'auto' WHERE id = ? AND (title_source IS NULL OR title_source = 'auto')", clean, id)
    return changed > 0 ? requireSession(ctx, id) : null
  })
}

export function titleSource(ctx: StoreContext, id: string): 'auto' | 'user' | null {
  requireSession(ctx, id)
  return ctx.db.get<{ title_source: 'auto' | 'user' | null }>('SELECT title_source FROM sessions WHERE id = ?', id)?.title_source ?? null
}

export interface Draft {
  key: string
  body: string
  updatedAt: number
}

export function readDraft(ctx: StoreContext, key: string): Draft | null {
  const row = ctx.db.get<{ key: string; body: string; updated_at: number }>('SELECT key, body, updated_at FROM drafts WHERE key = ?', key)
  return row ? { key: row.key, body: row.body, updatedAt: Number(row.updated_at) } : null
}

/** Saves a draft; an empty one is forgotten. */
export function writeDraft(ctx: StoreContext, key: string, body: string): void {
  if (body === '') {
    ctx.db.run('DELETE FROM drafts WHERE key = ?', key)
    return
  }
  ctx.db.run('INSERT INTO drafts (key, body, updated_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at', key, body, ctx.now())
}
