import fs from 'node:fs'
import path from 'node:path'
import type { SearchHit, SessionMessage, SessionSummary } from '../../src-shared/contract'
import { HIGHLIGHT_END, HIGHLIGHT_START } from '../../src-shared/contract'
import { apiCommand, subcommandArgument, unwrap, type ApiSubcommand } from './api-command'
import { commandSpecs } from './specs'

const day = (ms: number): string => new Date(ms).toISOString().slice(0, 16).replace('T', ' ')

export function formatSessions(sessions: SessionSummary[]): string {
  if (sessions.length === 0) return 'No sessions.'
  return sessions
    .map((s) => `${s.pinned ? '*' : ' '} ${s.id}  ${day(s.updatedAt)}  ${String(s.messageCount).padStart(4)} msg  ${s.title}${s.tags.length ? `  [${s.tags.join(', ')}]` : ''}`)
    .join('\n')
}

/** One entry per session, in the order its best hit came, with how many of its messages matched. */
function bySession(hits: SearchHit[]): { best: SearchHit; messages: number }[] {
  const sessions = new Map<string, { best: SearchHit; messages: number }>()
  for (const hit of hits) {
    const entry = sessions.get(hit.sessionId)
    if (!entry) sessions.set(hit.sessionId, { best: hit, messages: hit.messageId ? 1 : 0 })
    else {
      if (hit.messageId) entry.messages++
      // A message's words say more than the title the row already shows.
      if (!entry.best.messageId && hit.messageId) entry.best = hit
    }
  }
  return [...sessions.values()]
}

export function formatHits(hits: SearchHit[], color: boolean): string {
  if (hits.length === 0) return 'No matches.'
  const [on, off] = color ? ['\u001b[1;33m', '\u001b[0m'] : ['[', ']']
  return bySession(hits)
    .map(({ best, messages }) => {
      const count = messages > 1 ? `  (${messages} messages match)` : ''
      return `${best.sessionId}  ${best.sessionTitle}${count}\n    ${best.snippet.replaceAll(HIGHLIGHT_START, on).replaceAll(HIGHLIGHT_END, off).replace(/\s+/g, ' ')}`
    })
    .join('\n')
}

export function formatMessages(session: SessionSummary, messages: SessionMessage[]): string {
  const lines = [`# ${session.title}`, `${session.id} · ${session.messageCount} messages · updated ${day(session.updatedAt)}`, '']
  for (const m of messages) {
    // A failed reply is an attempt with its error, never an empty message.
    const failed = m.status === 'error' ? `(failed${m.error ? `: ${m.error}` : ''})` : ''
    lines.push(`[${m.role}${m.model ? ` · ${m.model}` : ''}] ${day(m.createdAt)}`, [m.text, failed].filter(Boolean).join('\n'), '')
  }
  return lines.join('\n')
}


export const sessionSubcommands: Record<string, ApiSubcommand> = {
  async list(api, { values }, io) {
    const limit = values.limit === undefined ? 50 : Number(values.limit)
    const page = unwrap(
      await api.call('sessions.list', { limit, ...(typeof values.tag === 'string' ? { tag: values.tag } : {}), ...(values.trash ? { onlyDeleted: true } : {}) }),
      io,
    )
    if (!page) return 1
    io.out(values.json ? `${JSON.stringify(page, null, 2)}\n` : `${formatSessions(page.sessions)}\n${page.total > page.sessions.length ? `(${page.sessions.length} of ${page.total}; --limit N for more)\n` : ''}`)
    return 0
  },
  async search(api, { values, positionals }, io) {
    const query = positionals.slice(1).join(' ')
    const found = unwrap(await api.call('sessions.search', { query, limit: 50 }), io)
    if (!found) return 1
    io.out(values.json ? `${JSON.stringify(found, null, 2)}\n` : `${formatHits(found.hits, process.stdout.isTTY === true)}\n`)
    return 0
  },
  async show(api, { values, positionals }, io) {
    const id = positionals[1] ?? ''
    const session = unwrap(await api.call('sessions.get', { id }), io)
    if (!session) return 1
    const page = unwrap(await api.call('sessions.messages', { sessionId: id, limit: 1000 }), io)
    if (!page) return 1
    io.out(values.json ? `${JSON.stringify({ session, messages: page.messages }, null, 2)}\n` : `${formatMessages(session, page.messages)}\n`)
    return 0
  },
  async export(api, { values, positionals }, io) {
    if (values.all) {
      if (typeof values.out !== 'string') {
        io.err('error: --all writes a zip file: add --out FILE.zip\n')
        return 2
      }
      // Relative to where the user typed the command; the server only takes absolute paths.
      const zip = unwrap(await api.call('sessions.exportAll', { path: path.resolve(values.out), overwrite: values.force === true }), io)
      if (!zip) return 1
      io.out(`exported ${zip.sessions} sessions to ${zip.path} (${zip.bytes} bytes)\n`)
      return 0
    }
    const format = typeof values.format === 'string' ? values.format : 'markdown'
    const file = unwrap(await api.call('sessions.export', { id: positionals[1] ?? '', format: format as 'markdown' | 'json' | 'html' }), io)
    if (!file) return 1
    if (typeof values.out === 'string') {
      fs.writeFileSync(values.out, file.content)
      io.err(`wrote ${values.out}\n`)
    } else io.out(file.content)
    return 0
  },
  async backup(api, _args, io) {
    const done = unwrap(await api.call('sessions.backup', {}), io)
    if (!done) return 1
    io.out(`backed up to ${done.path} (${done.bytes} bytes)\n`)
    return 0
  },
  async restore(api, { values, positionals }, io) {
    const file = subcommandArgument(positionals, io, 'name the backup file to restore')
    if (!file) return 2
    const replace = values.replace === true
    const done = unwrap(await api.call('sessions.restoreBackup', { path: file, mode: replace ? 'replace' : 'merge', confirmReplace: replace && values.yes === true }), io)
    if (!done) return 1
    io.out(`${done.mode === 'merge' ? 'merged' : 'replaced'}: ${done.sessionsAdded} sessions and ${done.messagesAdded} messages added${done.snapshot ? `; the previous history is kept at ${done.snapshot}` : ''}\n`)
    return 0
  },
  async import(api, { values, positionals }, io) {
    let paths = positionals.slice(1)
    if (values.discover) {
      const found = unwrap(await api.call('sessions.importable', {}), io)
      if (!found) return 1
      paths = [...paths, ...found.files]
    }
    if (paths.length === 0) {
      io.err('error: name the files to import, or pass --discover to find ollama-cli sessions\n')
      return 2
    }
    const report = unwrap(await api.call('sessions.import', { paths }), io)
    if (!report) return 1
    io.out(`imported ${report.imported}, skipped ${report.skipped}, failed ${report.errors.length}\n`)
    for (const error of report.errors) io.err(`  ${error.file}: ${error.message}\n`)
    return report.errors.length > 0 ? 1 : 0
  },
}

export const sessionsCommand = apiCommand({
  ...commandSpecs.sessions,
  subcommands: sessionSubcommands,
})
