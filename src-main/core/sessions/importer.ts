import fs from 'node:fs'
import path from 'node:path'
import { AppError, ValidationError } from '../errors'
import { readUserFileSync, type UserFileLimits } from '../paths'
import { insertImportedCompaction } from './compactions-repo'
import type { StoreContext } from './context'
import { looksLikeNative, parseNative } from './format-native'
import { looksLikeChatGpt, parseChatGptConversation } from './import-chatgpt'
import { looksLikeOllamaCli, parseOllamaCliSession } from './import-ollama-cli'
import { isRecord, type ImportedSession } from './import-shared'
import { prepareMessage, writeMessage } from './messages-repo'
import { createSession, findSession, hasImported } from './sessions-repo'
import type { ImportResult } from './types'

/** Every import format is one JSON document parsed whole (JSON.parse needs one string; V8 strings stop near 512 MB), so the file has a hard size limit. */
export const IMPORT_FILE_LIMITS: UserFileLimits = { maxBytes: 256 * 1024 * 1024, what: 'The import file' }

export interface ImportText {
  file: string
  text: string
}

/** The session files of the original ollama-cli (and its qarin port) under a home folder. */
export function findImportableFiles(home: string): string[] {
  return ['.ollama', '.qarin'].flatMap((dir) => {
    const folder = path.join(home, dir, 'sessions')
    let names: string[]
    try {
      names = fs.readdirSync(folder)
    } catch {
      return []
    }
    return names.filter((name) => name.endsWith('.json')).sort().map((name) => path.join(folder, name))
  })
}

const messageOf = (error: unknown): string =>
  error instanceof AppError && error.code !== 'E_INTERNAL' ? error.message : `Could not import: ${error instanceof Error ? error.message : String(error)}`

/**
 * Imports ChatGPT exports, ollama-cli/qarin session files and our own JSON exports. Each session
 * is written in its own transaction; a bad file or conversation becomes an entry in `errors`
 * and everything else still imports. Sessions already imported are counted as skipped.
 */
export function importFiles(ctx: StoreContext, files: readonly string[]): ImportResult {
  const texts: ImportText[] = []
  const unreadable: ImportResult['errors'] = []
  for (const file of files) {
    try {
      texts.push({ file, text: readUserFileSync(file, IMPORT_FILE_LIMITS).toString('utf8') })
    } catch (error) {
      unreadable.push({ file, message: messageOf(error) })
    }
  }
  const result = importTexts(ctx, texts)
  return { ...result, errors: [...unreadable, ...result.errors] }
}

/** Import files already read (by the caller, with readUserFile's limits): whole-file JSON formats. */
export function importTexts(ctx: StoreContext, texts: readonly ImportText[]): ImportResult {
  const result: ImportResult = { imported: 0, skipped: 0, errors: [] }
  for (const { file, text } of texts) {
    const fail = (message: string, where = file) => result.errors.push({ file: where, message })
    let doc: unknown
    try {
      doc = JSON.parse(text)
    } catch {
      fail('The file is not valid JSON.')
      continue
    }
    const parsed: { where: string; parse: () => ImportedSession }[] = []
    if (looksLikeNative(doc)) parsed.push({ where: file, parse: () => parseNative(doc) })
    else if (looksLikeChatGpt(doc)) {
      doc.forEach((conversation, i) => {
        const title = isRecord(conversation) && typeof conversation.title === 'string' ? ` "${conversation.title.slice(0, 60)}"` : ''
        parsed.push({ where: `${file} › conversation ${i + 1}${title}`, parse: () => parseChatGptConversation(conversation) })
      })
    } else if (looksLikeOllamaCli(doc)) {
      const source = file.split(/[\\/]/).includes('.qarin') ? 'qarin' : 'ollama-cli'
      parsed.push({ where: file, parse: () => parseOllamaCliSession(doc, source) })
    } else {
      fail('This is not a ChatGPT export, an ollama-cli session or an Ollama Desk export.')
      continue
    }
    for (const { where, parse } of parsed) {
      try {
        if (writeImported(ctx, parse())) result.imported++
        else result.skipped++
      } catch (error) {
        fail(messageOf(error), where)
      }
    }
  }
  return result
}

/**
 * Writes one session and its messages atomically; false when it is already here. The session is
 * new, so each message needs no live-session, parent-in-session (a set of the ids written so far)
 * or summary check (summaries come after the messages), and nothing is read back; the session's
 * leaf and activity time are written once at the end, as appending them one by one would leave them.
 */
export function writeImported(ctx: StoreContext, imported: ImportedSession): boolean {
  return ctx.db.tx(() => {
    if (imported.id !== undefined && findSession(ctx, imported.id)) return false
    if (imported.source !== null && imported.sourceId !== null && hasImported(ctx, imported.source, imported.sourceId)) return false
    const session = createSession(
      ctx,
      { id: imported.id, title: imported.title, createdAt: imported.createdAt, workspace: imported.workspace, tags: imported.tags },
      { source: imported.source, sourceId: imported.sourceId },
    )
    const written = new Set<string>()
    let previous: string | null = null
    let leaf: string | null = null
    let latest = session.updatedAt
    for (const input of imported.messages) {
      const parentId: string | null = imported.linked ? (input.parentId ?? null) : previous
      if (parentId !== null && !written.has(parentId)) {
        throw new ValidationError('The parent message is not in this session.', [{ path: 'parentId', message: 'invalid' }])
      }
      const message = prepareMessage(ctx, { ...input, parentId }, input.status ?? 'complete')
      writeMessage(ctx, session.id, parentId, message)
      written.add(message.id)
      previous = message.id
      if (message.role !== 'system' || parentId !== null) leaf = message.id
      latest = Math.max(latest, message.createdAt)
    }
    ctx.db.run(
      'UPDATE sessions SET pinned = ?, archived = ?, active_leaf = ?, updated_at = ? WHERE id = ?',
      imported.pinned ? 1 : 0, imported.archived ? 1 : 0, leaf, latest, session.id,
    )
    for (const compaction of imported.compactions ?? []) insertImportedCompaction(ctx, session.id, compaction)
    return true
  })
}

/** Writes many sessions in one transaction (each still all or nothing); how many were new. */
export function writeImportedBatch(ctx: StoreContext, sessions: readonly ImportedSession[]): number {
  return ctx.db.tx(() => sessions.filter((session) => writeImported(ctx, session)).length)
}
