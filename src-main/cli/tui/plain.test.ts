import { PassThrough } from 'node:stream'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { startFakeOllamaChat, type FakeOllamaChatServer } from '../../../test/support/fakes/ollama-chat-server'
import { WAIT_CEILING_MS } from '../../../test/support/patient-waits'
import { makeTempDir, removeTempDirs } from '../../../test/support/tmp'
import type { Core } from '../../core/app'
import { createLocalClient } from '../../core/rpc'
import { openCore } from '../runtime'
import { runPlainChat } from './plain'
import { TuiSession } from './tui-session'

const servers: FakeOllamaChatServer[] = []
const cores: Core[] = []
afterEach(async () => {
  await Promise.all(cores.splice(0).map((core) => core.close()))
  await Promise.all(servers.splice(0).map((s) => s.close()))
  removeTempDirs()
})

describe('the line-by-line chat (TERM=dumb)', () => {
  it('streams replies as plain text, runs commands and leaves on /quit', async () => {
    const ollama = await startFakeOllamaChat({ models: ['llama3.2:latest'] })
    servers.push(ollama)
    const core = openCore({ 'data-dir': makeTempDir() }, { HOME: makeTempDir(), OLLAMA_HOST: ollama.url })
    cores.push(core)
    const api = createLocalClient(core.dispatcher, 'cli')
    const session = new TuiSession(api, { target: { providerId: 'ollama', model: 'llama3.2:latest' }, workspace: makeTempDir() })
    session.add('info', 'Welcome')
    const input = new PassThrough()
    const output = new PassThrough()
    let printed = ''
    output.on('data', (chunk: Buffer) => (printed += chunk.toString()))
    ollama.script({ text: ['**Hi**', ' there'], usage: { inputTokens: 3, outputTokens: 2 } })
    const done = runPlainChat(session, api, input, output)
    await vi.waitFor(() => expect(printed.includes('> ')).toBe(true), { timeout: WAIT_CEILING_MS, interval: 10 })
    input.write('hello\n')
    await vi.waitFor(() => expect(printed.includes('ollama:llama3.2:latest · 3 in / 2 out · free')).toBe(true), { timeout: WAIT_CEILING_MS, interval: 10 })
    input.write('/status\n')
    await vi.waitFor(() => expect(printed.includes('workspace  ')).toBe(true), { timeout: WAIT_CEILING_MS, interval: 10 })
    input.write('/quit\n')
    await done
    expect(printed.startsWith('Welcome\n> ')).toBe(true)
    expect(printed).toContain('**Hi** there\nollama:llama3.2:latest · 3 in / 2 out · free\n')
    // Plain text only: no escape sequences for a terminal that cannot take them.
    expect(printed).not.toContain('\x1b')
  })
})
