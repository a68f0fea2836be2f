import { act, fireEvent, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { defaultSettings, type FakeApiOptions } from '../../../test/fake-api'
import { renderAt } from '../../../test/render'
import { makeMessage, makeMessages, makeSession, sessionId } from '../../../test/session-fixtures'
import { useAppStore } from '../../store/app-store'
import { useOnboarding } from '../../store/onboarding-store'
import { estimateHeight } from './MessageList'

const id = sessionId(0)
const openChat = async (options: FakeApiOptions, target = id) => {
  const rendered = await renderAt(`#/chat/${target}`, options)
  return { ...rendered, log: await screen.findByRole('log', { name: 'Messages' }) }
}
const messageCalls = (calls: { route: string; input: unknown }[]) => calls.filter((call) => call.route === 'sessions.branch').map((call) => call.input)

afterEach(() => vi.unstubAllGlobals())

describe('Chat screen', () => {
  it('without a provider, points to Providers & Health (and to installing Ollama when it is missing)', async () => {
    await renderAt('#/chat', { installer: { detection: { reachable: false, installs: [] } } })
    expect(await screen.findByRole('heading', { name: 'Connect a model to start chatting' })).toBeTruthy()
    expect(screen.queryByRole('textbox', { name: 'Message' })).toBeNull()
    await userEvent.click(await screen.findByRole('button', { name: 'Install Ollama' }))
    expect(useOnboarding.getState()).toMatchObject({ open: true, step: 'ollama' })
    await userEvent.click(screen.getByRole('link', { name: 'Open Providers & Health' }))
    expect(await screen.findByRole('heading', { level: 1, name: 'Providers & Health' })).toBeTruthy()
    expect(location.hash).toBe('#/providers')
  })

  it('shows a conversation: who, which model, when, tokens, cost, code and reasoning', async () => {
    const messages = [
      makeMessage(id, 0, { text: 'How do I read a file in Rust?\nQuickly, please.' }),
      makeMessage(id, 1, {
        text: 'Use this:\n```rust\nlet s = std::fs::read_to_string("a.txt")?;\n```\nThat is all.',
        reasoning: 'The user wants brevity.',
        usage: { inputTokens: 1200, outputTokens: 30, estimated: true },
        cost: 0.0012,
        timings: { totalMs: 2300 },
        attachments: [{ sha256: 'abc', name: 'a.txt', mime: 'text/plain', size: 2048 }],
        toolCalls: [{ name: 'read_file', arguments: { path: 'a.txt' } }],
      }),
      makeMessage(id, 2, { role: 'assistant', text: '', status: 'error', error: 'The provider closed the connection.', usage: { cachedTokens: 5 } }),
    ]
    // Token counts and speed show only when Settings → Chat → Messages asks for them.
    const settings = defaultSettings()
    await openChat({ history: { sessions: [makeSession(0, { tags: ['code'] })], messages: { [id]: messages } }, settings: { ...settings, display: { ...settings.display, showTokenEstimates: true } } })
    expect(await screen.findByRole('heading', { name: 'Trip planning #0' })).toBeTruthy()
    expect(screen.getByText(/3 messages · started .* · code/)).toBeTruthy()
    // Ollama is fine: its status is the sidebar's dot, not a card above the conversation.
    expect(await screen.findByRole('button', { name: 'Ollama 0.12.6: running' })).toBeTruthy()
    expect(screen.queryByRole('region', { name: 'Ollama status' })).toBeNull()
    const articles = await screen.findAllByRole('article')
    expect(articles).toHaveLength(3)
    expect(within(articles[0]!).getByText('You')).toBeTruthy()
    expect(articles[0]!.querySelector('.message-body p')!.textContent).toBe('How do I read a file in Rust?\nQuickly, please.')
    const reply = articles[1]!
    expect(within(reply).getByText('llama3.2 · ollama')).toBeTruthy()
    expect(within(reply).getByText('≈ 1,200 in · 30 out tokens (est.)')).toBeTruthy()
    expect(within(reply).getByText('$0.0012')).toBeTruthy()
    expect(within(reply).getByText('2.3 s')).toBeTruthy()
    expect(reply.querySelector('pre code')!.textContent).toBe('let s = std::fs::read_to_string("a.txt")?;\n')
    expect(reply.querySelector('pre')!.getAttribute('data-lang')).toBe('rust')
    expect(within(reply).getByRole('list', { name: 'Attachments' }).textContent).toBe('a.txt 2.0 KB')
    const reasoning = reply.querySelector('details.reasoning') as HTMLDetailsElement
    expect(reasoning.open).toBe(false)
    await userEvent.click(within(reasoning).getByText('Thinking'))
    expect(reasoning.open).toBe(true)
    expect(within(within(reply).getByRole('list', { name: 'Tool calls' })).getByText('read_file')).toBeTruthy()
    expect(within(articles[2]!).getByRole('alert').textContent).toContain('The provider closed the connection.')
    expect(within(articles[2]!).getByText('5 cached tokens')).toBeTruthy()

    // No provider is configured: the composer says so instead of pretending.
    expect(screen.getByRole('textbox', { name: 'Message' })).toHaveProperty('disabled', true)
    expect(screen.getByRole('button', { name: 'Send' })).toHaveProperty('disabled', true)
  })

  it('virtualises 1,000 messages and pages back with `before`, keeping the scroll position', async () => {
    const messages = makeMessages(id, 1000)
    const { log, calls } = await openChat({ history: { sessions: [makeSession(0)], messages: { [id]: messages } } })
    await waitFor(() => expect(within(log).getAllByRole('article').length).toBeGreaterThan(5))
    expect(messageCalls(calls)).toEqual([{ sessionId: id, limit: 100 }])
    const rendered = within(log).getAllByRole('article')
    expect(rendered.length).toBeLessThan(60)
    expect(rendered.at(-1)!.textContent).toContain('Answer number 999')
    expect(log.scrollTop).toBeGreaterThan(90 * estimateHeight(messages[0]!))
    expect(screen.getByText('Scroll up for older messages')).toBeTruthy()

    log.scrollTop = 0
    fireEvent.scroll(log)
    await waitFor(() => expect(messageCalls(calls)).toContainEqual({ sessionId: id, before: messages[900]!.id, limit: 100 }))
    // The message that was at the top is still where the user left it.
    await waitFor(() => expect(log.scrollTop).toBeGreaterThan(90 * estimateHeight(messages[0]!)))
    expect(within(log).getByText('Question number 900 about sourdough')).toBeTruthy()
    const inner = log.querySelector('.message-list-inner')!
    expect(parseFloat((inner as HTMLElement).style.height)).toBeGreaterThan(199 * estimateHeight(messages[0]!))

    for (let page = 2; page <= 9; page++) {
      // Scrolled to the top again on every try: a scroll that arrives while the previous page is
      // still being put in place is (rightly) ignored, and on a busy machine that happens.
      await waitFor(() => {
        log.scrollTop = 0
        fireEvent.scroll(log)
        expect(messageCalls(calls)).toHaveLength(page + 1)
      })
    }
    await waitFor(() => expect(screen.queryByText(/older messages/)).toBeNull())
    log.scrollTop = 0
    fireEvent.scroll(log)
    expect(within(log).getByText('Question number 0 about sourdough')).toBeTruthy()
    expect(messageCalls(calls)).toHaveLength(10)
  })

  it('replaces estimates with measured heights, shifting the view only for rows above it', async () => {
    // Other lists (the conversation column) observe sizes too: the one under test watches message rows.
    const observers: { callback: ResizeObserverCallback; targets: Element[] }[] = []
    vi.stubGlobal('ResizeObserver', class {
      observer: { callback: ResizeObserverCallback; targets: Element[] }
      constructor(callback: ResizeObserverCallback) {
        this.observer = { callback, targets: [] }
        observers.push(this.observer)
      }
      observe(target: Element) {
        this.observer.targets.push(target)
      }
      unobserve() {}
      disconnect() {}
    })
    const rowsObserver = () => observers.find((o) => o.targets.some((target) => target.classList.contains('message-row')))
    const observed = { get callback() { return rowsObserver()!.callback }, get targets() { return rowsObserver()?.targets ?? [] } }
    const messages = makeMessages(id, 100)
    const { log } = await openChat({ history: { sessions: [makeSession(0)], messages: { [id]: messages } } })
    await waitFor(() => expect(observed.targets.length).toBeGreaterThan(5))
    log.scrollTop = 3000
    fireEvent.scroll(log)
    const rows = () => [...log.querySelectorAll<HTMLElement>('.message-row')]
    await waitFor(() => expect(parseFloat(rows()[0]!.style.top)).toBeLessThan(3000))
    const [above, next] = rows()
    const index = messages.findIndex((message) => message.id === above!.dataset.id)
    const topBefore = parseFloat(next!.style.top)
    const entry = (target: Element, height: number) => ({ target, borderBoxSize: [{ blockSize: height, inlineSize: 600 }], contentRect: { height } }) as unknown as ResizeObserverEntry
    act(() => observed.callback([entry(above!, estimateHeight(messages[index]!) + 50), entry(document.createElement('div'), 10)], {} as ResizeObserver))
    await waitFor(() => expect(parseFloat(next!.style.top)).toBe(topBefore + 50))
    const scrollBefore = 3000
    expect(log.scrollTop).toBe(scrollBefore + 50)
    // The same height again changes nothing.
    act(() => observed.callback([entry(above!, estimateHeight(messages[index]!) + 50)], {} as ResizeObserver))
    expect(log.scrollTop).toBe(scrollBefore + 50)
  })

  it('says when a session has no messages', async () => {
    await renderAt(`#/chat/${id}`, { history: { sessions: [makeSession(0)] } })
    expect(await screen.findByText('No messages in this session yet.')).toBeTruthy()
  })

  it('explains a session that cannot be opened', async () => {
    await renderAt('#/chat/gone', { history: { sessions: [makeSession(0)] } })
    const alerts = await screen.findAllByRole('alert')
    expect(alerts.map((alert) => alert.textContent).join(' ')).toContain('There is no session with id gone.')
    expect(screen.getByText('This conversation could not be opened')).toBeTruthy()
  })

  it('goes back to Sessions, keeps the session open, and closes it on request', async () => {
    await openChat({ history: { sessions: [makeSession(0), makeSession(1)], messages: { [id]: makeMessages(id, 3) } } })
    await userEvent.click(within(screen.getByRole('navigation', { name: 'Main' })).getByRole('link', { name: 'Sessions' }))
    expect(await screen.findByRole('heading', { level: 1, name: 'Sessions' })).toBeTruthy()
    expect(location.hash).toBe('#/sessions')
    await userEvent.click(within(screen.getByRole('navigation', { name: 'Main' })).getByRole('link', { name: 'Chat' }))
    expect(await screen.findByRole('heading', { name: 'Trip planning #0' })).toBeTruthy()
    expect(location.hash).toBe(`#/chat/${id}`)
    await userEvent.click(screen.getByRole('button', { name: 'New chat' }))
    expect(await screen.findByRole('heading', { name: 'Connect a model to start chatting' })).toBeTruthy()
    expect(location.hash).toBe('#/chat')
    expect(useAppStore.getState().openSessionId).toBeUndefined()
  })

  it('follows the address to another session and reloads when the session changes', async () => {
    const { history } = await openChat({ history: { sessions: [makeSession(0), makeSession(1)], messages: { [id]: makeMessages(id, 3) } } })
    await screen.findByRole('heading', { name: 'Trip planning #0' })
    act(() => void history.call('sessions.update', { id, title: 'Renamed elsewhere' }))
    expect(await screen.findByRole('heading', { name: 'Renamed elsewhere' })).toBeTruthy()
    act(() => void history.call('sessions.update', { id: sessionId(1), title: 'Not this one' }))
    act(() => {
      location.hash = `#/chat/${sessionId(1)}`
      window.dispatchEvent(new HashChangeEvent('hashchange'))
    })
    expect(await screen.findByRole('heading', { name: 'Not this one' })).toBeTruthy()
  })
})

describe('Conversation updates and failures', () => {
  it('appends a message that arrives, keeping the older pages', async () => {
    const messages = makeMessages(id, 150)
    const { log, history, calls } = await openChat({ history: { sessions: [makeSession(0)], messages: { [id]: messages } } })
    await waitFor(() => expect(within(log).getAllByRole('article').length).toBeGreaterThan(5))
    log.scrollTop = 0
    fireEvent.scroll(log)
    await waitFor(() => expect(messageCalls(calls)).toHaveLength(2))
    act(() => history.addMessage(makeMessage(id, 150, { text: 'A late reply', createdAt: Date.now() })))
    await waitFor(() => expect(messageCalls(calls)).toHaveLength(3))
    expect(await screen.findByText('151 messages', { exact: false })).toBeTruthy()
    const inner = log.querySelector('.message-list-inner') as HTMLElement
    await waitFor(() => expect(parseFloat(inner.style.height)).toBeGreaterThan(150 * estimateHeight(messages[0]!)))
    log.scrollTop = 1e9
    fireEvent.scroll(log)
    expect(await within(log).findByText('A late reply')).toBeTruthy()
  })

  it('reports older messages that cannot be loaded, and messages that cannot be read at all', async () => {
    const failing: FakeApiOptions['failing'] = {}
    const { log } = await openChat({ failing, history: { sessions: [makeSession(0)], messages: { [id]: makeMessages(id, 150) } } })
    await waitFor(() => expect(within(log).getAllByRole('article').length).toBeGreaterThan(5))
    failing['sessions.branch'] = { code: 'E_IO', message: 'Page unreadable.', hint: 'Run the doctor.', retryable: false }
    log.scrollTop = 0
    fireEvent.scroll(log)
    expect((await screen.findByRole('alert')).textContent).toContain('Page unreadable.')
  })

  it('shows why the messages of a session cannot be read', async () => {
    await renderAt(`#/chat/${id}`, {
      history: { sessions: [makeSession(0)] },
      failing: { 'sessions.branch': { code: 'E_IO', message: 'History unreadable.', hint: 'Run the doctor.', retryable: false } },
    })
    expect(await screen.findByText('This conversation could not be opened')).toBeTruthy()
    expect(screen.getAllByText('History unreadable.').length).toBeGreaterThan(0)
  })
})
