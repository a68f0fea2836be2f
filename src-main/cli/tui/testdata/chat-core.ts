import { afterEach } from 'vitest'
import { startFakeOllamaChat, type FakeOllamaChatServer } from '../../../../test/support/fakes/ollama-chat-server'
import { makeTempDir, removeTempDirs } from '../../../../test/support/tmp'
import type { Core } from '../../../core/app'
import { createLocalClient } from '../../../core/rpc'
import { openCore } from '../../runtime'
import { TuiSession } from '../tui-session'

const servers: FakeOllamaChatServer[] = []
const cores: Core[] = []

/** Closes what {@link chatCore} opened after each test of the file that calls it. */
export function closeChatCoresAfterEach(): void {
  afterEach(async () => {
    await Promise.all(cores.splice(0).map((core) => core.close()))
    await Promise.all(servers.splice(0).map((s) => s.close()))
    removeTempDirs()
  })
}

/** A real core on a throwaway data folder, talking to a loopback Ollama fake, and a terminal chat session on it. */
export async function chatCore() {
  const ollama = await startFakeOllamaChat({ models: ['llama3.2:latest'] })
  servers.push(ollama)
  const core = openCore({ 'data-dir': makeTempDir() }, { HOME: makeTempDir(), OLLAMA_HOST: ollama.url })
  cores.push(core)
  const api = createLocalClient(core.dispatcher, 'cli')
  const session = new TuiSession(api, { target: { providerId: 'ollama', model: 'llama3.2:latest' }, workspace: makeTempDir() })
  return { ollama, api, session }
}
