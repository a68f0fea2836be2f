import { act, fireEvent, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import type { FakeApiOptions } from '../../../test/fake-api'
import { renderAt } from '../../../test/render'
import { makeSessions, sessionId } from '../../../test/session-fixtures'
import { useAppStore } from '../../store/app-store'

const openSessions = async (options: FakeApiOptions = {}) => {
  const rendered = await renderAt('#/sessions', options)
  const list = await screen.findByRole('listbox', { name: 'Sessions' })
  await within(list).findAllByRole('option')
  return { ...rendered, list, preview: screen.getByRole('complementary', { name: 'Preview' }) }
}
const active = (list: HTMLElement) => document.getElementById(list.getAttribute('aria-activedescendant') ?? '')

describe('Session keyboard', () => {
  it('moves the selection with the arrow keys and keeps it in view', async () => {
    const { list, preview } = await openSessions({ history: { sessions: makeSessions(300) } })
    list.focus()
    expect(active(list)!.textContent).toContain('Trip planning #0')
    await userEvent.keyboard('{ArrowDown}{ArrowDown}{ArrowUp}')
    expect(active(list)!.textContent).toContain('Rust lifetimes #1')
    expect(await within(preview).findByRole('heading', { name: 'Rust lifetimes #1' })).toBeTruthy()
    await userEvent.keyboard('{ArrowUp}{ArrowUp}')
    expect(active(list)!.getAttribute('aria-posinset')).toBe('1')
    expect(list.scrollTop).toBe(0)

    for (let i = 0; i < 10; i++) await userEvent.keyboard('{PageDown}')
    expect(active(list)!.getAttribute('aria-posinset')).toBe('101')
    expect(list.scrollTop).toBeGreaterThan(100 * 58 - 800)
    await userEvent.keyboard('{End}')
    await waitFor(() => expect(Number(active(list)?.getAttribute('aria-posinset'))).toBeGreaterThanOrEqual(200))
    await userEvent.keyboard('{Home}')
    expect(active(list)!.getAttribute('aria-posinset')).toBe('1')
    expect(list.scrollTop).toBe(0)
    await userEvent.keyboard('{PageUp}')
    expect(active(list)!.getAttribute('aria-posinset')).toBe('1')
    // Scrolled away, a key that keeps the same row still brings it back into view.
    list.scrollTop = 5000
    fireEvent.scroll(list)
    await userEvent.keyboard('{ArrowUp}')
    expect(list.scrollTop).toBe(0)
  })

  it('Enter opens the selected session in Chat', async () => {
    const { list } = await openSessions({ history: { sessions: makeSessions(3) } })
    list.focus()
    await userEvent.keyboard('{ArrowDown}{Enter}')
    expect(await screen.findByRole('heading', { level: 1, name: 'Chat' })).toBeTruthy()
    expect(location.hash).toBe(`#/chat/${sessionId(1)}`)
    expect(useAppStore.getState().openSessionId).toBe(sessionId(1))
  })

  it('Delete deletes with undo, F2 renames, Space checks, Escape clears the checks', async () => {
    const { list, preview, history } = await openSessions({ history: { sessions: makeSessions(3) } })
    list.focus()
    await userEvent.keyboard('{Delete}')
    expect(await screen.findByText('“Trip planning #0” moved to the trash')).toBeTruthy()
    await waitFor(() => expect(history.session(sessionId(0))!.deletedAt).not.toBeNull())
    await waitFor(() => expect(active(list)!.textContent).toContain('Rust lifetimes #1'))

    await userEvent.keyboard('{F2}')
    const title = within(preview).getByRole('textbox', { name: 'Session title' })
    expect(document.activeElement).toBe(title)
    await userEvent.keyboard('{Escape}')
    expect(within(preview).queryByRole('textbox', { name: 'Session title' })).toBeNull()
    expect(document.activeElement).toBe(list)

    await userEvent.keyboard(' ')
    expect(active(list)!.getAttribute('aria-selected')).toBe('true')
    expect(screen.getByText('1 session selected')).toBeTruthy()
    await userEvent.keyboard('{ArrowDown} ')
    expect(screen.getByText('2 sessions selected')).toBeTruthy()
    await userEvent.keyboard('{Escape}')
    expect(screen.queryByText(/selected$/)).toBeNull()

    await userEvent.keyboard(' {ArrowUp} {Delete}')
    expect(await screen.findByText('2 sessions moved to the trash')).toBeTruthy()
  })

  it('/ focuses the search, Escape clears it, ArrowDown goes back to the list', async () => {
    const { list } = await openSessions({ history: { sessions: makeSessions(3) } })
    const search = screen.getByRole('searchbox', { name: 'Search sessions' }) as HTMLInputElement
    ;(document.activeElement as HTMLElement | null)?.blur()
    await userEvent.keyboard('/')
    expect(document.activeElement).toBe(search)
    await userEvent.keyboard('trip')
    await screen.findByRole('listbox', { name: 'Search results' })
    await userEvent.keyboard('{Escape}')
    expect(search.value).toBe('')
    await userEvent.keyboard('{ArrowDown}')
    expect(document.activeElement).toBe(await screen.findByRole('listbox', { name: 'Sessions' }))

    // Keys go to the list only: not while typing elsewhere, nor with the palette open.
    await userEvent.click(screen.getByRole('textbox', { name: 'Model' }))
    await userEvent.keyboard('{Delete}')
    act(() => useAppStore.getState().setPaletteOpen(true))
    fireEvent.keyDown(list, { key: 'Delete' })
    act(() => useAppStore.getState().setPaletteOpen(false))
    fireEvent.keyDown(list, { key: 'x' })
    fireEvent.keyDown(list, { key: 'a', ctrlKey: true })
    expect(screen.queryByText(/moved to the trash/)).toBeNull()
  })

  it('navigates search hits with the keyboard and opens one with Enter', async () => {
    await openSessions({ history: { sessions: makeSessions(20) } })
    await userEvent.type(screen.getByRole('searchbox', { name: 'Search sessions' }), 'birthday{Enter}')
    // On a busy machine the hits of a shorter prefix may show first: go on once the whole word's are in.
    await screen.findByText('2 results for “birthday”')
    const results = await screen.findByRole('listbox', { name: 'Search results' })
    expect(document.activeElement).toBe(results)
    await waitFor(() => expect(within(results).getAllByRole('option')).toHaveLength(2))
    expect(active(results)!.textContent).toContain('Birthday ideas #5')
    await userEvent.keyboard('{ArrowDown}')
    expect(active(results)!.textContent).toContain('Birthday ideas #13')
    await userEvent.keyboard(' {Enter}')
    expect(await screen.findByRole('heading', { level: 1, name: 'Chat' })).toBeTruthy()
    expect(location.hash).toBe(`#/chat/${sessionId(13)}`)
  })
})
