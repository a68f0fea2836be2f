import { PassThrough } from 'node:stream'
import { describe, expect, it, vi } from 'vitest'
import { WAIT_CEILING_MS } from '../../../test/support/patient-waits'
import { runPlainChat } from './plain'
import { chatCore, closeChatCoresAfterEach } from './testdata/chat-core'

closeChatCoresAfterEach()

describe('the line-by-line chat (TERM=dumb)', () => {
  it('streams replies as plain text, runs commands and leaves on /quit', async () => {
    const { ollama, api, session } = await chatCore()
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
