import { describe, expect, it } from 'vitest'
import { runSlash, statusText } from './run-slash'
import { chatCore, closeChatCoresAfterEach } from './testdata/chat-core'

closeChatCoresAfterEach()

async function setup() {
  const { ollama, api, session } = await chatCore()
  const texts = () => session.view().entries.map((e) => `${e.kind}: ${e.text}${e.meta ? ` [${e.meta}]` : ''}`)
  return { ollama, api, session, texts }
}

describe('the terminal chat session', () => {
  it('sends, streams the reply into the transcript and counts tokens; the chat is saved', async () => {
    const { ollama, session, texts } = await setup()
    ollama.script({ text: ['Hi', ' there'], usage: { inputTokens: 5, outputTokens: 2 } })
    let changes = 0
    session.subscribe(() => changes++)
    await session.send('say hi')
    expect(texts()).toEqual(['user: say hi', 'assistant: Hi there [ollama:llama3.2:latest · 5 in / 2 out · free]'])
    expect(session.view()).toMatchObject({ live: null, busy: false, status: { inputTokens: 5, outputTokens: 2, model: 'ollama:llama3.2:latest' } })
    expect(session.view().status.sessionId).toMatch(/\S+/)
    expect(changes).toBeGreaterThan(2)
  })

  it('a failed reply shows its error and hint, and the prompt is free again', async () => {
    const { ollama, session, texts } = await setup()
    ollama.fault({ kind: 'status', status: 401, message: 'bad key' }, { times: 10 })
    await session.send('hello')
    expect(texts().at(-1)).toMatch(/^error: \S.+/)
    expect(session.view()).toMatchObject({ busy: false, live: null })
  })

  it('/history lists the chats and /load brings one back with its messages', async () => {
    const { ollama, api, session, texts } = await setup()
    ollama.script({ text: ['First answer'] })
    await session.send('first question')
    const id = session.status.sessionId!
    await runSlash(session, api, 'new', '')
    expect(session.status.sessionId).toBeNull()
    await runSlash(session, api, 'history', '')
    expect(texts().at(-1)).toMatch(/^info: {2}1 {2}\d{4}-\d\d-\d\d \d\d:\d\d +2 msg {2}.+\n\/load <number> continues one\.$/)
    await runSlash(session, api, 'load', '1')
    expect(session.status.sessionId).toBe(id)
    expect(texts().slice(-2)).toEqual(['user: first question', 'assistant: First answer [ollama:llama3.2:latest]'])
    await runSlash(session, api, 'load', '7')
    expect(texts().at(-1)).toBe('error: There is no chat 7 in the last /history.')
    await runSlash(session, api, 'history', 'question')
    expect(texts().at(-1)).toMatch(/^info: {2}1 {2}.+/)
    await runSlash(session, api, 'history', 'zebra')
    expect(texts().at(-1)).toBe('info: No chat matches “zebra”.')
  })

  it('/model refuses what is not provider:model, /save names the chat, /status and /help answer, old names explain', async () => {
    const { ollama, api, session, texts } = await setup()
    await runSlash(session, api, 'model', 'llama')
    expect(texts().at(-1)).toMatch(/^error: "llama" is not provider:model/)
    await runSlash(session, api, 'model', 'auto')
    expect(session.status.model).toBe('auto')
    await runSlash(session, api, 'model', 'ollama:llama3.2:latest')
    expect(texts().at(-1)).toBe('info: From now on ollama:llama3.2:latest answers.')
    await runSlash(session, api, 'save', 'Taxes')
    expect(texts().at(-1)).toBe('info: Nothing to save yet: chats are saved as you go, from the first message.')
    ollama.script({ text: ['ok'] })
    await session.send('hello')
    await runSlash(session, api, 'save', 'Taxes')
    expect(texts().at(-1)).toBe('info: Saved as “Taxes”.')
    expect((await api.call('sessions.get', { id: session.status.sessionId! })).ok && session.status.title).toBe('Taxes')
    expect(statusText(session)).toMatch(/^model {6}.+\nchat {7}Taxes · \S+\ntokens/)
    await runSlash(session, api, 'help', '')
    expect(texts().at(-1)).toContain('/history [query]')
    await runSlash(session, api, 'agents', '')
    expect(texts().at(-1)).toBe('error: Agents are not in this version yet; /model picks who answers.')
    await runSlash(session, api, 'frobnicate', '')
    expect(texts().at(-1)).toBe('error: There is no /frobnicate. /help lists the commands.')
    expect(await runSlash(session, api, 'exit', '')).toBe('quit')
  })

  it('stop() ends a reply being written and keeps what came, marked stopped', async () => {
    const { ollama, session, texts } = await setup()
    ollama.script({ text: Array.from({ length: 500 }, (_, i) => `w${i} `), chunkDelayMs: 20 })
    let stopped = false
    session.subscribe(() => {
      if (!stopped && (session.view().live?.text.length ?? 0) > 0) stopped = session.stop()
    })
    await session.send('count')
    expect(texts().at(-1)).toMatch(/^assistant: w0 .*\[stopped\]$/)
    expect(texts().at(-1)).not.toContain('w499')
    expect(session.stop()).toBe(false)
  })
})
