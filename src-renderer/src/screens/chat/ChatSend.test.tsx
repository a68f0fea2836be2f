import { act, fireEvent, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { beforeEach, describe, expect, it } from 'vitest'
import { defaultSettings, type FakeApiOptions } from '../../../test/fake-api'
import { modelInfo, providerView, storedReply } from '../../../test/fake-providers'
import { renderAt } from '../../../test/render'
import { makeMessages, makeSession, sessionId } from '../../../test/session-fixtures'
import { AUTO, useChatPrefs } from './chat-prefs'
import { useReplies } from './reply-store'

const id = sessionId(0)
const providers: FakeApiOptions['providers'] = {
  providers: [providerView('ollama', 'ollama', { name: 'Ollama' }), providerView('openai', 'openai', { name: 'OpenAI' }, { set: true, last4: 'abcd' })],
  models: [
    modelInfo('ollama', 'llama3.2', { caps: { tools: true, contextWindow: 131072 } }),
    modelInfo('openai', 'gpt-4o', { caps: { vision: true, tools: true, contextWindow: 128000 }, price: { inputPerMTok: 2.5, outputPerMTok: 10 } }),
  ],
}
const options = (extra: FakeApiOptions = {}): FakeApiOptions => ({ providers, history: { sessions: [makeSession(0), makeSession(5)], messages: { [id]: makeMessages(id, 2) } }, ...extra })

const openChat = async (extra: FakeApiOptions = {}) => {
  const rendered = await renderAt(`#/chat/${id}`, options(extra))
  const log = await screen.findByRole('log', { name: 'Messages' })
  await within(log).findAllByRole('article')
  const box = screen.getByRole('textbox', { name: 'Message' })
  await waitFor(() => expect(box).toHaveProperty('disabled', false))
  return { ...rendered, log, box }
}
const articles = (log: HTMLElement) => within(log).getAllByRole('article')

beforeEach(() => {
  useReplies.setState({ replies: {}, attempts: {} })
  useChatPrefs.setState({ target: AUTO })
})

describe('Sending and streaming', () => {
  it('streams the reply into the view in order, then shows who answered, fallbacks, tokens, cost and speed', async () => {
    // Token counts show only with Settings → Chat → "show token counts" on.
    const settings = defaultSettings()
    const { log, box, providers: core } = await openChat({ settings: { ...settings, display: { ...settings.display, showTokenEstimates: true } } })
    await userEvent.type(box, 'Tell me a joke{Enter}')
    expect(core.sent()).toEqual([{ sessionId: id, text: 'Tell me a joke', target: { auto: true } }])
    expect(box).toHaveProperty('value', '')
    expect(screen.getByRole('button', { name: 'Stop' })).toBeTruthy()
    await waitFor(() => core.push({ type: 'started', sessionId: id, userMessageId: 'u1', assistantMessageId: 'a1' }))
    act(() => core.push({ type: 'attempt', attempt: { providerId: 'openai', model: 'gpt-4o', outcome: 'skipped', reason: 'circuit open' } }, { type: 'answering', providerId: 'ollama', model: 'llama3.2' }))
    act(() => core.push({ type: 'text', text: 'Why did ' }, { type: 'reasoning', text: 'Keep it short.' }, { type: 'text', text: 'the **chicken**' }))
    await waitFor(() => expect(articles(log).at(-1)!.querySelector('strong.chicken, .markdown strong')?.textContent).toBe('chicken'))
    const reply = articles(log).at(-1)!
    expect(reply.querySelector('.markdown')!.textContent).toBe('Why did the chicken')
    expect(within(reply).getByText('Writing…')).toBeTruthy()
    expect(within(reply).getByText('Thinking')).toBeTruthy()
    expect(articles(log).at(-2)!.textContent).toContain('Tell me a joke')
    act(() => core.push({ type: 'text', text: ' cross?' }))
    await waitFor(() => expect(reply.querySelector('.markdown')!.textContent).toBe('Why did the chicken cross?'))

    act(() =>
      core.finish({
        sessionId: id,
        message: storedReply(id, 'a1', { parentId: 'u1', text: 'Why did the **chicken** cross?', provider: 'ollama', model: 'llama3.2', usage: { inputTokens: 20, outputTokens: 50, estimated: true }, cost: 0, timings: { firstTokenMs: 300, totalMs: 2300 } }),
        attempts: [
          { providerId: 'openai', model: 'gpt-4o', outcome: 'skipped', reason: 'circuit open' },
          { providerId: 'anthropic', model: 'claude', outcome: 'failed', reason: '401' },
          { providerId: 'ollama', model: 'llama3.2', outcome: 'answered' },
        ],
      }),
    )
    await waitFor(() => expect(screen.getByRole('button', { name: 'Send' })).toBeTruthy())
    const done = articles(log).at(-1)!
    expect(within(done).getByText('Answered by ollama · llama3.2 · skipped openai · gpt-4o (circuit open), anthropic · claude failed (401)')).toBeTruthy()
    expect(within(done).getByText('≈ 20 in · 50 out tokens (est.)')).toBeTruthy()
    expect(within(done).getByText('free')).toBeTruthy()
    expect(within(done).getByText('25.0 tok/s')).toBeTruthy()
    expect(within(done).getByText('first token 300 ms')).toBeTruthy()
    expect(within(done).getByText('llama3.2 · ollama')).toBeTruthy()
  })

  it('stop cancels the stream and keeps what was written', async () => {
    const { log, box, providers: core } = await openChat()
    await userEvent.type(box, 'Write an essay{Enter}')
    await waitFor(() => core.push({ type: 'started', sessionId: id, userMessageId: 'u1', assistantMessageId: 'a1' }, { type: 'text', text: 'Once upon' }))
    await within(log).findByText('Once upon')
    await userEvent.click(screen.getByRole('button', { name: 'Stop' }))
    expect(core.cancels()).toBe(1)
    expect(await within(articles(log).at(-1)!).findByText('Stopped')).toBeTruthy()
    expect(within(log).getByText('Once upon')).toBeTruthy()
    expect(screen.getByRole('button', { name: 'Send' })).toBeTruthy()
    expect(() => core.push({ type: 'text', text: 'late' })).toThrow(/no chat.send stream/)
  })

  it('remembers the chosen model and sends to it; Shift+Enter adds a line', async () => {
    const { box, providers: core } = await openChat()
    await userEvent.click(screen.getByRole('button', { name: /^Model: Auto/ }))
    await userEvent.click(screen.getByRole('option', { name: /gpt-4o/ }))
    expect(screen.getByRole('button', { name: 'Model: gpt-4o · OpenAI' })).toBeTruthy()
    expect(JSON.parse(localStorage.getItem('ollama-desk.chat-prefs')!).state.target).toEqual({ providerId: 'openai', model: 'gpt-4o' })
    await userEvent.type(box, 'one{Shift>}{Enter}{/Shift}two{Enter}')
    expect(core.sent()).toEqual([{ sessionId: id, text: 'one\ntwo', target: { providerId: 'openai', model: 'gpt-4o' } }])
  })
})

describe('Actions on messages', () => {
  it('regenerate asks for a new reply to the same prompt; edit resends the changed text as a branch', async () => {
    const { log, providers: core } = await openChat()
    const [question, answer] = articles(log)
    await userEvent.click(within(answer!).getByRole('button', { name: 'Regenerate' }))
    expect(core.sent().at(-1)).toEqual({ sessionId: id, text: '', regenerate: `${id}-m00001`, target: { auto: true } })
    // While that reply streams, the old one is replaced in place.
    await waitFor(() => expect(articles(log)).toHaveLength(2))
    act(() => core.fail({ code: 'E_CANCELLED', message: 'stopped', retryable: false }))
    await waitFor(() => expect(screen.getByRole('button', { name: 'Send' })).toBeTruthy())

    await userEvent.click(within(question!).getByRole('button', { name: 'Edit' }))
    const editor = within(log).getByRole('textbox', { name: 'Edited message' })
    await userEvent.clear(editor)
    await userEvent.type(editor, 'A better question')
    await userEvent.click(within(log).getByRole('button', { name: 'Send edit' }))
    expect(core.sent().at(-1)).toEqual({ sessionId: id, text: 'A better question', editOf: `${id}-m00000`, target: { auto: true } })
    await waitFor(() => expect(articles(log)[0]!.textContent).toContain('A better question'))
    // The edited branch replaces the old question and its answer.
    expect(within(log).queryByText('Question number 0 about sourdough')).toBeNull()
  })

  it('a failed reply shows the message, the hint and Retry, which resends the same input', async () => {
    const { log, box, providers: core } = await openChat()
    await userEvent.type(box, 'Hi{Enter}')
    act(() => core.fail({ code: 'E_AUTH', message: 'OpenAI refused the key.', hint: 'Replace the key in Providers & Health.', retryable: false }))
    const alert = await within(log).findByRole('alert')
    expect(alert.textContent).toContain('OpenAI refused the key.')
    expect(alert.textContent).toContain('Replace the key in Providers & Health.')
    await userEvent.click(within(alert).getByRole('button', { name: 'Retry' }))
    expect(core.sent()).toHaveLength(2)
    expect(core.sent()[1]).toEqual(core.sent()[0])
  })

  it('a reply that failed after it was stored is retried by regenerating it', async () => {
    const { log, box, providers: core } = await openChat()
    await userEvent.type(box, 'Hi{Enter}')
    await waitFor(() => core.push({ type: 'started', sessionId: id, userMessageId: 'u9', assistantMessageId: 'a9' }))
    act(() => core.fail({ code: 'E_PROVIDER_SERVER', message: 'The server failed.', retryable: true }))
    await userEvent.click(await within(log).findByRole('button', { name: 'Retry' }))
    expect(core.sent()[1]).toEqual({ sessionId: id, text: '', regenerate: 'a9', target: { auto: true } })
  })

  it('shows budget warnings as they stream, and a budget stop as its message', async () => {
    const { log, box, providers: core } = await openChat()
    await userEvent.type(box, 'Hi{Enter}')
    await waitFor(() => core.push({ type: 'started', sessionId: id, userMessageId: 'u1', assistantMessageId: 'a1' }, { type: 'budget', state: 'warn', message: 'You have used 85 % of today’s $1.00 budget.' }))
    expect(await within(log).findByText('You have used 85 % of today’s $1.00 budget.')).toBeTruthy()
    act(() => core.fail({ code: 'E_BUDGET', message: 'Today’s budget of $1.00 is spent.', hint: 'Raise the cap in Providers & Health.', retryable: false }))
    expect((await within(log).findByRole('alert')).textContent).toContain('Today’s budget of $1.00 is spent.')
  })
})

describe('Attachments and new chats', () => {
  it('warns when a picture is attached for a model without vision (Send refuses it: see e2e/chat-attach.e2e.ts, jsdom cannot scale pictures)', async () => {
    const { box } = await openChat()
    useChatPrefs.setState({ target: { providerId: 'ollama', model: 'llama3.2' } })
    await waitFor(() => expect(screen.getByRole('button', { name: 'Attach' }).getAttribute('title')).toMatch(/this model cannot see pictures/))
    fireEvent.paste(box, { clipboardData: { files: [new File(['x'], 'cat.png', { type: 'image/png' })] } })
    expect(await screen.findByText(/llama3\.2 · Ollama cannot see pictures: pick a model with the “vision” badge before sending/)).toBeTruthy()
  })

  it('a new chat sends without a session and moves to the session the core created', async () => {
    const { providers: core } = await renderAt('#/chat', options())
    const box = await screen.findByRole('textbox', { name: 'Message' })
    await waitFor(() => expect(box).toHaveProperty('disabled', false))
    await userEvent.type(box, 'Plan a trip{Enter}')
    expect(core.sent()).toEqual([{ text: 'Plan a trip', target: { auto: true } }])
    await waitFor(() => core.push({ type: 'started', sessionId: sessionId(5), userMessageId: 'u1', assistantMessageId: 'a1' }))
    await waitFor(() => expect(location.hash).toBe(`#/chat/${sessionId(5)}`))
    act(() => core.push({ type: 'text', text: 'Pack light.' }))
    const log = await screen.findByRole('log', { name: 'Messages' })
    expect(await within(log).findByText('Pack light.')).toBeTruthy()
    expect(within(log).getByText('Plan a trip')).toBeTruthy()
  })
})
