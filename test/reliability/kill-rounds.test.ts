import fs from 'node:fs'
import path from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { ChatEvent, SessionMessage as Message } from '../../src-shared/contract'
import { RELIABILITY_SCALE, scaled } from '../support/reliability'
import { makeTempDir, removeTempDirs } from '../support/tmp'
import { chatGptExport, type ExportedConversation } from './support/chatgpt-export'
import { startCompanionProcess, type CompanionProcess } from './support/companion-process'
import { MODEL, startStreamingOllama, type StreamingOllama } from './support/fake-ollama-stream'

/**
 * SIGKILL of the real web companion (its own process, the real core and session worker, a
 * stand-in Ollama on loopback) in the middle of a streaming reply and in the middle of an import,
 * `scaled(1)` rounds of each (10 under `npm run reliability`). After every kill, before anything
 * repairs it: the database passes `PRAGMA integrity_check`, both full-text indexes pass FTS5's
 * own integrity check, every message that was committed before the kill is there and is found by
 * a full-text search for its own word, an import left whole conversations only. After the restart
 * on the same data folder: the interrupted reply is kept with what had streamed and marked as an
 * error, and the companion answers searches.
 */

const ROUNDS = scaled(1)
/** Conversations × messages per import: enough that an import is still writing when the test sees its first session. */
const IMPORT_CONVERSATIONS = 300
const IMPORT_MESSAGES = 8
/** Text lines the stand-in sends before it stalls a reply. */
const STREAMED_BEFORE_KILL = 6

interface Committed {
  id: string
  /** A word only this message has (absent for replies, which are the stand-in's text). */
  token?: string
}

const counts = { streamingKills: 0, importKills: 0, importsCutShort: 0, committedChecked: 0, importedSessions: 0, interruptedMarked: 0, restarts: 0 }
const committed: Committed[] = []
const imported: ExportedConversation[] = []
let root: string
let dataDir: string
let ollama: StreamingOllama
let companion: CompanionProcess

const start = async () => {
  companion = await startCompanionProcess({ dataDir, home: path.join(root, 'home'), ollamaHost: ollama.host })
  counts.restarts++
}

beforeAll(async () => {
  root = makeTempDir('ollama-desk-kill-')
  dataDir = path.join(root, 'data')
  ollama = await startStreamingOllama(STREAMED_BEFORE_KILL + 4)
  await start()
})

afterAll(async () => {
  await companion?.stop()
  await ollama?.close()
  removeTempDirs()
  console.log(
    `kill rounds (scale ${RELIABILITY_SCALE}): ${counts.streamingKills} SIGKILLs during a streaming reply, ${counts.importKills} during an import ` +
      `(${counts.importsCutShort} cut an import short), ${counts.restarts} starts; after the kills ${counts.committedChecked} checks of committed messages ` +
      `(0 lost), ${counts.importedSessions} imported conversations whole, ${counts.interruptedMarked} interrupted replies kept and marked`,
  )
})

/** A complete chat turn over the WebSocket; its two messages are committed once the result arrives. */
async function completeTurn(word: string): Promise<void> {
  const { api } = await companion.client()
  const result = await api.stream('chat.send', { text: `a complete turn ${word}`, target: { providerId: 'ollama', model: MODEL } }, () => undefined).done
  if (!result.ok) throw new Error(`chat.send failed: ${JSON.stringify(result.error)}`)
  committed.push({ id: result.value.message.id }, { id: result.value.message.parentId ?? '', token: word })
}

async function messages(sessionId: string): Promise<Message[]> {
  const { body } = await companion.call('sessions.messages', { sessionId, limit: 1000 })
  if (!body.ok) throw new Error(`sessions.messages failed: ${JSON.stringify(body.error)}`)
  return (body.value as { messages: Message[] }).messages
}

/** Straight after a kill, as the next start finds the files (the WAL not yet checkpointed). */
function checkDatabase(): void {
  const db = new DatabaseSync(path.join(dataDir, 'sessions.db'))
  try {
    expect(db.prepare('PRAGMA integrity_check').get()).toEqual({ integrity_check: 'ok' })
    // FTS5 compares the index with its content table and throws SQLITE_CORRUPT_VTAB on a mismatch.
    db.exec("INSERT INTO messages_fts(messages_fts) VALUES ('integrity-check')")
    db.exec("INSERT INTO sessions_fts(sessions_fts) VALUES ('integrity-check')")
    const status = db.prepare('SELECT status FROM messages WHERE id = ?')
    const found = db.prepare('SELECT m.id FROM messages_fts JOIN messages m ON m.seq = messages_fts.rowid WHERE messages_fts MATCH ?')
    for (const message of committed) {
      expect(status.get(message.id), `committed message ${message.id}`).toEqual({ status: 'complete' })
      if (message.token) expect((found.all(`"${message.token}"`) as { id: string }[]).map((r) => r.id), message.token).toEqual([message.id])
      counts.committedChecked++
    }
    const sessionOf = db.prepare('SELECT id FROM sessions WHERE title = ?')
    const messageCount = db.prepare('SELECT count(*) AS n FROM messages WHERE session_id = ?')
    for (const conversation of imported) {
      const session = sessionOf.get(conversation.title) as { id: string } | undefined
      expect(session, conversation.title).toBeDefined()
      expect(messageCount.get(session!.id)).toEqual({ n: IMPORT_MESSAGES })
      for (const token of conversation.tokens) expect(found.all(`"${token}"`), token).toHaveLength(1)
    }
  } finally {
    db.close()
  }
}

/** Imported conversations of this round: each one there whole, or not at all. */
function importedSoFar(conversations: ExportedConversation[]): ExportedConversation[] {
  const db = new DatabaseSync(path.join(dataDir, 'sessions.db'), { readOnly: true })
  try {
    const sessionOf = db.prepare('SELECT id FROM sessions WHERE title = ?')
    const messageCount = db.prepare('SELECT count(*) AS n FROM messages WHERE session_id = ?')
    return conversations.filter((conversation) => {
      const session = sessionOf.get(conversation.title) as { id: string } | undefined
      if (!session) return false
      expect(messageCount.get(session.id), `${conversation.title} is whole`).toEqual({ n: IMPORT_MESSAGES })
      return true
    })
  } finally {
    db.close()
  }
}

async function streamingRound(round: number): Promise<void> {
  for (let turn = 0; turn < 2; turn++) await completeTurn(`ks${round}t${turn}`)
  ollama.holdAfter = STREAMED_BEFORE_KILL
  const { api } = await companion.client()
  let started: Extract<ChatEvent, { type: 'started' }> | undefined
  const handle = api.stream('chat.send', { text: `interrupted ks${round}i`, target: { providerId: 'ollama', model: MODEL } }, (event) => {
    if (event.type === 'started') started = event
  })
  void handle.done
  // Kill once the streamed part is committed (the reply is on disk as it streams).
  const streamed = Array.from({ length: STREAMED_BEFORE_KILL }, (_, i) => `w${i} `).join('')
  await vi.waitFor(async () => {
    if (!started) throw new Error('no started event yet')
    const reply = (await messages(started.sessionId)).find((m) => m.id === started!.assistantMessageId)
    expect(reply).toMatchObject({ status: 'streaming', text: streamed })
  })
  // The prompt was committed before the reply started.
  committed.push({ id: started!.userMessageId ?? '', token: `ks${round}i` })
  await companion.kill()
  counts.streamingKills++
  ollama.holdAfter = undefined
  checkDatabase()
  await start()
  const reply = (await messages(started!.sessionId)).find((m) => m.id === started!.assistantMessageId)
  expect(reply).toMatchObject({ status: 'error', text: streamed })
  counts.interruptedMarked++
  const { body } = await companion.call('sessions.search', { query: `ks${round}i` })
  expect(JSON.stringify(body)).toContain(started!.sessionId)
}

async function importRound(round: number): Promise<void> {
  const { json, conversations } = chatGptExport(`ki${round}`, IMPORT_CONVERSATIONS, IMPORT_MESSAGES)
  const file = path.join(root, `conversations-${round}.json`)
  fs.writeFileSync(file, json)
  const call = companion.call('sessions.import', { paths: [file] }).catch(() => undefined)
  // Kill as soon as the first conversation of this import is committed.
  await vi.waitFor(() => expect(importedSoFar(conversations).length).toBeGreaterThan(0), { interval: 5 })
  await companion.kill()
  await call
  counts.importKills++
  const whole = importedSoFar(conversations)
  if (whole.length < conversations.length) counts.importsCutShort++
  imported.push(...whole)
  counts.importedSessions += whole.length
  checkDatabase()
  await start()
}

describe('SIGKILL during streaming replies and imports', () => {
  it(`loses no committed message and keeps the interrupted reply, over ${ROUNDS} rounds of each`, async () => {
    for (let round = 0; round < ROUNDS; round++) {
      await streamingRound(round)
      await importRound(round)
    }
    expect(counts.streamingKills).toBe(ROUNDS)
    expect(counts.importKills).toBe(ROUNDS)
    expect(counts.interruptedMarked).toBe(ROUNDS)
    expect(counts.committedChecked).toBeGreaterThan(0)
  }, 60_000 * ROUNDS)
})
