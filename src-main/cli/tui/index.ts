import { createElement as h } from 'react'
import type { ChatTarget } from '../../../src-shared/contract'
import { createLocalClient } from '../../core/rpc'
import type { Io, ParsedArgs } from '../command'
import { openCore } from '../runtime'
import { TuiSession } from './tui-session'

/**
 * `ollama-desk` (no arguments, in a terminal) and `ollama-desk chat -i`: the interactive chat.
 * Ink is loaded only here, so one-shot commands never pay for it. Without a terminal on both ends
 * there is nothing to take keys from: the user is told how to chat one message at a time instead.
 */
export async function runTerminalChat(args: ParsedArgs, io: Io, target: ChatTarget): Promise<number> {
  if (!io.interactive) {
    io.err('error: the interactive chat needs a terminal; without one, send one message: ollama-desk chat "hello" (or pipe it on stdin)\n')
    return 2
  }
  const core = openCore(args.values, io.env)
  try {
    const api = createLocalClient(core.dispatcher, 'cli')
    const session = new TuiSession(api, { target, workspace: process.cwd() })
    const resume = typeof args.values.session === 'string' ? args.values.session : null
    if (resume) await session.open(resume)
    else session.add('info', `Ollama Desk · ${session.status.model === 'auto' ? 'the first model that answers (auto)' : session.status.model} · /help for commands, Ctrl+D to leave`)
    if (io.env.TERM === 'dumb') {
      // No cursor movement: the line-by-line chat.
      const { runPlainChat } = await import('./plain')
      await runPlainChat(session, api, process.stdin, process.stdout)
      return 0
    }
    const [{ render }, { TuiApp }] = await Promise.all([import('ink'), import('./app')])
    const app = render(h(TuiApp, { session, api, history: [] }), { exitOnCtrlC: false })
    await app.waitUntilExit()
    session.stop()
    return 0
  } finally {
    await core.close()
  }
}
