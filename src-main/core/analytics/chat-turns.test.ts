import { describe, expect, it } from 'vitest'
import type { ChatEvent, StreamResult } from '../../../src-shared/contract'
import { observeChatTurns, type ChatTurnSummary } from './chat-turns'

type Result = StreamResult<'chat.send'>
const result = (outcomes: ('answered' | 'failed' | 'skipped')[]): Result =>
  ({ sessionId: 's', message: { provider: 'from-message' }, attempts: outcomes.map((outcome) => ({ providerId: 'p', model: 'm', outcome })) }) as unknown as Result

/** A stand-in chat service whose turn yields the given events, then ends as told. */
function fakeChat(events: ChatEvent[], end: Result | Error) {
  const state = { cleanedUp: false }
  const chat = {
    async *send(_input: string, _signal: AbortSignal): AsyncGenerator<ChatEvent, Result> {
      try {
        for (const event of events) yield event
        if (end instanceof Error) throw end
        return end
      } finally {
        state.cleanedUp = true
      }
    },
  }
  return { chat, state }
}

async function drain(chat: { send(input: string, signal: AbortSignal): AsyncGenerator<ChatEvent, Result> }) {
  const seen: ChatEvent[] = []
  const generator = chat.send('hi', new AbortController().signal)
  for (;;) {
    const step = await generator.next()
    if (step.done) return { seen, value: step.value }
    seen.push(step.value)
  }
}

const usage = (inputTokens: number, outputTokens: number): ChatEvent => ({ type: 'usage', usage: { inputTokens, outputTokens, estimated: false }, costUsd: null })

describe('observeChatTurns', () => {
  it('passes every event through and sums a completed turn', async () => {
    const events: ChatEvent[] = [{ type: 'answering', providerId: 'openai', model: 'm' }, { type: 'tool_call', call: { name: 'read', arguments: {} } }, usage(10, 5), usage(3, 2), { type: 'text', text: 'secret reply' }]
    const { chat } = fakeChat(events, result(['failed', 'answered']))
    let clock = 100
    const turns: ChatTurnSummary[] = []
    const stop = observeChatTurns(chat, () => (clock += 250), (turn) => turns.push(turn))
    const { seen, value } = await drain(chat)
    expect(seen).toEqual(events)
    expect(value.attempts).toHaveLength(2)
    expect(turns).toEqual([{ providerId: 'openai', durationMs: 250, tokens: 20, toolCalls: 1, fellBack: true }])
    stop()
    await drain(chat)
    expect(turns).toHaveLength(1)
  })

  it('counts nothing for a failed turn, and a throwing listener never breaks the chat', async () => {
    const failing = fakeChat([usage(1, 1)], new Error('provider down'))
    const turns: ChatTurnSummary[] = []
    observeChatTurns(failing.chat, () => 0, (turn) => turns.push(turn))
    await expect(drain(failing.chat)).rejects.toThrow('provider down')
    expect(turns).toEqual([])

    const ok = fakeChat([], result(['answered']))
    observeChatTurns(ok.chat, () => 0, () => {
      throw new Error('analytics bug')
    })
    expect((await drain(ok.chat)).value.sessionId).toBe('s')
  })

  it('a reader that stops early lets the turn clean up; the provider falls back to the message', async () => {
    const { chat, state } = fakeChat([{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }], result(['answered']))
    const turns: ChatTurnSummary[] = []
    observeChatTurns(chat, () => 0, (turn) => turns.push(turn))
    for await (const event of chat.send('hi', new AbortController().signal)) {
      expect(event).toEqual({ type: 'text', text: 'a' })
      break
    }
    expect(state.cleanedUp).toBe(true)
    expect(turns).toEqual([])
    await drain(chat)
    expect(turns[0]?.providerId).toBe('from-message')
  })
})
