import readline from 'node:readline/promises'
import type { CliApi } from '../api-command'
import type { PermissionDecision } from '../../../src-shared/contract'
import { runSlash } from './run-slash'
import { messageText, parseSlash } from './slash'
import type { Entry, TuiSession } from './tui-session'

const ANSWERS: Record<string, PermissionDecision> = { o: 'allow-once', y: 'allow-once', s: 'allow-session', w: 'allow-workspace', d: 'deny', n: 'deny' }

const entryText = (entry: Entry): string => {
  if (entry.kind === 'user') return `> ${entry.text}`
  if (entry.kind === 'error') return `error: ${entry.text}`
  if (entry.kind === 'notice') return `· ${entry.text}`
  return entry.meta ? `${entry.text}\n${entry.meta}` : entry.text
}

/**
 * The terminal chat for terminals that cannot move the cursor (`TERM=dumb`, an Emacs shell
 * buffer): line by line, replies printed as they stream, the same commands and approvals as the
 * full-screen chat, nothing but plain text.
 */
export async function runPlainChat(session: TuiSession, api: CliApi, input: NodeJS.ReadableStream, output: NodeJS.WritableStream): Promise<void> {
  const rl = readline.createInterface({ input, output, terminal: false })
  const write = (text: string): void => void output.write(text)
  let printed = 0
  let streamed = 0
  let asked: string | null = null
  const show = (): void => {
    const view = session.view()
    if (view.live) {
      write(view.live.text.slice(streamed))
      streamed = view.live.text.length
    }
    for (const entry of view.entries.slice(printed)) {
      // A reply that streamed is already on screen: only its line of model and tokens is left.
      if (entry.kind === 'assistant' && streamed > 0) write(`\n${entry.meta ?? ''}\n`)
      else if (entry.kind !== 'user') write(`${entryText(entry)}\n`)
      if (entry.kind === 'assistant') streamed = 0
    }
    printed = view.entries.length
    if (view.permission && view.permission.id !== asked) {
      asked = view.permission.id
      const request = view.permission
      void rl.question(`\nAllow ${request.tool}? ${request.summary}\n[o]nce [s]ession [w]orkspace [d]eny: `).then((answer) => session.decide(ANSWERS[answer.trim().toLowerCase()[0] ?? 'd'] ?? 'deny'))
    }
  }
  const unsubscribe = session.subscribe(show)
  show()
  // Ctrl+C stops a reply being written; with none, it leaves.
  const interrupt = (): void => void (session.stop() || rl.close())
  process.on('SIGINT', interrupt)
  const closed = new Promise<null>((resolve) => rl.once('close', () => resolve(null)))
  for (;;) {
    const line = await Promise.race([rl.question('> '), closed])
    if (line === null) break
    const text = line.trim()
    if (!text) continue
    const slash = parseSlash(text)
    if (slash && (await runSlash(session, api, slash.name, slash.args)) === 'quit') break
    if (!slash) await session.send(messageText(text))
  }
  process.off('SIGINT', interrupt)
  unsubscribe()
  rl.close()
}
