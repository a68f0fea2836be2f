import { act, fireEvent, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it, onTestFinished, vi } from 'vitest'
import { HIGHLIGHT_END, HIGHLIGHT_START } from '../../../../src-shared/contract'
import type { FakeApiOptions } from '../../../test/fake-api'
import { renderAt } from '../../../test/render'
import { makeMessage, makeSession, makeSessions, sessionId } from '../../../test/session-fixtures'
import { dayEnd, dayStart } from '../../lib/format'

const openSessions = (options: FakeApiOptions = {}) => renderAt('#/sessions', options)
const sessionList = () => screen.findByRole('listbox', { name: 'Sessions' })
const listCalls = (calls: { route: string; input: unknown }[]) => calls.filter((call) => call.route === 'sessions.list').map((call) => call.input as Record<string, unknown>)
const lastListCall = (calls: { route: string; input: unknown }[]) => listCalls(calls).at(-1)

describe('Sessions list', () => {
  it('says what to do when there are no sessions yet', async () => {
    await openSessions()
    expect(await screen.findByText('No sessions yet')).toBeTruthy()
    expect(screen.getByText('Chats you have appear here; import from ollama-cli or ChatGPT.')).toBeTruthy()
    await userEvent.click(within(screen.getByRole('region', { name: 'Session list' })).getByRole('button', { name: 'Import…' }))
    expect(await screen.findByRole('region', { name: 'Import sessions' })).toBeTruthy()
  })

  it('groups sessions under Pinned, Today, Yesterday, Previous 7 and 30 days, then months', async () => {
    // A fixed noon, so "today" cannot end while the test runs.
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(new Date(2025, 5, 18, 12, 0))
    onTestFinished(() => void vi.useRealTimers())
    const midnight = new Date().setHours(0, 0, 0, 0)
    const hour = 3_600_000
    const old = midnight - 90 * 24 * hour
    await openSessions({
      history: {
        sessions: [
          makeSession(0, { pinned: true, updatedAt: midnight - 200 * 24 * hour }),
          makeSession(1, { updatedAt: midnight + (Date.now() - midnight) / 2 }),
          makeSession(2, { updatedAt: midnight - 12 * hour }),
          makeSession(3, { updatedAt: midnight - 3 * 24 * hour }),
          makeSession(4, { updatedAt: midnight - 15 * 24 * hour }),
          makeSession(5, { updatedAt: old }),
        ],
      },
    })
    const list = await sessionList()
    await waitFor(() => expect(within(list).getAllByRole('option')).toHaveLength(6))
    const headers = [...list.querySelectorAll('.list-header')].map((header) => header.textContent)
    expect(headers).toEqual(['Pinned', 'Today', 'Yesterday', 'Previous 7 days', 'Previous 30 days', new Date(old).toLocaleDateString(undefined, { month: 'long', year: 'numeric' })])
    expect(screen.getByText('6 sessions')).toBeTruthy()
    expect(within(list).getAllByRole('option')[0]!.textContent).toContain('Trip planning #0')
  })

  it('renders only a window of rows for 5,000 sessions and pages in more while scrolling', async () => {
    const { calls } = await openSessions({ history: { sessions: makeSessions(5000) } })
    const list = await sessionList()
    await waitFor(() => expect(within(list).getAllByRole('option').length).toBeGreaterThan(10))
    expect(within(list).getAllByRole('option').length).toBeLessThan(60)
    expect(within(list).getAllByRole('option')[0]!.getAttribute('aria-setsize')).toBe('5000')
    expect(screen.getByText('5,000 sessions')).toBeTruthy()
    expect(listCalls(calls)[0]).toMatchObject({ offset: 0, limit: 500, sort: 'updated', order: 'desc', archived: false })
    expect(listCalls(calls).map((call) => call.offset)).toEqual([0])

    list.scrollTop = 3000 * 58
    fireEvent.scroll(list)
    await waitFor(() => expect(within(list).getAllByRole('option').some((option) => Number(option.getAttribute('aria-posinset')) > 2900)).toBe(true))
    expect(within(list).getAllByRole('option').length).toBeLessThan(60)
    expect(list.querySelector('.session-list-inner')!.getAttribute('style')).toMatch(/height: \d{6}/)
    expect(Math.max(...listCalls(calls).map((call) => call.offset as number))).toBeGreaterThanOrEqual(2500)
  })

  it('refreshes when sessions change elsewhere', async () => {
    const { history } = await openSessions({ history: { sessions: makeSessions(3) } })
    const list = await sessionList()
    await within(list).findByText(/Rust lifetimes #1/)
    act(() => void history.call('sessions.update', { id: sessionId(1), title: 'Renamed in another window' }))
    expect(await within(list).findByText('Renamed in another window')).toBeTruthy()
  })

  it('shows the error and a retry when the list cannot be loaded', async () => {
    const failing = { 'sessions.list': { code: 'E_IO' as const, message: 'The history database is locked.', hint: 'Close other copies of Ollama Desk.', retryable: true } }
    const options: FakeApiOptions = { failing, history: { sessions: makeSessions(2) } }
    await openSessions(options)
    const alert = await screen.findByRole('alert')
    expect(alert.textContent).toContain('The history database is locked.')
    expect(alert.textContent).toContain('Close other copies of Ollama Desk.')
    expect(screen.getByText('Your sessions could not be loaded.')).toBeTruthy()
    delete (failing as Partial<typeof failing>)['sessions.list']
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }))
    expect(await within(await sessionList()).findByText(/Trip planning #0/)).toBeTruthy()
  })
})

describe('Sessions search', () => {
  const history = {
    sessions: [makeSession(0, { title: 'Bread notes' }), makeSession(1, { title: 'Kubernetes' }), makeSession(2, { title: 'Sourdough diary' })],
    messages: {
      [sessionId(0)]: [makeMessage(sessionId(0), 0, { text: 'My sourdough <img src=x onerror=alert(1)> starter smells of acetone' })],
      [sessionId(1)]: [makeMessage(sessionId(1), 0, { text: 'ingress rules' })],
    },
  }

  it('searches as you type and marks the matched words, never parsing HTML', async () => {
    const { calls } = await openSessions({ history })
    await sessionList()
    // The debounce is what is tested: each keystroke is rendered, but with no turn of the event loop
    // in between, so a busy machine cannot let the timer fire between two of them.
    const box = screen.getByRole('searchbox', { name: 'Search sessions' })
    for (let typed = 1; typed <= 'sourdough'.length; typed++) act(() => void fireEvent.change(box, { target: { value: 'sourdough'.slice(0, typed) } }))
    const results = await screen.findByRole('listbox', { name: 'Search results' })
    const options = await within(results).findAllByRole('option')
    expect(options).toHaveLength(2)
    expect(options[0]!.textContent).toContain('Title')
    const marks = [...results.querySelectorAll('mark')].map((mark) => mark.textContent)
    expect(marks).toEqual(['Sourdough', 'sourdough'])
    expect(results.querySelector('img')).toBeNull()
    expect(results.textContent).toContain('<img src=x onerror=alert(1)>')
    expect(results.textContent).not.toContain(HIGHLIGHT_START)
    expect(results.textContent).not.toContain(HIGHLIGHT_END)
    const searches = calls.filter((call) => call.route === 'sessions.search')
    expect(searches.length).toBeLessThan('sourdough'.length)
    expect(searches.at(-1)!.input).toEqual({ query: 'sourdough', limit: 200 })
    expect(screen.getByText('2 results for “sourdough”')).toBeTruthy()
  })

  it('says when nothing matches, and Escape brings the list back', async () => {
    await openSessions({ history })
    await sessionList()
    const search = screen.getByRole('searchbox', { name: 'Search sessions' })
    await userEvent.type(search, 'zebra')
    expect(await screen.findByText('Nothing matches “zebra”.')).toBeTruthy()
    await userEvent.keyboard('{Escape}')
    expect((search as HTMLInputElement).value).toBe('')
    expect(await sessionList()).toBeTruthy()
  })

  it('previews the session of the selected hit and opens it with a double click', async () => {
    await openSessions({ history })
    await sessionList()
    await userEvent.type(screen.getByRole('searchbox', { name: 'Search sessions' }), 'ingress')
    const results = await screen.findByRole('listbox', { name: 'Search results' })
    const preview = screen.getByRole('complementary', { name: 'Preview' })
    expect(await within(preview).findByRole('heading', { name: 'Kubernetes' })).toBeTruthy()
    await userEvent.dblClick(within(results).getAllByRole('option')[0]!)
    expect(await screen.findByRole('heading', { level: 1, name: 'Chat' })).toBeTruthy()
    expect(location.hash).toBe(`#/chat/${sessionId(1)}`)
  })
})

describe('Sessions screen state', () => {
  it('keeps the search text, the filters and the selected session across a visit to a chat', async () => {
    await openSessions({ history: { sessions: makeSessions(8) } })
    await sessionList()
    await userEvent.click(screen.getByRole('checkbox', { name: 'Show archived' }))
    const list = await sessionList()
    await waitFor(() => expect(within(list).getAllByRole('option').length).toBeGreaterThan(4))
    await userEvent.click(within(list).getAllByRole('option')[3]!)
    const chosen = within(list).getAllByRole('option').find((option) => option.getAttribute('aria-current') === 'true')!.textContent
    await userEvent.type(screen.getByRole('searchbox', { name: 'Search sessions' }), 'kube')
    const nav = screen.getByRole('navigation', { name: 'Main' })
    await userEvent.click(within(nav).getByRole('link', { name: 'Chat' }))
    await screen.findByRole('heading', { level: 1, name: 'Chat' })
    await userEvent.click(within(nav).getByRole('link', { name: 'Sessions' }))
    await screen.findByRole('heading', { level: 1, name: 'Sessions' })
    expect((screen.getByRole('searchbox', { name: 'Search sessions' }) as HTMLInputElement).value).toBe('kube')
    expect(screen.getByRole('checkbox', { name: 'Show archived' })).toHaveProperty('checked', true)
    await userEvent.clear(screen.getByRole('searchbox', { name: 'Search sessions' }))
    const again = await sessionList()
    await waitFor(() => expect(within(again).getAllByRole('option').find((option) => option.getAttribute('aria-current') === 'true')?.textContent).toBe(chosen))
  })
})

describe('Sessions filters and sort', () => {
  it('passes every filter and the sort to the API', async () => {
    const { calls } = await openSessions({ history: { sessions: makeSessions(8) } })
    await sessionList()
    await waitFor(() => expect(screen.getByRole('option', { name: /travel \(2\)/ })).toBeTruthy())
    await userEvent.selectOptions(screen.getByRole('combobox', { name: 'Tag' }), 'travel')
    await waitFor(() => expect(lastListCall(calls)).toMatchObject({ tag: 'travel', offset: 0 }))
    await userEvent.type(screen.getByRole('combobox', { name: 'Provider' }), 'ollama')
    await userEvent.type(screen.getByRole('textbox', { name: 'Model' }), 'llama3.2')
    await waitFor(() => expect(lastListCall(calls)).toMatchObject({ provider: 'ollama', model: 'llama3.2' }))
    const typedModelCalls = listCalls(calls).filter((call) => typeof call.model === 'string' && call.model !== 'llama3.2')
    expect(typedModelCalls).toHaveLength(0)
    fireEvent.change(screen.getByLabelText('From'), { target: { value: '2025-01-01' } })
    fireEvent.change(screen.getByLabelText('To'), { target: { value: '2025-01-31' } })
    await waitFor(() => expect(lastListCall(calls)).toMatchObject({ from: dayStart('2025-01-01'), to: dayEnd('2025-01-31') }))
    await userEvent.click(screen.getByRole('checkbox', { name: 'With attachments' }))
    await waitFor(() => expect(lastListCall(calls)).toMatchObject({ hasAttachments: true, archived: false }))
    await userEvent.click(screen.getByRole('checkbox', { name: 'Show archived' }))
    await waitFor(() => expect(lastListCall(calls)!.archived).toBeUndefined())
    await userEvent.selectOptions(screen.getByRole('combobox', { name: 'Sort' }), 'title')
    await userEvent.click(screen.getByRole('button', { name: /Descending order/ }))
    await waitFor(() => expect(lastListCall(calls)).toMatchObject({ sort: 'title', order: 'asc' }))
    await userEvent.click(screen.getByRole('checkbox', { name: 'Trash' }))
    await waitFor(() => expect(lastListCall(calls)).toMatchObject({ onlyDeleted: true }))
    expect(lastListCall(calls)!.archived).toBeUndefined()
    expect(await screen.findByText('The trash is empty.')).toBeTruthy()
    await userEvent.click(screen.getByRole('checkbox', { name: 'Trash' }))

    await userEvent.type(screen.getByRole('searchbox', { name: 'Search sessions' }), 'trip')
    await waitFor(() => expect(calls.filter((call) => call.route === 'sessions.search').at(-1)?.input).toEqual({
      query: 'trip', limit: 200, tag: 'travel', provider: 'ollama', model: 'llama3.2', from: dayStart('2025-01-01'), to: dayEnd('2025-01-31'),
    }))
    expect(screen.getByRole('combobox', { name: 'Sort' })).toHaveProperty('disabled', true)
  })

  it('offers to clear filters that match nothing', async () => {
    await openSessions({ history: { sessions: makeSessions(3) } })
    await sessionList()
    await userEvent.type(screen.getByRole('textbox', { name: 'Model' }), 'nothing-like-this')
    expect(await screen.findByText('No session matches these filters.')).toBeTruthy()
    await userEvent.click(screen.getByRole('button', { name: 'Clear filters' }))
    expect(await within(await sessionList()).findByText(/Trip planning #0/)).toBeTruthy()
    expect(screen.getByRole('textbox', { name: 'Model' })).toHaveProperty('value', '')
  })
})

describe('Sessions failures', () => {
  it('says when the search or the tags cannot be loaded', async () => {
    await openSessions({
      history: { sessions: makeSessions(2) },
      failing: {
        'sessions.search': { code: 'E_INTERNAL', message: 'The search index is damaged.', hint: 'Run the doctor.', retryable: false },
        'sessions.tags': { code: 'E_IO', message: 'Tags unreadable.', retryable: false },
      },
    })
    expect((await screen.findAllByRole('alert')).map((alert) => alert.textContent).join()).toContain('Tags unreadable.')
    await userEvent.type(screen.getByRole('searchbox', { name: 'Search sessions' }), 'trip')
    expect(await screen.findByText('The search could not run.')).toBeTruthy()
    expect(screen.getByText(/The search index is damaged\. Run the doctor\./)).toBeTruthy()
  })

  it('says when the session of a search hit cannot be read', async () => {
    await openSessions({
      history: { sessions: makeSessions(2) },
      failing: { 'sessions.get': { code: 'E_NOT_FOUND', message: 'That session was deleted for good.', retryable: false } },
    })
    await userEvent.type(screen.getByRole('searchbox', { name: 'Search sessions' }), 'trip')
    await screen.findByRole('listbox', { name: 'Search results' })
    expect((await screen.findByRole('alert')).textContent).toContain('That session was deleted for good.')
    expect(screen.getByText('Select a session to see it here.')).toBeTruthy()
  })
})
