import { act, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { beforeEach, describe, expect, it } from 'vitest'
import type { FakeApiOptions } from '../../../test/fake-api'
import { modelInfo, providerView, storedReply } from '../../../test/fake-providers'
import { renderAt } from '../../../test/render'
import { makeMessage, makeSession, sessionId } from '../../../test/session-fixtures'
import { AUTO, useChatPrefs } from './chat-prefs'
import { useReplies } from './reply-store'
import { spendLabel } from './use-session-spend'

const id = sessionId(0)
const providers: FakeApiOptions['providers'] = {
  providers: [providerView('openai', 'openai', { name: 'OpenAI' }, { set: true, last4: 'abcd' })],
  models: [modelInfo('openai', 'gpt-4o', { price: { inputPerMTok: 2.5, outputPerMTok: 10 } })],
}
const paid = [
  makeMessage(id, 0),
  makeMessage(id, 1, { provider: 'openai', model: 'gpt-4o', usage: { inputTokens: 1200, outputTokens: 500 }, cost: 0.008 }),
  makeMessage(id, 2),
  makeMessage(id, 3, { provider: 'openai', model: 'gpt-4o', usage: { inputTokens: 34, outputTokens: 67 }, cost: 0.0043 }),
]
const header = () => screen.getByRole('heading', { level: 2, name: /#0/ }).closest('header')!

const open = async (messages = paid) => {
  const rendered = await renderAt(`#/chat/${id}`, { providers, history: { sessions: [makeSession(0)], messages: { [id]: messages } } })
  await screen.findByRole('heading', { level: 2, name: /#0/ })
  return rendered
}

beforeEach(() => {
  useReplies.setState({ replies: {}, attempts: {} })
  useChatPrefs.setState({ target: AUTO })
})

describe('Session spend in the conversation header', () => {
  it('sums the tokens and cost of every reply', async () => {
    await open()
    await waitFor(() => expect(header().textContent).toContain('4 messages · started'))
    await waitFor(() => expect(header().textContent).toContain(' · 1,234 in / 567 out tokens · $0.0123'))
  })

  it('says nothing before the first reply, "free" for replies that cost nothing and "est." for guessed counts', async () => {
    const { history } = await open([makeMessage(id, 0)])
    await waitFor(() => expect(header().textContent).toContain('1 message · started'))
    expect(header().textContent).not.toContain('tokens')
    act(() => history.addMessage(makeMessage(id, 1, { usage: { inputTokens: 10, outputTokens: 20, estimated: true }, cost: 0, createdAt: Date.now() })))
    await waitFor(() => expect(header().textContent).toContain(' · est. 10 in / 20 out tokens · free'))
  })

  it('updates when a chat reply finishes', async () => {
    const { history, providers: core } = await open()
    await waitFor(() => expect(header().textContent).toContain('1,234 in / 567 out tokens'))
    const box = screen.getByRole('textbox', { name: 'Message' })
    await waitFor(() => expect(box).toHaveProperty('disabled', false))
    await userEvent.type(box, 'One more{Enter}')
    await waitFor(() => core.push({ type: 'started', sessionId: id, userMessageId: 'u9', assistantMessageId: 'a9' }, { type: 'text', text: 'Sure.' }))
    const reply = storedReply(id, 'a9', { parentId: 'u9', text: 'Sure.', provider: 'openai', model: 'gpt-4o', usage: { inputTokens: 1000, outputTokens: 433 }, cost: 0.0127, createdAt: Date.now() })
    // Saved without the sessions.changed event, so only the reply's end can bring the new figures.
    history.addMessage(reply, { quiet: true })
    expect(header().textContent).toContain('1,234 in / 567 out tokens')
    act(() => core.finish({ sessionId: id, message: reply, attempts: [{ providerId: 'openai', model: 'gpt-4o', outcome: 'answered' }] }))
    await waitFor(() => expect(header().textContent).toContain(' · 2,234 in / 1,000 out tokens · $0.025'))
    expect(within(header()).getByTitle('Tokens and cost of every reply in this conversation')).toBeTruthy()
  })

  it('formats the figures', () => {
    expect(spendLabel(undefined)).toBe('')
    expect(spendLabel({ inputTokens: 0, outputTokens: 0, costUsd: 0, estimated: false, replies: 0, unpriced: 0 })).toBe('')
    expect(spendLabel({ inputTokens: 1234, outputTokens: 567, costUsd: 0.0123, estimated: false, replies: 2, unpriced: 0 })).toBe('1,234 in / 567 out tokens · $0.0123')
    expect(spendLabel({ inputTokens: 1, outputTokens: 1, costUsd: 2.5, estimated: false, replies: 1, unpriced: 0 })).toBe('1 in / 1 out tokens · $2.50')
    expect(spendLabel({ inputTokens: 1, outputTokens: 1, costUsd: 0.00004, estimated: false, replies: 1, unpriced: 0 })).toBe('1 in / 1 out tokens · $0.00004')
    expect(spendLabel({ inputTokens: 5, outputTokens: 7, costUsd: 0, estimated: true, replies: 1, unpriced: 0 })).toBe('est. 5 in / 7 out tokens · free')
    expect(spendLabel({ inputTokens: 5, outputTokens: 7, costUsd: 0, estimated: false, replies: 1, unpriced: 1 })).toBe('5 in / 7 out tokens · cost unknown')
    expect(spendLabel({ inputTokens: 5, outputTokens: 7, costUsd: 0.01, estimated: false, replies: 3, unpriced: 1 })).toBe('5 in / 7 out tokens · $0.01 + 1 reply without a known price')
  })
})
