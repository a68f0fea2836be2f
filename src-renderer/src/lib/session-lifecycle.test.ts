import { act, screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import { renderAt } from '../../test/render'
import { makeSession, sessionId } from '../../test/session-fixtures'

const [first, second] = [sessionId(0), sessionId(1)]
const lifecycleCalls = (calls: { route: string; input: unknown }[]) => calls.filter((call) => call.route === 'sessions.lifecycle').map((call) => call.input)

describe('the window tells the core which chat it shows (SessionStart/SessionEnd hooks)', () => {
  it('opened on start, closed and opened when switching, nothing when leaving Chat, cleared by New chat', async () => {
    const { calls } = await renderAt(`#/chat/${first}`, { history: { sessions: [makeSession(0), makeSession(1)] } })
    await waitFor(() => expect(lifecycleCalls(calls)).toEqual([{ sessionId: first, state: 'opened' }]))

    // Back/forward or a link: the address names another chat.
    act(() => {
      window.location.hash = `#/chat/${second}`
    })
    await waitFor(() => expect(lifecycleCalls(calls)).toHaveLength(3))
    expect(lifecycleCalls(calls).slice(1)).toEqual([
      { sessionId: first, state: 'closed' },
      { sessionId: second, state: 'opened' },
    ])

    // Another screen keeps the chat open (it stays in the address).
    act(() => {
      window.location.hash = '#/settings'
    })
    expect(await screen.findByRole('heading', { level: 1, name: 'Settings' })).toBeTruthy()
    act(() => {
      window.location.hash = `#/chat/${second}`
    })
    await userEvent.click(await screen.findByRole('button', { name: 'New chat' }))
    await waitFor(() => expect(lifecycleCalls(calls)).toHaveLength(4))
    expect(lifecycleCalls(calls).at(-1)).toEqual({ sessionId: second, state: 'cleared' })
  })
})
