import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { FakeApiOptions } from '../../../test/fake-api'
import { renderAt } from '../../../test/render'
import { makeMessage, makeMessages, makeSession, makeSessions, sessionId } from '../../../test/session-fixtures'

const openSessions = async (options: FakeApiOptions = {}) => {
  const rendered = await renderAt('#/sessions', options)
  const list = await screen.findByRole('listbox', { name: 'Sessions' })
  await within(list).findAllByRole('option')
  return { ...rendered, list, preview: screen.getByRole('complementary', { name: 'Preview' }) }
}
const row = (list: HTMLElement, title: RegExp | string) => within(list).getByRole('option', { name: title })
const routeCalls = (calls: { route: string; input: unknown }[], route: string) => calls.filter((call) => call.route === route).map((call) => call.input)

afterEach(() => vi.restoreAllMocks())

describe('Session preview', () => {
  it('shows the selected session and its latest messages', async () => {
    const id = sessionId(0)
    const messages = makeMessages(id, 10)
    const { calls, preview } = await openSessions({
      history: { sessions: [makeSession(0, { source: 'ollama-cli', workspace: '/home/me/project' }), makeSession(1)], messages: { [id]: messages } },
    })
    expect(within(preview).getByRole('heading', { name: 'Trip planning #0' })).toBeTruthy()
    expect(preview.textContent).toContain('10 messages')
    expect(preview.textContent).toContain('ollama-cli')
    expect(preview.textContent).toContain('/home/me/project')
    const latest = await within(preview).findAllByRole('article')
    expect(latest).toHaveLength(6)
    expect(latest.at(-1)!.textContent).toContain('Answer number 9')
    expect(routeCalls(calls, 'sessions.messages')).toContainEqual({ sessionId: id, limit: 6 })
  })

  it('says so when a session has no messages, and follows a click to another session', async () => {
    const { preview, list } = await openSessions({ history: { sessions: [makeSession(0), makeSession(1)] } })
    expect(await within(preview).findByText('No messages yet.')).toBeTruthy()
    await userEvent.click(row(list, /Rust lifetimes #1/))
    expect(await within(preview).findByRole('heading', { name: 'Rust lifetimes #1' })).toBeTruthy()
    expect(row(list, /Rust lifetimes #1/).getAttribute('aria-current')).toBe('true')
  })

  it('says when the messages cannot be read', async () => {
    const { preview } = await openSessions({
      history: { sessions: [makeSession(0)] },
      failing: { 'sessions.messages': { code: 'E_IO', message: 'Unreadable page.', hint: 'Run the doctor.', retryable: false } },
    })
    expect(await within(preview).findByText('The messages could not be loaded.')).toBeTruthy()
    expect((await screen.findByRole('alert')).textContent).toContain('Run the doctor.')
  })
})

describe('Session actions', () => {
  it('renames inline: Enter saves, Escape cancels, an empty title is refused with the contract’s words', async () => {
    const { preview, list, calls } = await openSessions({ history: { sessions: makeSessions(2) } })
    await userEvent.click(within(preview).getByRole('button', { name: 'Rename' }))
    const input = within(preview).getByRole('textbox', { name: 'Session title' })
    await userEvent.clear(input)
    await userEvent.type(input, '   {Enter}')
    expect(within(preview).getByRole('alert').textContent).toBe('A title cannot be empty.')
    expect(routeCalls(calls, 'sessions.update')).toHaveLength(0)
    await userEvent.keyboard('{Escape}')
    expect(within(preview).queryByRole('textbox', { name: 'Session title' })).toBeNull()

    await userEvent.click(within(preview).getByRole('button', { name: 'Rename' }))
    await userEvent.clear(within(preview).getByRole('textbox', { name: 'Session title' }))
    await userEvent.type(within(preview).getByRole('textbox', { name: 'Session title' }), 'Lisbon in May{Enter}')
    expect(await within(list).findByText('Lisbon in May')).toBeTruthy()
    expect(routeCalls(calls, 'sessions.update')).toEqual([{ id: sessionId(0), title: 'Lisbon in May' }])
    expect(within(preview).getByRole('heading', { name: 'Lisbon in May' })).toBeTruthy()
  })

  it('keeps the editor open and shows the message when the core refuses a rename', async () => {
    const { preview } = await openSessions({
      history: { sessions: makeSessions(1) },
      failing: { 'sessions.update': { code: 'E_IO', message: 'The history is read-only.', hint: 'Check the data folder permissions.', retryable: false } },
    })
    await userEvent.click(within(preview).getByRole('button', { name: 'Rename' }))
    await userEvent.type(within(preview).getByRole('textbox', { name: 'Session title' }), ' again')
    await userEvent.click(within(preview).getByRole('button', { name: 'Save' }))
    const alert = await screen.findByRole('alert')
    expect(alert.textContent).toContain('The history is read-only.')
    expect(alert.textContent).toContain('Check the data folder permissions.')
    expect(within(preview).getByRole('textbox', { name: 'Session title' })).toBeTruthy()
    await userEvent.click(within(preview).getByRole('button', { name: 'Cancel' }))
  })

  it('pins, archives and tags the selected session', async () => {
    const { preview, list, history } = await openSessions({ history: { sessions: makeSessions(3) } })
    await userEvent.click(row(list, /Sourdough starter #2/))
    await userEvent.click(within(preview).getByRole('button', { name: 'Pin' }))
    await waitFor(() => expect(within(list).getAllByRole('option')[0]!.textContent).toContain('Sourdough starter #2'))
    expect(list.querySelector('.list-header')!.textContent).toBe('Pinned')
    expect(within(preview).getByRole('button', { name: 'Unpin' }).getAttribute('aria-pressed')).toBe('true')

    await userEvent.type(within(preview).getByRole('combobox', { name: 'New tag' }), 'baking{Enter}')
    await waitFor(() => expect(history.session(sessionId(2))!.tags).toEqual(['code', 'baking']))
    await userEvent.click(await within(preview).findByRole('button', { name: 'Remove tag code' }))
    await waitFor(() => expect(history.session(sessionId(2))!.tags).toEqual(['baking']))
    expect(await screen.findByRole('option', { name: 'baking (1)' })).toBeTruthy()

    await userEvent.click(within(preview).getByRole('button', { name: 'Archive' }))
    await waitFor(() => expect(within(list).queryByText(/Sourdough starter #2/)).toBeNull())
    expect(history.session(sessionId(2))!.archived).toBe(true)
  })

  it('deletes with an Undo that restores', async () => {
    const { preview, list, calls } = await openSessions({ history: { sessions: makeSessions(3) } })
    await userEvent.click(within(preview).getByRole('button', { name: 'Delete' }))
    const toast = await screen.findByText('“Trip planning #0” moved to the trash')
    await waitFor(() => expect(within(list).queryByText(/Trip planning #0/)).toBeNull())
    await userEvent.click(within(toast.closest('.notice') as HTMLElement).getByRole('button', { name: 'Undo' }))
    expect(await within(list).findByText(/Trip planning #0/)).toBeTruthy()
    expect(routeCalls(calls, 'sessions.delete')).toEqual([{ ids: [sessionId(0)] }])
    expect(routeCalls(calls, 'sessions.restore')).toEqual([{ ids: [sessionId(0)] }])
    expect(screen.queryByText(/moved to the trash/)).toBeNull()
  })

  it('restores from the trash, and reports a refused delete', async () => {
    const { preview } = await openSessions({
      history: { sessions: [makeSession(0), makeSession(1, { deletedAt: Date.now() })] },
      failing: { 'sessions.delete': { code: 'E_NOT_FOUND', message: 'That session is gone.', retryable: false } },
    })
    await userEvent.click(within(preview).getByRole('button', { name: 'Delete' }))
    expect((await screen.findByRole('alert')).textContent).toContain('That session is gone.')
    await userEvent.click(screen.getByRole('checkbox', { name: 'Trash' }))
    expect(await within(preview).findByRole('heading', { name: 'Rust lifetimes #1' })).toBeTruthy()
    expect(preview.textContent).toContain('In the trash')
    await userEvent.click(within(preview).getByRole('button', { name: 'Restore' }))
    expect(await screen.findByText('The trash is empty.')).toBeTruthy()
  })

  it('exports the selected session as a downloaded file', async () => {
    const create = vi.spyOn(URL, 'createObjectURL').mockReturnValue('blob:export')
    vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => undefined)
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => undefined)
    const { preview, calls } = await openSessions({ history: { sessions: makeSessions(1), messages: { [sessionId(0)]: [makeMessage(sessionId(0), 0)] } } })
    await userEvent.selectOptions(within(preview).getByRole('combobox', { name: 'Export format' }), 'json')
    await userEvent.click(within(preview).getByRole('button', { name: 'Export' }))
    await waitFor(() => expect(click).toHaveBeenCalled())
    expect(routeCalls(calls, 'sessions.export')).toEqual([{ id: sessionId(0), format: 'json' }])
    const blob = create.mock.calls[0]![0] as Blob
    expect(blob.type).toBe('application/json')
    expect(JSON.parse(await blob.text()).session.id).toBe(sessionId(0))
    expect((click.mock.contexts[0] as HTMLAnchorElement).download).toBe('Trip planning #0.json')
  })

  it('reports a refused export', async () => {
    const { preview } = await openSessions({
      history: { sessions: makeSessions(1) },
      failing: { 'sessions.export': { code: 'E_IO', message: 'Export failed.', hint: 'Try again.', retryable: true } },
    })
    await userEvent.click(within(preview).getByRole('button', { name: 'Export' }))
    expect((await screen.findByRole('alert')).textContent).toContain('Export failed.')
  })
})

describe('Bulk actions', () => {
  it('selects with checkboxes, Shift-click ranges and Ctrl-click, then pins, tags and archives them all', async () => {
    const { list, history } = await openSessions({ history: { sessions: makeSessions(6) } })
    const user = userEvent.setup()
    await user.click(within(row(list, /Trip planning #0/)).getByTitle(/^Select /))
    await user.keyboard('{Shift>}')
    await user.click(within(row(list, /Kubernetes ingress #4/)).getByTitle(/^Select /))
    await user.keyboard('{/Shift}')
    expect(screen.getByText('5 sessions selected')).toBeTruthy()
    await user.keyboard('{Control>}')
    await user.click(row(list, /Sourdough starter #2/))
    await user.keyboard('{/Control}')
    expect(screen.getByText('4 sessions selected')).toBeTruthy()
    expect(row(list, /Sourdough starter #2/).getAttribute('aria-selected')).toBe('false')
    expect(row(list, /Quarterly report #3/).getAttribute('aria-selected')).toBe('true')

    const bar = screen.getByRole('toolbar', { name: 'Selected sessions' })
    await user.click(within(bar).getByRole('button', { name: 'Pin' }))
    await waitFor(() => expect(history.all().filter((s) => s.pinned).map((s) => s.id)).toEqual([0, 1, 3, 4].map(sessionId)))
    await user.type(within(bar).getByRole('textbox', { name: 'Tag for selected sessions' }), 'q3{Enter}')
    await waitFor(() => expect(history.all().filter((s) => s.tags.includes('q3'))).toHaveLength(4))
    await user.click(within(bar).getByRole('button', { name: 'Archive' }))
    await waitFor(() => expect(within(list).getAllByRole('option')).toHaveLength(2))
    await user.click(screen.getByRole('button', { name: 'Clear selection' }))
    expect(screen.queryByRole('toolbar', { name: 'Selected sessions' })).toBeNull()
  })

  it('deletes the selection with one Undo, and restores a selection from the trash', async () => {
    const { list, calls } = await openSessions({ history: { sessions: makeSessions(4) } })
    const user = userEvent.setup()
    await user.click(within(row(list, /Trip planning #0/)).getByTitle(/^Select /))
    await user.click(within(row(list, /Rust lifetimes #1/)).getByTitle(/^Select /))
    await user.click(within(screen.getByRole('toolbar', { name: 'Selected sessions' })).getByRole('button', { name: 'Delete' }))
    expect(await screen.findByText('2 sessions moved to the trash')).toBeTruthy()
    expect(routeCalls(calls, 'sessions.delete')).toEqual([{ ids: [sessionId(0), sessionId(1)] }])
    await user.click(screen.getByRole('checkbox', { name: 'Trash' }))
    const trash = await screen.findByRole('listbox', { name: 'Sessions' })
    await waitFor(() => expect(within(trash).getAllByRole('option')).toHaveLength(2))
    await user.click(within(within(trash).getAllByRole('option')[0]!).getByTitle(/^Select /))
    await user.click(within(screen.getByRole('toolbar', { name: 'Selected sessions' })).getByRole('button', { name: 'Restore' }))
    await waitFor(() => expect(within(trash).getAllByRole('option')).toHaveLength(1))
    await user.click(screen.getByRole('button', { name: 'Dismiss' }))
    expect(screen.queryByText(/moved to the trash/)).toBeNull()
  })

  it('stops a bulk change at the first refusal and says why', async () => {
    const { list } = await openSessions({
      history: { sessions: makeSessions(3) },
      failing: { 'sessions.update': { code: 'E_NOT_FOUND', message: 'No such session.', retryable: false } },
    })
    await userEvent.click(within(row(list, /Trip planning #0/)).getByTitle(/^Select /))
    await userEvent.click(within(screen.getByRole('toolbar', { name: 'Selected sessions' })).getByRole('button', { name: 'Pin' }))
    expect((await screen.findByRole('alert')).textContent).toContain('No such session.')
  })
})
